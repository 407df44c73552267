/**
 * The Lua scripts of queue mode. Each runs atomically in Redis, which is what keeps the invariant every drain relies
 * on: a conversation whose mailbox holds events is either blocked, or has a drain job that will look at its mailbox
 * after the last push (see `queue-edge.ts` and `conversation-drain.ts`).
 */

// The head of an entry is `<id> <enqueued at> `: ids are base64url and times digits, so a space ends each.
const HEAD_HELPERS = `
local function idOf(entry)
  return string.sub(entry, 1, string.find(entry, ' ', 1, true) - 1)
end
local function timeOf(entry)
  local first = string.find(entry, ' ', 1, true)
  return string.sub(entry, first + 1, string.find(entry, ' ', first + 1, true) - 1)
end
`;

// Reads the next event of a conversation for a drain: nothing when blocked or empty; counts the start (a worker that
// dies mid-handler has still used an attempt). Returns { entry, starts, length }.
const TAKE = `
local function take(box, runs, pending, blocked, conversation, start)
  local head = redis.call('LINDEX', box, 0)
  if not head then
    redis.call('ZREM', pending, conversation)
    return { '', 0, 0 }
  end
  local length = redis.call('LLEN', box)
  if redis.call('HEXISTS', blocked, conversation) == 1 then return { '', 0, length } end
  redis.call('ZADD', pending, timeOf(head), conversation)
  if start ~= '1' then return { '', 0, length } end
  return { head, redis.call('HINCRBY', runs, idOf(head), 1), length }
end
`;

/**
 * Enqueues the events of one delivery. KEYS: pending, depth, blocked, then (seen, mailbox) per event. ARGV: dedupe TTL
 * in ms (0 = no dedupe), now, then (conversation, entry) per event. Returns one code per event: 1 queued into an empty
 * mailbox (schedule a drain), 2 queued behind others (a drain is already due), 0 a redelivery, 3 a redelivery whose
 * mailbox still waits (schedule a drain again: a crash between this script and the scheduling must not strand it).
 */
export const ENQUEUE = `
local ttl = tonumber(ARGV[1])
local codes = {}
for i = 1, (#KEYS - 3) / 2 do
  local box = KEYS[3 + 2 * i]
  local conversation = ARGV[1 + 2 * i]
  local fresh = true
  if ttl > 0 then fresh = redis.call('SET', KEYS[2 + 2 * i], '1', 'PX', ttl, 'NX') end
  if fresh then
    redis.call('INCR', KEYS[2])
    if redis.call('RPUSH', box, ARGV[2 + 2 * i]) == 1 and redis.call('HEXISTS', KEYS[3], conversation) == 0 then
      redis.call('ZADD', KEYS[1], ARGV[2], conversation)
      codes[i] = 1
    else
      codes[i] = 2
    end
  elseif redis.call('LLEN', box) > 0 and redis.call('HEXISTS', KEYS[3], conversation) == 0 then
    codes[i] = 3
  else
    codes[i] = 0
  end
end
return codes
`;

/**
 * Acknowledges the event a drain just handled (pops it only if it is still the head: an orphaned run of a worker that
 * lost its lock cannot pop someone else's event), then optionally takes the next. KEYS: mailbox, runs, pending, depth,
 * blocked. ARGV: conversation, id to acknowledge ('' for none), '1' to take the next. Returns { entry, starts, length }.
 */
export const ACK_AND_TAKE = `${HEAD_HELPERS}${TAKE}
local box, runs, pending, depth, blocked = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local id = ARGV[2]
if id ~= '' then
  local head = redis.call('LINDEX', box, 0)
  if head and idOf(head) == id then
    redis.call('LPOP', box)
    redis.call('DECR', depth)
    redis.call('HDEL', runs, id)
  end
end
return take(box, runs, pending, blocked, ARGV[1], ARGV[3])
`;

/**
 * Moves the head event to the dead letters, then blocks the conversation or takes the next event. KEYS: mailbox, runs,
 * pending, depth, blocked, dead index, dead record. ARGV: conversation, id, error, now, '1' to block, '1' to take next.
 */
export const DEAD_LETTER = `${HEAD_HELPERS}${TAKE}
local box, runs, pending, depth, blocked = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local conversation, id = ARGV[1], ARGV[2]
local head = redis.call('LINDEX', box, 0)
if head and idOf(head) == id then
  redis.call('LPOP', box)
  redis.call('DECR', depth)
  local starts = redis.call('HGET', runs, id) or '0'
  redis.call('HDEL', runs, id)
  redis.call('HSET', KEYS[7], 'entry', head, 'conversation', conversation, 'error', ARGV[3], 'attempts', starts, 'failedAt', ARGV[4], 'blocked', ARGV[5])
  redis.call('ZADD', KEYS[6], ARGV[4], id)
  if ARGV[5] == '1' then
    redis.call('HSET', blocked, conversation, id)
    redis.call('ZREM', pending, conversation)
  end
end
return take(box, runs, pending, blocked, conversation, ARGV[6])
`;

/**
 * Puts a dead letter back at the head of its conversation (it is older than anything waiting there) with fresh
 * attempts, and unblocks the conversation if it was the event holding it. KEYS: dead record, dead index, mailbox,
 * pending, depth, blocked, runs. ARGV: id, conversation, now. Returns -1 when there is no such dead letter, 1 when the
 * conversation needs a drain, 0 when it is still blocked by another event.
 */
export const REPLAY = `
local entry = redis.call('HGET', KEYS[1], 'entry')
if not entry or redis.call('HGET', KEYS[1], 'conversation') ~= ARGV[2] then return -1 end
redis.call('LPUSH', KEYS[3], entry)
redis.call('INCR', KEYS[5])
redis.call('HDEL', KEYS[7], ARGV[1])
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
if redis.call('HGET', KEYS[6], ARGV[2]) == ARGV[1] then redis.call('HDEL', KEYS[6], ARGV[2]) end
if redis.call('HEXISTS', KEYS[6], ARGV[2]) == 1 then return 0 end
redis.call('ZADD', KEYS[4], ARGV[3], ARGV[2])
return 1
`;

/**
 * Deletes a dead letter; if it held its conversation, unblocks it. KEYS: dead record, dead index, mailbox, pending,
 * blocked. ARGV: id, conversation, now. Returns -1 when there is no such dead letter, 1 when the conversation needs a
 * drain, 0 otherwise.
 */
export const DROP = `
if redis.call('HGET', KEYS[1], 'conversation') ~= ARGV[2] then return -1 end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
if redis.call('HGET', KEYS[5], ARGV[2]) == ARGV[1] then
  redis.call('HDEL', KEYS[5], ARGV[2])
  if redis.call('LLEN', KEYS[3]) > 0 then
    redis.call('ZADD', KEYS[4], ARGV[3], ARGV[2])
    return 1
  end
end
return 0
`;

/** What {@link ACK_AND_TAKE} and {@link DEAD_LETTER} return: the next entry ('' for none), its start count, the mailbox length. */
export type TakeReply = [entry: string, starts: number, length: number];
