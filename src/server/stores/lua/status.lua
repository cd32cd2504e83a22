-- status(at_1, id_1, at_2, id_2, …): several tickets of one room read in one round trip, each call
-- exactly as if it had run alone, in that order (the caller sorts the calls by time): the room is
-- brought up to date at each new time (expiry, admission), then the ticket is read and the read counts
-- as its sign of life (and, for an admitted ticket, as the claim of its admission).
-- Returns false for an unknown room; else { rooms, tickets }: rooms holds one room_reply per distinct
-- time, tickets one entry per call, in call order: the 6 fields of ticket_reply plus the index (1-based)
-- of its room reply, or an empty array for a ticket that is gone.
local room = load_room(false)
if not room then return false end
local start = now
local rooms, tickets = {}, {}
local settled_at = nil
for i = 13, #ARGV, 2 do
  local at, id = tonumber(ARGV[i]), ARGV[i + 1]
  if at > now then now = at end -- the room clock never goes back (see load_room)
  if settled_at ~= now then
    expire()
    admit(room)
    settled_at = now
    rooms[#rooms + 1] = room_reply(room, false)
  end
  local data = redis.call('HGET', K_TICKETS, id)
  if data then
    local _, _, admitted_at = parse_ticket(data)
    touch(id, admitted_at)
    claim(id)
    local reply = ticket_fields(room, id, false)
    reply[#reply + 1] = #rooms
    tickets[#tickets + 1] = reply
  else
    tickets[#tickets + 1] = {}
  end
end
if now > start then redis.call('HSET', K_ROOM, 'clock', now) end
keep_alive(room)
return { rooms, tickets }
