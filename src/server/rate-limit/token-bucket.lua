-- One client's token bucket, shared by every server instance (see rate-limit.ts for the policy).
-- KEYS[1] = the bucket (hash: t = tokens, u = last update, ms)
-- ARGV = now (ms), perMinute, burst
-- Returns {1, 0} when allowed, {0, retryAfterMs} when not. Integers only: Redis truncates Lua floats.
local now = tonumber(ARGV[1])
local per_ms = tonumber(ARGV[2]) / 60000
local burst = tonumber(ARGV[3])

local state = redis.call('HMGET', KEYS[1], 't', 'u')
local tokens = tonumber(state[1]) or burst
local updated = tonumber(state[2]) or now
-- An instance whose clock lags must not refill backwards nor move the bucket's time back.
tokens = math.min(burst, tokens + math.max(0, now - updated) * per_ms)
updated = math.max(updated, now)

local allowed = tokens >= 1
if allowed then tokens = tokens - 1 end
-- %.17g: tostring keeps 14 digits only, and the rounding would drift from the memory limiter.
redis.call('HSET', KEYS[1], 't', string.format('%.17g', tokens), 'u', string.format('%.17g', updated))
-- A bucket that has refilled is the same as no bucket: let Redis forget it.
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / per_ms) + 1000)

if allowed then return {1, 0} end
return {0, math.ceil((1 - tokens) / per_ms)}
