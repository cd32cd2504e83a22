-- join(key, new id, draw, client): the live ticket of this key (its place kept, whatever the client),
-- or a new one at the back of its round (fair_round; client '' for none).
-- Before a scheduled opening the newcomer's seq is drawn at random inside (seq, seq + 1): behind
-- everyone already in its round, ahead of everyone who joins it after opening, and in random order
-- among the pre-queue of its round. Drawing at join instead of shuffling at opening gives the same uniform order (i.i.d.
-- keys sort into a uniform permutation) and costs nothing at 8:00, when Redis is busiest; the draw
-- stays secret until then (ticket_reply hides it). Ties sort by id, itself random.
-- lane: a lane of the room, else (unknown, or '') the default lane.
local key, new_id, draw, client, lane = ARGV[13], ARGV[14], tonumber(ARGV[15]), ARGV[16] or '', ARGV[17] or ''
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
  local line, state = K_LINE, nil
  local states, used = lane_states()
  if lane ~= '' and configured_lane(room, lane) then
    state = states[lane]
    if not state then
      -- A free slot; none (12 in use: removed lanes still draining) sends the join to the default lane.
      local taken = {}
      for _, other in pairs(states) do taken[other.slot] = true end
      for slot = 1, LANE_SLOTS do
        if not taken[slot] then
          state = { name = lane, slot = slot, vt = 0, round = 0 }
          break
        end
      end
    end
    if state then
      states[lane] = state
      line = line_key(state.slot)
      used = true
      redis.call('HSET', K_TICKET_LANE, id, lane)
    end
  end
  -- A lane that was empty starts level with the others (wakeVt): no credit banked while it was empty.
  if used and redis.call('ZCARD', line) == 0 then
    local waking = state or default_state(states)
    -- wakeVt: max(the room's virtual time, the smallest vt of the other waiting lanes with a share).
    local floor = room_vt()
    local others = nil
    for _, turn in ipairs(lane_turns(room, states)) do
      if turn.state.name ~= waking.name and turn.waiting > 0 and turn.share > 0 and (others == nil or turn.vt < others) then others = turn.vt end
    end
    if others and others > floor then floor = others end
    waking.vt = floor
    save_lane(waking)
  elseif state then
    save_lane(state)
  end
  local head = state and state.round or room.round
  local client_key = (state and client ~= '') and (lane .. '|' .. client) or client
  local round = fair_round(head, client_key)
  if client ~= '' then redis.call('HSET', K_TICKET_CLIENT, id, client_key) end
  local score
  if before_opening(room) then
    score = line_score(round, room.seq + 0.25 + draw / 2)
  else
    room.seq = redis.call('HINCRBY', K_ROOM, 'seq', 1)
    score = line_score(round, room.seq)
  end
  redis.call('HSET', K_TICKETS, id, key .. '|' .. now .. '|')
  redis.call('HSET', K_KEYS, key, id)
  redis.call('ZADD', line, score, id)
  redis.call('ZADD', K_WSEEN, now, id)
  created = true
end
admit(room)
claim(id) -- admitted now or earlier: this answer hands the admission over
keep_alive(room)
return ticket_reply(room, id, created, room_created)
