-- advance(): expires stale tickets, admits the next pupils, and returns the room's counters (nil if
-- the room does not exist).
local room = load_room(false)
if not room then return false end
expire()
admit(room)
return room_reply(room, false)
