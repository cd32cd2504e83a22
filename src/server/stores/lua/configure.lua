-- configure(capacity, admitPerMinute, open, opensAt): '' keeps a field; opensAt 'null' removes the schedule.
local room, room_created = load_room(true)
local fields = { 'capacity', 'admitPerMinute', 'open' }
for i, field in ipairs(fields) do
  if ARGV[10 + i] ~= '' then
    room[field] = tonumber(ARGV[10 + i])
    redis.call('HSET', K_ROOM, field, room[field])
  end
end
if ARGV[14] == 'null' then
  room.opensAt = nil
  redis.call('HSET', K_ROOM, 'opensAt', '')
elseif ARGV[14] ~= '' then
  room.opensAt = tonumber(ARGV[14])
  redis.call('HSET', K_ROOM, 'opensAt', ARGV[14])
end
expire()
admit(room)
return room_reply(room, room_created)
