-- ended(id): brings the room up to date, then 1 if this ticket's admission ended unclaimed within the
-- last session TTL, else 0.
local room = load_room(false)
if not room then return 0 end
expire()
admit(room)
keep_alive(room)
return redis.call('ZSCORE', K_ENDED_UNCLAIMED, ARGV[13]) and 1 or 0
