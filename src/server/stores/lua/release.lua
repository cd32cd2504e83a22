-- release(id): leaves the line or frees the seat, then lets the next pupils in. Unknown ids are ignored.
local room = load_room(false)
if not room then return false end
expire()
if redis.call('HEXISTS', K_TICKETS, ARGV[13]) == 1 then
  remove_ticket(ARGV[13])
  redis.call('HINCRBY', K_ROOM, 'released', 1)
end
admit(room)
keep_alive(room)
return true
