-- configure(capacity, admitPerMinute, open, opensAt): '' keeps a field; opensAt 'null' removes the schedule.
local room, room_created = load_room(true)
local fields = { 'capacity', 'admitPerMinute', 'open' }
for i, field in ipairs(fields) do
  if ARGV[11 + i] ~= '' then
    room[field] = tonumber(ARGV[11 + i])
    redis.call('HSET', K_ROOM, field, room[field])
  end
end
if ARGV[15] == 'null' then
  room.opensAt = nil
  redis.call('HSET', K_ROOM, 'opensAt', '')
elseif ARGV[15] ~= '' then
  room.opensAt = tonumber(ARGV[15])
  redis.call('HSET', K_ROOM, 'opensAt', ARGV[15])
end
expire()
admit(room)
return room_reply(room, room_created)
