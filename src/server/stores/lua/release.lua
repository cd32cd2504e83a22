-- release(id): leaves the line or frees the seat, then lets the next pupils in. Unknown ids are ignored.
local room = load_room(false)
if not room then return false end
expire()
if redis.call('HEXISTS', K_TICKETS, ARGV[12]) == 1 then
  remove_ticket(ARGV[12])
  redis.call('HINCRBY', K_ROOM, 'released', 1)
end
admit(room)
return true
