-- configure(capacity, admitPerMinute, open, opensAt, lanes): '' keeps a field; opensAt 'null' removes the schedule;
-- lanes: their JSON (lane-schedule.ts), '[]' removes them (tickets waiting in a removed lane keep their place).
local room, room_created = load_room(true)
-- A configured room keeps its settings however long it stays unused (keep_alive).
room.pinned = true
redis.call('HSET', K_ROOM, 'pinned', 1)
redis.call('PERSIST', K_ROOM)
local fields = { 'capacity', 'admitPerMinute', 'open' }
for i, field in ipairs(fields) do
  if ARGV[12 + i] ~= '' then
    room[field] = tonumber(ARGV[12 + i])
    redis.call('HSET', K_ROOM, field, room[field])
  end
end
if ARGV[16] == 'null' then
  room.opensAt = nil
  redis.call('HSET', K_ROOM, 'opensAt', '')
elseif ARGV[16] ~= '' then
  room.opensAt = tonumber(ARGV[16])
  redis.call('HSET', K_ROOM, 'opensAt', ARGV[16])
end
if ARGV[17] ~= nil and ARGV[17] ~= '' then
  room.lanes = ARGV[17]
  room.lane_list = nil
  check_zones(room)
  redis.call('HSET', K_ROOM, 'lanes', ARGV[17])
end
expire()
admit(room)
keep_alive(room)
return room_reply(room, room_created)
