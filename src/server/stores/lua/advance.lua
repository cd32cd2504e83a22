-- advance(): expires stale tickets, admits the next pupils, and returns the room's counters (nil if
-- the room does not exist). A declared room that is missing is created from its declaration.
local room, room_created = load_room(true)
if not room then return false end
expire()
admit(room)
keep_alive(room)
return room_reply(room, room_created)
