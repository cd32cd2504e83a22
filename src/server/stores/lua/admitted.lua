-- admitted(now, session TTL, admit grace, id): 1 if the ticket holds a seat at `now`, else 0. Read-only
-- and O(1) (two ZSCOREs): the /verify gate asks it for every gated request (cached 2 s per ticket), so
-- it runs without the prelude, expires nothing and writes nothing. It gives the verdict the next expiry
-- pass would give: last seen within the TTL (a score already capped at admittedAt + maxSession -
-- sessionTTL, see seen_score in room.lua) and the admission claimed or still within its grace.
-- KEYS: 1 sessions by last seen, 2 admissions not claimed yet, 3 tickets (room.lua's KEYS[4], [9], [5]).
local now, ttl, grace, id = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
local seen = redis.call('ZSCORE', KEYS[1], id)
if not seen then
  -- Not among the sessions: released or expired, unless the sessions key itself was lost (eviction, a
  -- partial restore) while the ticket still says admitted. Then the next write rebuilds it (room.lua);
  -- until then the seat counts as held, or one lost key would send every admitted pupil back in line.
  local ticket = redis.call('HGET', KEYS[3], id)
  if not ticket or redis.call('EXISTS', KEYS[1]) == 1 or not string.match(ticket, '|%d+$') then return 0 end
  return 1
end
if tonumber(seen) + ttl <= now then return 0 end
local admitted = redis.call('ZSCORE', KEYS[2], id)
if admitted and tonumber(admitted) + grace <= now then return 0 end
return 1
