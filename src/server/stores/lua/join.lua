-- join(key, new id, draw, client): the live ticket of this key (its place kept, whatever the client),
-- or a new one at the back of its round (fair_round; client '' for none).
-- Before a scheduled opening the newcomer's seq is drawn at random inside (seq, seq + 1): behind
-- everyone already in its round, ahead of everyone who joins it after opening, and in random order
-- among the pre-queue of its round. Drawing at join instead of shuffling at opening gives the same uniform order (i.i.d.
-- keys sort into a uniform permutation) and costs nothing at 8:00, when Redis is busiest; the draw
-- stays secret until then (ticket_reply hides it). Ties sort by id, itself random.
local key, new_id, draw, client = ARGV[13], ARGV[14], tonumber(ARGV[15]), ARGV[16] or ''
local room, room_created = load_room(true)
if not room then return false end -- missing, and this join may not create it (store.ts)
expire()
local id = redis.call('HGET', K_KEYS, key)
local created = false
if id and redis.call('HEXISTS', K_TICKETS, id) == 1 then
  local _, _, admitted_at = parse_ticket(redis.call('HGET', K_TICKETS, id))
  touch(id, admitted_at)
else
  id = new_id
  restart_line(room)
  local round = fair_round(room, client)
  if client ~= '' then redis.call('HSET', K_TICKET_CLIENT, id, client) end
  local score
  if before_opening(room) then
    score = line_score(round, room.seq + 0.25 + draw / 2)
  else
    room.seq = redis.call('HINCRBY', K_ROOM, 'seq', 1)
    score = line_score(round, room.seq)
  end
  redis.call('HSET', K_TICKETS, id, key .. '|' .. now .. '|')
  redis.call('HSET', K_KEYS, key, id)
  redis.call('ZADD', K_LINE, score, id)
  redis.call('ZADD', K_WSEEN, now, id)
  created = true
end
admit(room)
claim(id) -- admitted now or earlier: this answer hands the admission over
keep_alive(room)
return ticket_reply(room, id, created, room_created)
