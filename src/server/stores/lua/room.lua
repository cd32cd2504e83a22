-- Shared prelude of every antichambre script (redis-scripts.ts prepends it to each command body).
-- One room = one hash slot: every key below carries the {room} hash tag, so a script touches one
-- slot and Redis Cluster can shard by room. A script runs alone on its node, which is what makes
-- each store operation atomic across server instances.
--
-- KEYS: 1 room settings and counters (hash), 2 line (zset id -> line score, see line_score), 3 waiting by last seen
-- (zset id -> ms), 4 sessions by last seen (zset id -> ms), 5 tickets (hash id -> "key|createdAt|
-- admittedAt"), 6 join keys (hash key -> id), 7 admissions (zset id -> ms), 8 audit log (list),
-- 9 admissions not claimed yet (zset id -> admitted at, ms; these are in 4 too), 10 admissions that
-- ended unclaimed (zset id -> ended at, ms; kept for the session TTL), 11 clients with a waiting ticket
-- (hash client -> "lastRound waiting", see fair_round), 12 the client of each waiting ticket (hash id -> client),
-- 13 lanes in use (hash name -> "slot vt round", see "Lanes"), 14 the lane of each ticket not in the default lane
-- (hash id -> name), 15 on: the lines of the other lanes, by slot (line-1, line-2, …).
-- ARGV: 1 now, 2 waiting TTL, 3 session TTL, 4 stats window, 5 rate window (ms), 6-9 settings of a
-- new room, declared or default (capacity, admitPerMinute, open 1/0, opensAt ms or ''), 10 room flags (below), 11 admit grace (ms),
-- 12 max session (ms); the rest (from ARGV[13]) per script.
local K_ROOM, K_LINE, K_WSEEN, K_SSEEN = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local K_TICKETS, K_KEYS, K_ADMITS, K_AUDIT = KEYS[5], KEYS[6], KEYS[7], KEYS[8]
local K_UNCLAIMED, K_ENDED_UNCLAIMED = KEYS[9], KEYS[10]
local K_CLIENTS, K_TICKET_CLIENT = KEYS[11], KEYS[12]
local K_LANES, K_TICKET_LANE = KEYS[13], KEYS[14]
local LANE_SLOTS = #KEYS - 14
local now = tonumber(ARGV[1])
local WAITING_TTL, SESSION_TTL = tonumber(ARGV[2]), tonumber(ARGV[3])
local STATS_WINDOW, RATE_WINDOW = tonumber(ARGV[4]), tonumber(ARGV[5])
-- ARGV[10] packs the room's flags, so adding one shifts no script's own arguments: audit 1/0, idle TTL
-- (ms: every key of a room unused this long expires, see keep_alive), declared 1/0 (the operator
-- declared the room: any call recreates it from ARGV[6-9] and its settings never expire), create 1/0
-- (this call may create the room: a join that the room-creation policy allows, or an admin call).
-- After a newline: the minute of the day in each time zone the caller knows ("Europe/Paris=600 UTC=480": Lua
-- has no time zones), then after another the lanes of a declared room (JSON, or nothing).
local AUDIT, IDLE_TTL, DECLARED, MAY_CREATE
local ZONE_MINUTES, DECLARED_LANES = {}, ''
do
  local flags, zones, lanes = string.match(ARGV[10], '^([^\n]*)\n?([^\n]*)\n?(.*)$')
  local audit, idle_ttl, declared, create = string.match(flags, '^(%d) (%d+) (%d) (%d)$')
  AUDIT, IDLE_TTL, DECLARED, MAY_CREATE = audit == '1', tonumber(idle_ttl), declared == '1', create == '1' or declared == '1'
  for zone, minute in string.gmatch(zones or '', '([^ =]+)=(%d+)') do ZONE_MINUTES[zone] = tonumber(minute) end
  DECLARED_LANES = lanes or ''
end
local ADMIT_GRACE = tonumber(ARGV[11])
local MAX_SESSION = tonumber(ARGV[12])

-- Fair admission (src/server/stores/fair-round.ts, which the memory store and the flood model call): the
-- line is ordered by (round, seq), one score: round * 2^32 + seq, exact while it stays below 2^53 (4 billion
-- joins, 2 million rounds: restart_line starts both again when nobody waits past half of that). ZADD
-- and ZRANK stay O(log n). room.round is the round of the last admission (it only grows while anyone waits).
local ROUND = 4294967296

local function line_score(round, seq)
  return string.format('%.17g', round * ROUND + seq)
end

local function round_of(score)
  return math.floor(score / ROUND)
end

-- A new ticket's round, counted as its client's waiting ticket: the head round, or one past the client's
-- last waiting ticket (fairRound). A join without a client ('') is its own client: the head round.
-- `head`: the round of the ticket's lane (room.round for the default lane); a client's turns in another
-- lane are counted apart, under "lane|client".
local function fair_round(head, client)
  if client == '' then return head end
  local round, waiting = head, 0
  local turns = redis.call('HGET', K_CLIENTS, client)
  if turns then
    local last, count = string.match(turns, '^(%d+) (%d+)$')
    if last then round, waiting = math.max(head, tonumber(last) + 1), tonumber(count) end
  end
  redis.call('HSET', K_CLIENTS, client, string.format('%d %d', round, waiting + 1))
  return round
end


-- Lanes (src/server/stores/lane-schedule.ts, which this mirrors): the default lane's line is K_LINE, each
-- other lane in use has a slot (its line is KEYS[14 + slot]) and a stride-scheduling virtual time, in
-- K_LANES. A room without lanes never writes K_LANES: everything below then takes the one-line path.
-- The room this script loaded (load_room): what remove_ticket checks a removed lane against.
local ROOM_NOW = nil

local function lane_config(room)
  if room.lane_list == nil then
    room.lane_list = {}
    if room.lanes ~= nil and room.lanes ~= '' then room.lane_list = cjson.decode(room.lanes) end
  end
  return room.lane_list
end

local function configured_lane(room, name)
  for _, lane in ipairs(lane_config(room)) do
    if lane.name == name then return lane end
  end
  return nil
end

local function default_share(room)
  local sum = 0
  for _, lane in ipairs(lane_config(room)) do sum = sum + lane.share end
  return math.max(0, 1 - sum)
end

local function minute_of(time)
  local hour, minute = string.match(time, '^(%d%d):(%d%d)$')
  return tonumber(hour) * 60 + tonumber(minute)
end

-- laneShareAt: a lane no longer configured drains at the default share.
local function share_at(room, name)
  local lane = configured_lane(room, name)
  if not lane then return default_share(room) end
  local window = lane.window
  if type(window) ~= 'table' then return lane.share end
  local minute = ZONE_MINUTES[window.timeZone or 'Europe/Paris']
  local from = minute_of(window.from)
  local to = (type(window.to) == 'string') and minute_of(window.to) or 1440
  local inside
  if from <= to then inside = minute >= from and minute < to else inside = minute >= from or minute < to end
  if inside then return lane.share end
  return tonumber(window.shareOutside) or 0
end

-- Every time zone of the room's lanes must be among those the caller gave: checked before any write, so
-- the caller can learn the zone and run the script again (redis.ts).
local function check_zones(room)
  for _, lane in ipairs(lane_config(room)) do
    local zone = type(lane.window) == 'table' and (lane.window.timeZone or 'Europe/Paris')
    if zone and not ZONE_MINUTES[zone] then error({ err = 'ANTICHAMBRE-ZONE ' .. zone }) end
  end
end

local function line_key(slot)
  if slot == 0 then return K_LINE end
  return KEYS[14 + slot]
end

-- The lanes holding a slot, by name: { name, slot, vt, round }; the default lane's entry has slot 0.
local function lane_states()
  local all = redis.call('HGETALL', K_LANES)
  local states, used = {}, false
  for i = 1, #all, 2 do
    local slot, vt, round = string.match(all[i + 1], '^(%d+) (%S+) (%d+)$')
    if slot then
      states[all[i]] = { name = all[i], slot = tonumber(slot), vt = tonumber(vt), round = tonumber(round) }
      if tonumber(slot) > 0 then used = true end
    end
  end
  return states, used
end

local function save_lane(state)
  redis.call('HSET', K_LANES, state.name, string.format('%d %.17g %d', state.slot, state.vt, state.round))
end

-- The room's virtual time (gvt in lane-schedule.ts), kept beside the lanes under a name no lane can have.
local function room_vt()
  return tonumber(redis.call('HGET', K_LANES, ':gvt')) or 0
end

local function save_room_vt(gvt)
  redis.call('HSET', K_LANES, ':gvt', string.format('%.17g', gvt))
end

local function default_state(states)
  return states['default'] or { name = 'default', slot = 0, vt = 0, round = 0 }
end

-- The line a ticket waits in.
local function line_of(id, states)
  local lane = redis.call('HGET', K_TICKET_LANE, id)
  local state = lane and states[lane]
  return state and line_key(state.slot) or K_LINE
end

local function total_waiting(states)
  local waiting = redis.call('ZCARD', K_LINE)
  for _, state in pairs(states) do
    if state.slot > 0 then waiting = waiting + redis.call('ZCARD', line_key(state.slot)) end
  end
  return waiting
end

-- The lanes in scheduling order (configured ones as listed, the default, then removed ones by name), each
-- with its share at now and how many wait in it.
local function lane_turns(room, states)
  local turns, seen = {}, {}
  local function add(state)
    seen[state.name] = true
    turns[#turns + 1] = { state = state, share = share_at(room, state.name), vt = state.vt, waiting = redis.call('ZCARD', line_key(state.slot)) }
  end
  for _, lane in ipairs(lane_config(room)) do
    if states[lane.name] then add(states[lane.name]) end
  end
  add(default_state(states))
  local removed = {}
  for name, state in pairs(states) do
    if not seen[name] then removed[#removed + 1] = state end
  end
  table.sort(removed, function(a, b) return a.name < b.name end)
  for _, state in ipairs(removed) do add(state) end
  return turns
end

-- Virtual times are sums of 1/share: compared with a tolerance (lane-schedule.ts).
local EPSILON = 1e-9

-- pickLane: the waiting lane with a share and the smallest vt, the first listed on ties.
local function pick_lane(turns)
  local best = nil
  for _, turn in ipairs(turns) do
    if turn.waiting > 0 and turn.share > 0 and (best == nil or turn.vt < best.vt) then best = turn end
  end
  return best
end

-- A lane no longer configured gives its slot back with its last ticket.
local function forget_lane_if_done(room, state)
  if state.slot > 0 and not configured_lane(room, state.name) and redis.call('ZCARD', line_key(state.slot)) == 0 then
    redis.call('HDEL', K_LANES, state.name)
  end
end

-- Nobody waits (the line, pre-queue included, and the clients are empty) and round or seq has used half
-- its exact range (2^20 rounds, 2^31 joins): both start again at 0. A score stays exact (below 2^53) as
-- long as the line empties once every 2 billion joins and million rounds: a declared room could
-- otherwise pass them over years. Only then, not at every empty line, so the audit log's scores keep
-- growing in all but that case. Positions are ranks, so no pupil sees it (FairLine.restart).
local function restart_line(room)
  if room.round < 1048576 and room.seq < 2147483648 then return end
  if total_waiting(lane_states()) > 0 or redis.call('EXISTS', K_CLIENTS) == 1 then return end
  room.round, room.seq = 0, 0
  redis.call('HSET', K_ROOM, 'round', 0, 'seq', 0)
end

-- A ticket leaves the line (admitted, released, expired): its client's entry goes with its last waiting
-- ticket, so the state is bounded by the line (and expires with the room's keys, keep_alive).
local function leave_round(id)
  local client = redis.call('HGET', K_TICKET_CLIENT, id)
  if not client then return end
  redis.call('HDEL', K_TICKET_CLIENT, id)
  local turns = redis.call('HGET', K_CLIENTS, client)
  local last, count = string.match(turns or '', '^(%d+) (%d+)$')
  if not last or tonumber(count) <= 1 then
    redis.call('HDEL', K_CLIENTS, client)
  else
    redis.call('HSET', K_CLIENTS, client, last .. ' ' .. (tonumber(count) - 1))
  end
end

local function before_opening(room)
  return room.opensAt ~= nil and now < room.opensAt
end

local function parse_ticket(data)
  local key, created, admitted = string.match(data, '^([^|]*)|([^|]*)|([^|]*)$')
  return key, tonumber(created), tonumber(admitted)
end

-- A lost key (eviction, a partial restore, an operator's DEL) must not wedge a room: these counts
-- agree after every script (O(1) each), and when they do not, the room's indexes are rebuilt from
-- whatever survived (O(n), once). Ticket records lost while their ids survive in the line or the
-- seen sets are rebuilt from those, so their pupils keep their places; a waiting ticket missing
-- from the line goes back in join order. Lost counters (admissions, totals) just start again.
local function consistent()
  local tickets, sessions = redis.call('HLEN', K_TICKETS), redis.call('ZCARD', K_SSEEN)
  local waiting = redis.call('ZCARD', K_WSEEN)
  -- A client's entry exists while one of its tickets waits, and so does that ticket's owner entry: both
  -- hashes exist or neither. One lost alone is rebuilt from the other (repair), never left to count an
  -- address as waiting for ever (its keys' expiry is pushed back by every call).
  -- Every ticket of a lane line is in the lane index (admitted ones may stay there too): the index lost
  -- alone would send the lanes' tickets to the default line's place (line_of).
  local states = lane_states()
  local total = total_waiting(states)
  local in_lanes = total - redis.call('ZCARD', K_LINE)
  if in_lanes > 0 and redis.call('HLEN', K_TICKET_LANE) < in_lanes then return false end
  return tickets == redis.call('HLEN', K_KEYS) and waiting == total
    and tickets == waiting + sessions and redis.call('ZCARD', K_UNCLAIMED) <= sessions
    and redis.call('EXISTS', K_CLIENTS) == redis.call('EXISTS', K_TICKET_CLIENT)
end

-- The lanes hash rebuilt from what survived: a lane line whose entry is lost is named by the lane index of
-- its tickets, a lane the index names for a waiting ticket and the room still has gets a free slot, and the
-- index is rebuilt from the lines. A rebuilt lane starts at the room's virtual time, level with the others
-- (its own was lost with the entry): no lane gains or loses seats by the loss
-- (test/server/stores/redis-lanes-missing-keys.test.ts).
local function rebuild_lanes(room)
  local states = lane_states()
  local by_slot = {}
  for _, state in pairs(states) do by_slot[state.slot] = state end
  local gvt = room_vt()
  local function adopt(name, slot, line)
    local head = redis.call('ZRANGE', line, 0, 0, 'WITHSCORES')[2]
    local state = { name = name, slot = slot, vt = gvt, round = head and round_of(tonumber(head)) or 0 }
    states[name], by_slot[slot] = state, state
    save_lane(state)
  end
  for slot = 1, LANE_SLOTS do
    local line = line_key(slot)
    if not by_slot[slot] then
      for _, id in ipairs(redis.call('ZRANGE', line, 0, -1)) do
        local name = redis.call('HGET', K_TICKET_LANE, id)
        if name and not states[name] then
          adopt(name, slot, line)
          break
        end
      end
    end
    local state = by_slot[slot]
    if state then
      for _, id in ipairs(redis.call('ZRANGE', line, 0, -1)) do redis.call('HSETNX', K_TICKET_LANE, id, state.name) end
    end
  end
  local named = redis.call('HGETALL', K_TICKET_LANE)
  for i = 2, #named, 2 do
    local name = named[i]
    if not states[name] and configured_lane(room, name) then
      for slot = 1, LANE_SLOTS do
        -- An empty line only: an unowned line still holding tickets nobody names would be taken over, its
        -- tickets ranked in this lane and, put back in the default line by the repair, in two lines at once.
        if not by_slot[slot] and redis.call('ZCARD', line_key(slot)) == 0 then
          adopt(name, slot, line_key(slot))
          break
        end
      end
    end
  end
  return states
end

local function repair(room)
  local key_of = {}
  local keys = redis.call('HGETALL', K_KEYS)
  for i = 1, #keys, 2 do key_of[keys[i + 1]] = keys[i] end
  -- Records rebuilt from the sets; a lost join key becomes '~id', which no client can send
  -- (keys are A-Z, a-z, 0-9, _ and -), so it never matches a join.
  for _, set in ipairs({ K_LINE, K_WSEEN, K_SSEEN }) do
    local ids = redis.call('ZRANGE', set, 0, -1, 'WITHSCORES')
    for i = 1, #ids, 2 do
      local id = ids[i]
      if redis.call('HEXISTS', K_TICKETS, id) == 0 then
        local at = math.floor(tonumber(redis.call('ZSCORE', set == K_SSEEN and K_SSEEN or K_WSEEN, id)) or now)
        local admitted = set == K_SSEEN and at or ''
        redis.call('HSET', K_TICKETS, id, (key_of[id] or ('~' .. id)) .. '|' .. at .. '|' .. admitted)
      end
    end
  end
  redis.call('DEL', K_KEYS)
  local states = rebuild_lanes(room)
  -- A lane line nobody can name (its entry and the index both lost): its tickets go back to the default
  -- line in join order (below).
  local slotted = {}
  for _, state in pairs(states) do slotted[state.slot] = true end
  for slot = 1, LANE_SLOTS do
    if not slotted[slot] then redis.call('DEL', line_key(slot)) end
  end
  local records = redis.call('HGETALL', K_TICKETS)
  local missing = {}
  for i = 1, #records, 2 do
    local id = records[i]
    local key, created, admitted = parse_ticket(records[i + 1])
    redis.call('HSET', K_KEYS, key, id)
    local line = line_of(id, states)
    if admitted then
      redis.call('ZREM', line, id)
      redis.call('ZREM', K_WSEEN, id)
      redis.call('ZADD', K_SSEEN, 'NX', now, id)
    else
      redis.call('ZADD', K_WSEEN, 'NX', now, id)
      if not redis.call('ZSCORE', line, id) then
        -- Back in its own lane when that lane is known (its line was what got lost), else the default line.
        local lane = redis.call('HGET', K_TICKET_LANE, id)
        local state = line ~= K_LINE and lane and states[lane] or nil
        missing[#missing + 1] = { id, created or now, state }
        if not state then redis.call('HDEL', K_TICKET_LANE, id) end
      end
    end
  end
  table.sort(missing, function(a, b) return a[2] < b[2] or (a[2] == b[2] and a[1] < b[1]) end)
  for _, ticket in ipairs(missing) do
    room.seq = room.seq + 1
    local state = ticket[3]
    if state then
      redis.call('ZADD', line_key(state.slot), line_score(state.round, room.seq), ticket[1])
    else
      redis.call('ZADD', K_LINE, line_score(room.round, room.seq), ticket[1])
    end
  end
  redis.call('HSET', K_ROOM, 'seq', room.seq)
  -- Clients rebuilt from the waiting tickets that still name theirs. If those names are what was lost, the
  -- clients' entries go too (else an address would count as waiting for ever: keep_alive pushes their
  -- expiry back), and the head round moves to the line's last round so that no newcomer, of any
  -- address, lands ahead of a ticket already waiting: no place is lost; the rounds start afresh behind.
  if redis.call('EXISTS', K_TICKET_CLIENT) == 0 then
    redis.call('DEL', K_CLIENTS)
    local last = redis.call('ZRANGE', K_LINE, -1, -1, 'WITHSCORES')[2]
    if last then
      room.round = math.max(room.round, round_of(tonumber(last)))
      redis.call('HSET', K_ROOM, 'round', room.round)
    end
  else
    local owners = redis.call('HGETALL', K_TICKET_CLIENT)
    local turns = {}
    redis.call('DEL', K_CLIENTS)
    for i = 1, #owners, 2 do
      local score = redis.call('ZSCORE', line_of(owners[i], states), owners[i])
      if score then
        local client, round = owners[i + 1], round_of(tonumber(score))
        local t = turns[client] or { round, 0 }
        turns[client] = { math.max(t[1], round), t[2] + 1 }
      else
        redis.call('HDEL', K_TICKET_CLIENT, owners[i])
      end
    end
    for client, t in pairs(turns) do redis.call('HSET', K_CLIENTS, client, string.format('%d %d', t[1], t[2])) end
  end
  local laned = redis.call('HKEYS', K_TICKET_LANE)
  for _, id in ipairs(laned) do
    if redis.call('HEXISTS', K_TICKETS, id) == 0 then redis.call('HDEL', K_TICKET_LANE, id) end
  end
  local unclaimed = redis.call('ZRANGE', K_UNCLAIMED, 0, -1)
  for _, id in ipairs(unclaimed) do
    if not redis.call('ZSCORE', K_SSEEN, id) then redis.call('ZREM', K_UNCLAIMED, id) end
  end
end

-- Reads the room, creating it from ARGV[6-9] when asked and allowed (MAY_CREATE): nil when missing
-- otherwise. A room whose settings hash is gone but whose tickets are not is rebuilt whatever the
-- call, so its pupils keep their places. Instances' clocks differ by a few ms: the room keeps the
-- latest `now` it saw and never goes back, so a ticket cannot expire and then come back to life
-- because the next request came from a slower clock.
local function load_room(create)
  local f = redis.call('HMGET', K_ROOM, 'capacity', 'admitPerMinute', 'open', 'opensAt', 'createdAt', 'seq', 'clock', 'pinned', 'round', 'lanes')
  if not f[1] then
    local orphans = redis.call('EXISTS', K_TICKETS, K_LINE, K_WSEEN, K_SSEEN) > 0
    if not orphans and not (create and MAY_CREATE) then return nil, false end
    -- Counters recovered from the line: seq past every score's, the round of its head. The last score
    -- belongs to the highest round, not to the highest seq (an address's later tickets sit rounds back),
    -- so seq is the largest over the whole line: O(n), on this rare path only.
    local first = tonumber(redis.call('ZRANGE', K_LINE, 0, 0, 'WITHSCORES')[2] or 0)
    local seq = 0
    local scores = redis.call('ZRANGE', K_LINE, 0, -1, 'WITHSCORES')
    for i = 2, #scores, 2 do
      local score = tonumber(scores[i])
      seq = math.max(seq, score - round_of(score) * ROUND)
    end
    local room = {
      capacity = tonumber(ARGV[6]), admitPerMinute = tonumber(ARGV[7]), open = tonumber(ARGV[8]),
      opensAt = tonumber(ARGV[9]), createdAt = now, seq = math.floor(seq), pinned = DECLARED,
      round = round_of(first), lanes = DECLARED and DECLARED_LANES or '',
    }
    check_zones(room)
    redis.call('HSET', K_ROOM, 'capacity', room.capacity, 'admitPerMinute', room.admitPerMinute,
      'open', room.open, 'opensAt', ARGV[9], 'createdAt', now, 'seq', room.seq, 'clock', now,
      'pinned', DECLARED and 1 or 0, 'round', room.round, 'lanes', room.lanes)
    ROOM_NOW = room
    if orphans and not consistent() then repair(room) end
    return room, not orphans
  end
  -- Fields read with fallbacks: a hash that lost some (a partial restore) still loads.
  local clock = tonumber(f[7]) or now
  local room = {
    capacity = tonumber(f[1]) or tonumber(ARGV[6]), admitPerMinute = tonumber(f[2]) or tonumber(ARGV[7]),
    open = tonumber(f[3]) or tonumber(ARGV[8]), opensAt = tonumber(f[4]), createdAt = tonumber(f[5]) or now,
    -- A room made before rooms could expire has no 'pinned' field: kept, as it always was.
    seq = tonumber(f[6]) or 0, pinned = f[8] ~= '0', round = tonumber(f[9]) or 0, lanes = f[10] or '',
  }
  check_zones(room)
  ROOM_NOW = room
  if clock > now then now = clock elseif clock < now then redis.call('HSET', K_ROOM, 'clock', now) end
  if not consistent() then repair(room) end
  return room, false
end

-- Every key of a room expires IDLE_TTL after the room's last use: lazy expiry only runs in a room
-- somebody asks about, so without this a room joined once and abandoned would stay in Redis for
-- good. The settings of a room an admin configured or the operator declared do not expire.
local function keep_alive(room)
  for i = 2, 14 do redis.call('PEXPIRE', KEYS[i], IDLE_TTL) end
  for _, state in pairs(lane_states()) do
    if state.slot > 0 then redis.call('PEXPIRE', line_key(state.slot), IDLE_TTL) end
  end
  if not room.pinned then redis.call('PEXPIRE', K_ROOM, IDLE_TTL) end
end

local function remove_ticket(id)
  local data = redis.call('HGET', K_TICKETS, id)
  if not data then return end
  local key = parse_ticket(data)
  if redis.call('HGET', K_KEYS, key) == id then redis.call('HDEL', K_KEYS, key) end
  redis.call('HDEL', K_TICKETS, id)
  leave_round(id)
  local lane = redis.call('HGET', K_TICKET_LANE, id)
  if lane then
    redis.call('HDEL', K_TICKET_LANE, id)
    local state = lane_states()[lane]
    if state then
      redis.call('ZREM', line_key(state.slot), id)
      forget_lane_if_done(ROOM_NOW, state)
    end
  end
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

-- A session's last-seen score never passes admittedAt + maxSession - sessionTTL, so expire() ends it
-- at admittedAt + maxSession however alive it is, without another key or scan.
local function seen_score(at, admitted_at)
  return math.min(at, admitted_at + MAX_SESSION - SESSION_TTL)
end

-- One ticket of the front of its lane's line gets a seat. `score`: its line score, for the audit log.
local function admit_one(id, score, line, active)
  leave_round(id)
  local key, created = parse_ticket(redis.call('HGET', K_TICKETS, id))
  redis.call('HSET', K_TICKETS, id, key .. '|' .. created .. '|' .. now)
  redis.call('ZREM', line, id)
  redis.call('ZREM', K_WSEEN, id)
  redis.call('ZADD', K_SSEEN, seen_score(now, now), id) -- the session TTL starts at admission
  redis.call('ZADD', K_UNCLAIMED, now, id)
  redis.call('ZADD', K_ADMITS, now, id)
  if AUDIT then redis.call('RPUSH', K_AUDIT, score .. ' ' .. id .. ' ' .. active .. ' ' .. now) end
end

-- Admissions follow each line's order: the last one's round is the head round of its lane (fair_round).
local function raise_round(room, state, score)
  local round = round_of(tonumber(score))
  if state == nil then
    if round > room.round then
      room.round = round
      redis.call('HSET', K_ROOM, 'round', round)
    end
  elseif round > state.round then
    state.round = round
  end
end

-- Admits the front of the line within capacity and the sliding-window rate. Mirrors
-- admissionsAllowed() in src/server/room-policy/pacing.ts, which the memory store calls. With lanes in
-- use, each seat goes to the lane pick_lane names (lane-schedule.ts, as memory-room.ts does).
local function admit(room)
  redis.call('ZREMRANGEBYSCORE', K_ADMITS, '-inf', now - math.max(STATS_WINDOW, RATE_WINDOW))
  if room.open ~= 1 or before_opening(room) then return end
  local active = redis.call('ZCARD', K_SSEEN)
  local recent = redis.call('ZCOUNT', K_ADMITS, '(' .. (now - RATE_WINDOW), '+inf')
  local allowed = math.min(room.capacity - active, room.admitPerMinute - recent)
  if allowed <= 0 then return end
  local states, used = lane_states()
  if not used then
    local front = redis.call('ZRANGE', K_LINE, 0, allowed - 1, 'WITHSCORES')
    for i = 1, #front, 2 do
      active = active + 1
      admit_one(front[i], front[i + 1], K_LINE, active)
    end
    if #front > 0 then
      redis.call('HINCRBY', K_ROOM, 'admitted', #front / 2)
      raise_round(room, nil, front[#front])
      -- The default lane's virtual time runs while it is alone, so a lane that fills later starts level.
      if #lane_config(room) > 0 then
        local state = default_state(states)
        local stride = 1 / default_share(room)
        save_room_vt(state.vt + (#front / 2 - 1) * stride)
        state.vt = state.vt + (#front / 2) * stride
        save_lane(state)
      end
    end
    return
  end
  local turns = lane_turns(room, states)
  local admitted = 0
  local gvt = room_vt()
  for _ = 1, allowed do
    local turn = pick_lane(turns)
    if not turn then break end
    gvt = turn.vt
    local line = line_key(turn.state.slot)
    local front = redis.call('ZRANGE', line, 0, 0, 'WITHSCORES')
    active = active + 1
    admit_one(front[1], front[2], line, active)
    turn.vt = turn.vt + 1 / turn.share
    turn.state.vt = turn.vt
    turn.waiting = turn.waiting - 1
    raise_round(room, turn.state.slot > 0 and turn.state or nil, front[2])
    admitted = admitted + 1
  end
  if admitted > 0 then redis.call('HINCRBY', K_ROOM, 'admitted', admitted) end
  save_room_vt(gvt)
  -- liftClosedLanes: a lane waiting outside its window keeps level with the room's virtual time.
  for _, turn in ipairs(turns) do
    if turn.waiting > 0 and turn.share <= 0 and turn.vt < gvt then
      turn.vt = gvt
      turn.state.vt = gvt
    end
  end
  for _, turn in ipairs(turns) do
    if turn.state.slot == 0 then
      save_lane(turn.state)
    elseif turn.waiting == 0 and not configured_lane(room, turn.state.name) then
      redis.call('HDEL', K_LANES, turn.state.name)
    else
      save_lane(turn.state)
    end
  end
end

local function touch(id, admitted)
  if admitted then
    redis.call('ZADD', K_SSEEN, 'XX', seen_score(now, admitted), id)
  else
    redis.call('ZADD', K_WSEEN, 'XX', now, id)
  end
end

-- Settings, counters, then the totals since the room was created (admin API and /metrics).
local function room_reply(room, created)
  local opens_at = room.opensAt or -1
  local totals = redis.call('HMGET', K_ROOM, 'admitted', 'expiredWaiting', 'expiredSessions', 'released')
  return {
    room.capacity, room.admitPerMinute, room.open, opens_at, room.createdAt,
    total_waiting(lane_states()), redis.call('ZCARD', K_SSEEN),
    redis.call('ZCOUNT', K_ADMITS, '(' .. (now - STATS_WINDOW), '+inf'),
    tonumber(totals[1]) or 0, tonumber(totals[2]) or 0, tonumber(totals[3]) or 0, tonumber(totals[4]) or 0,
    room.lanes or '', created and 1 or 0,
  }
end

-- A ticket's fields (id, admitted 1/0, position, createdAt, admittedAt or -1, created 1/0, lane or '').
-- A pre-queued pupil's rank is the secret draw: it gets the last place the draw can give instead (see
-- join.lua). With lanes, the place counts who passes before from every lane (aheadAcrossLanes).
local function ticket_fields(room, id, created)
  local key, created_at, admitted_at = parse_ticket(redis.call('HGET', K_TICKETS, id))
  local lane = redis.call('HGET', K_TICKET_LANE, id) or ''
  local position = 0
  if not admitted_at then
    local states, used = lane_states()
    local line = line_of(id, states)
    local score = tonumber(redis.call('ZSCORE', line, id))
    if before_opening(room) and score - round_of(score) * ROUND > room.seq then
      position = total_waiting(states)
    else
      position = redis.call('ZRANK', line, id) + 1
      if used then
        -- aheadAcrossLanes (lane-schedule.ts): the tickets each other lane gets picked before this one.
        local ahead, turns, own = position - 1, lane_turns(room, states), nil
        for i, turn in ipairs(turns) do
          if line_key(turn.state.slot) == line then own = i end
        end
        local mine = turns[own]
        local target = mine.share > 0 and (mine.vt + ahead / mine.share) or 0
        for i, turn in ipairs(turns) do
          if i ~= own and turn.waiting > 0 and turn.share > 0 then
            local before
            if mine.share <= 0 then
              before = turn.waiting
            else
              local limit = (target - turn.vt) * turn.share
              if i < own then
                before = limit < -EPSILON and 0 or math.floor(limit + EPSILON) + 1
              else
                before = limit <= EPSILON and 0 or math.ceil(limit - EPSILON)
              end
            end
            position = position + math.min(turn.waiting, before)
          end
        end
      end
    end
  end
  return { id, admitted_at and 1 or 0, position, created_at, admitted_at or -1, created and 1 or 0, lane }
end

-- A ticket, then its room.
local function ticket_reply(room, id, created, room_created)
  local reply = ticket_fields(room, id, created)
  for _, value in ipairs(room_reply(room, room_created)) do reply[#reply + 1] = value end
  return reply
end
