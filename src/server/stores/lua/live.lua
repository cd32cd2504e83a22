-- live(now, waiting TTL, session TTL, admit grace, id): 1 if the ticket is held at `now` (waiting and seen
-- within the waiting TTL, or holding a seat as admitted.lua says), else 0. Read-only and O(1), without
-- the prelude: the one-ticket-per-pass check asks it about another join's ticket, and a read that counted
-- as a sign of life let a replayed pass keep an abandoned ticket for ever (passes/place-by-pass.ts).
-- KEYS: 1 waiting by last seen, 2 sessions by last seen, 3 admissions not claimed yet, 4 tickets
-- (room.lua's KEYS[3], [4], [9], [5]).
local now, waiting_ttl, session_ttl, grace, id = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
local waiting_seen = redis.call('ZSCORE', KEYS[1], id)
if waiting_seen then return tonumber(waiting_seen) + waiting_ttl > now and 1 or 0 end
local seen = redis.call('ZSCORE', KEYS[2], id)
if not seen then
  -- In neither set: ended, unless a set itself was lost (eviction, a partial restore) while the ticket
  -- record survives; the next write rebuilds it (room.lua), and until then the ticket counts as held.
  local ticket = redis.call('HGET', KEYS[4], id)
  if not ticket then return 0 end
  local admitted = string.match(ticket, '|%d+$') ~= nil
  if redis.call('EXISTS', admitted and KEYS[2] or KEYS[1]) == 1 then return 0 end
  return 1
end
if tonumber(seen) + session_ttl <= now then return 0 end
local unclaimed = redis.call('ZSCORE', KEYS[3], id)
if unclaimed and tonumber(unclaimed) + grace <= now then return 0 end
return 1
