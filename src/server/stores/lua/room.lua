-- Shared prelude of every antichambre script (redis-scripts.ts prepends it to each command body).
-- One room = one hash slot: every key below carries the {room} hash tag, so a script touches one
-- slot and Redis Cluster can shard by room. A script runs alone on its node, which is what makes
-- each store operation atomic across server instances.
--
-- KEYS: 1 room settings and counters (hash), 2 line (zset id -> join seq), 3 waiting by last seen
-- (zset id -> ms), 4 sessions by last seen (zset id -> ms), 5 tickets (hash id -> "key|createdAt|
-- admittedAt"), 6 join keys (hash key -> id), 7 admissions (zset id -> ms), 8 audit log (list),
-- 9 admissions not claimed yet (zset id -> admitted at, ms; these are in 4 too), 10 admissions that
-- ended unclaimed (zset id -> ended at, ms; kept for the session TTL).
-- ARGV: 1 now, 2 waiting TTL, 3 session TTL, 4 stats window, 5 rate window (ms), 6-9 defaults of a
-- new room (capacity, admitPerMinute, open 1/0, opensAt ms or ''), 10 audit 1/0, 11 admit grace (ms);
-- the rest per script.
local K_ROOM, K_LINE, K_WSEEN, K_SSEEN = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local K_TICKETS, K_KEYS, K_ADMITS, K_AUDIT = KEYS[5], KEYS[6], KEYS[7], KEYS[8]
local K_UNCLAIMED, K_ENDED_UNCLAIMED = KEYS[9], KEYS[10]
local now = tonumber(ARGV[1])
local WAITING_TTL, SESSION_TTL = tonumber(ARGV[2]), tonumber(ARGV[3])
local STATS_WINDOW, RATE_WINDOW = tonumber(ARGV[4]), tonumber(ARGV[5])
local AUDIT = ARGV[10] == '1'
local ADMIT_GRACE = tonumber(ARGV[11])

-- Reads the room, creating it with the defaults when asked. Instances' clocks differ by a few ms:
-- the room keeps the latest `now` it saw and never goes back, so a ticket cannot expire and then
-- come back to life because the next request came from a slower clock.
local function load_room(create)
  local f = redis.call('HMGET', K_ROOM, 'capacity', 'admitPerMinute', 'open', 'opensAt', 'createdAt', 'seq', 'clock')
  if not f[1] then
    if not create then return nil, false end
    local room = {
      capacity = tonumber(ARGV[6]), admitPerMinute = tonumber(ARGV[7]), open = tonumber(ARGV[8]),
      opensAt = tonumber(ARGV[9]), createdAt = now, seq = 0,
    }
    redis.call('HSET', K_ROOM, 'capacity', room.capacity, 'admitPerMinute', room.admitPerMinute,
      'open', room.open, 'opensAt', ARGV[9], 'createdAt', now, 'seq', 0, 'clock', now)
    return room, true
  end
  local clock = tonumber(f[7])
  if clock > now then now = clock elseif clock < now then redis.call('HSET', K_ROOM, 'clock', now) end
  return {
    capacity = tonumber(f[1]), admitPerMinute = tonumber(f[2]), open = tonumber(f[3]),
    opensAt = tonumber(f[4]), createdAt = tonumber(f[5]), seq = tonumber(f[6]),
  }, false
end

local function before_opening(room)
  return room.opensAt ~= nil and now < room.opensAt
end

local function parse_ticket(data)
  local key, created, admitted = string.match(data, '^([^|]*)|([^|]*)|([^|]*)$')
  return key, tonumber(created), tonumber(admitted)
end

local function remove_ticket(id)
  local data = redis.call('HGET', K_TICKETS, id)
  if not data then return end
  local key = parse_ticket(data)
  if redis.call('HGET', K_KEYS, key) == id then redis.call('HDEL', K_KEYS, key) end
  redis.call('HDEL', K_TICKETS, id)
  redis.call('ZREM', K_LINE, id)
  redis.call('ZREM', K_WSEEN, id)
  redis.call('ZREM', K_SSEEN, id)
  redis.call('ZREM', K_UNCLAIMED, id)
end

-- The answer to the pupil's client says "admitted": the seat is now theirs until the session TTL.
-- A no-op for a waiting ticket, which is never in K_UNCLAIMED.
local function claim(id)
  redis.call('ZREM', K_UNCLAIMED, id)
end

-- Admissions not claimed within the grace end first, and are remembered for the session TTL; then
-- tickets not seen for their TTL: the stalest come first, so this reads only what it removes.
local function expire()
  local unclaimed = redis.call('ZRANGEBYSCORE', K_UNCLAIMED, '-inf', now - ADMIT_GRACE, 'WITHSCORES')
  for i = 1, #unclaimed, 2 do
    remove_ticket(unclaimed[i])
    redis.call('ZADD', K_ENDED_UNCLAIMED, tonumber(unclaimed[i + 1]) + ADMIT_GRACE, unclaimed[i])
  end
  if #unclaimed > 0 then redis.call('HINCRBY', K_ROOM, 'expiredSessions', #unclaimed / 2) end
  redis.call('ZREMRANGEBYSCORE', K_ENDED_UNCLAIMED, '-inf', now - SESSION_TTL)
  for _, set in ipairs({ { K_WSEEN, WAITING_TTL, 'expiredWaiting' }, { K_SSEEN, SESSION_TTL, 'expiredSessions' } }) do
    local stale = redis.call('ZRANGEBYSCORE', set[1], '-inf', now - set[2])
    for _, id in ipairs(stale) do remove_ticket(id) end
    if #stale > 0 then redis.call('HINCRBY', K_ROOM, set[3], #stale) end
  end
end

-- Admits the front of the line within capacity and the sliding-window rate. Mirrors
-- admissionsAllowed() in src/server/rooms.ts, which the memory store calls.
local function admit(room)
  redis.call('ZREMRANGEBYSCORE', K_ADMITS, '-inf', now - math.max(STATS_WINDOW, RATE_WINDOW))
  if room.open ~= 1 or before_opening(room) then return end
  local active = redis.call('ZCARD', K_SSEEN)
  local recent = redis.call('ZCOUNT', K_ADMITS, '(' .. (now - RATE_WINDOW), '+inf')
  local allowed = math.min(room.capacity - active, room.admitPerMinute - recent)
  if allowed <= 0 then return end
  local front = redis.call('ZRANGE', K_LINE, 0, allowed - 1, 'WITHSCORES')
  for i = 1, #front, 2 do
    local id = front[i]
    local key, created = parse_ticket(redis.call('HGET', K_TICKETS, id))
    redis.call('HSET', K_TICKETS, id, key .. '|' .. created .. '|' .. now)
    redis.call('ZREM', K_LINE, id)
    redis.call('ZREM', K_WSEEN, id)
    redis.call('ZADD', K_SSEEN, now, id) -- the session TTL starts at admission
    redis.call('ZADD', K_UNCLAIMED, now, id)
    redis.call('ZADD', K_ADMITS, now, id)
    active = active + 1
    if AUDIT then redis.call('RPUSH', K_AUDIT, front[i + 1] .. ' ' .. id .. ' ' .. active .. ' ' .. now) end
  end
  if #front > 0 then redis.call('HINCRBY', K_ROOM, 'admitted', #front / 2) end
end

local function touch(id, admitted)
  redis.call('ZADD', admitted and K_SSEEN or K_WSEEN, 'XX', now, id)
end

-- Settings, counters, then the totals since the room was created (admin API and /metrics).
local function room_reply(room, created)
  local opens_at = room.opensAt or -1
  local totals = redis.call('HMGET', K_ROOM, 'admitted', 'expiredWaiting', 'expiredSessions', 'released')
  return {
    room.capacity, room.admitPerMinute, room.open, opens_at, room.createdAt,
    redis.call('ZCARD', K_LINE), redis.call('ZCARD', K_SSEEN),
    redis.call('ZCOUNT', K_ADMITS, '(' .. (now - STATS_WINDOW), '+inf'),
    tonumber(totals[1]) or 0, tonumber(totals[2]) or 0, tonumber(totals[3]) or 0, tonumber(totals[4]) or 0,
    created and 1 or 0,
  }
end

-- A ticket's fields (id, admitted 1/0, position, createdAt, admittedAt or -1, created 1/0). A
-- pre-queued pupil's rank is the secret draw: it gets the last place the draw can give instead (see
-- join.lua).
local function ticket_fields(room, id, created)
  local key, created_at, admitted_at = parse_ticket(redis.call('HGET', K_TICKETS, id))
  local position = 0
  if not admitted_at then
    local score = tonumber(redis.call('ZSCORE', K_LINE, id))
    if before_opening(room) and score > room.seq then
      position = redis.call('ZCARD', K_LINE)
    else
      position = redis.call('ZRANK', K_LINE, id) + 1
    end
  end
  return { id, admitted_at and 1 or 0, position, created_at, admitted_at or -1, created and 1 or 0 }
end

-- A ticket, then its room.
local function ticket_reply(room, id, created, room_created)
  local reply = ticket_fields(room, id, created)
  for _, value in ipairs(room_reply(room, room_created)) do reply[#reply + 1] = value end
  return reply
end
