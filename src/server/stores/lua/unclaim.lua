-- Undoes the claim of admissions whose answer never left: the status (or join) script claimed them
-- (lua/room.lua `claim`: out of the unclaimed set, the seat held for the session TTL, 30 min by default),
-- then the replica wait failed and the pupil got a 503 instead. Back in the unclaimed set, scored at the
-- refused call's time, the admission is handed over by the pupil's next poll, or ends after the admit
-- grace (3 min by default) if they never come back, the way an admission made while they were away does.
-- Only a ticket still holding its seat (in the sessions set); ZADD of one already there moves its start.
-- KEYS: 1 sessions by last seen, 2 admissions not claimed yet (room.lua's KEYS[4], [9]).
-- ARGV: id_1, at_1, id_2, at_2, …
for i = 1, #ARGV, 2 do
  if redis.call('ZSCORE', KEYS[1], ARGV[i]) then redis.call('ZADD', KEYS[2], ARGV[i + 1], ARGV[i]) end
end
return 0
