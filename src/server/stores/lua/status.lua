-- status(id): brings the room up to date, then reads the ticket and counts the call as a sign of life
-- (and, for an admitted ticket, as the claim of its admission).
-- Returns nil for an unknown room or ticket.
local id = ARGV[12]
local room = load_room(false)
if not room then return false end
expire()
admit(room)
local data = redis.call('HGET', K_TICKETS, id)
if not data then return false end
local _, _, admitted_at = parse_ticket(data)
touch(id, admitted_at)
claim(id)
return ticket_reply(room, id, false, false)
