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

// Reads the next event of a conversation for its drain `job`: nothing when another drain owns the conversation (length
// -1), when it is blocked or empty (both release it: a blocked one is claimed again by its replay or drop, an empty one
// by its next event), or when `handover` names the drain job that takes the conversation over (a yield, a retry after
// backoff, a worker closing). Counts the start (a worker that dies mid-handler has still used an attempt). Whenever the
// job does not keep the conversation, it leaves the job's claims list too: a finished job's list is then gone with no
// command of its own. Returns { entry, starts, length }.
const TAKE = `
local function take(box, runs, pending, blocked, owner, claims, conversation, job, handover)
  if redis.call('HGET', owner, conversation) ~= job then
    redis.call('LREM', claims, 0, conversation)
    return { '', 0, -1 }
  end
  local head = redis.call('LINDEX', box, 0)
  if not head then
    redis.call('ZREM', pending, conversation)
    redis.call('HDEL', owner, conversation)
    redis.call('LREM', claims, 0, conversation)
    return { '', 0, 0 }
  end
  local length = redis.call('LLEN', box)
  if redis.call('HEXISTS', blocked, conversation) == 1 then
    redis.call('HDEL', owner, conversation)
    redis.call('LREM', claims, 0, conversation)
    return { '', 0, length }
  end
  redis.call('ZADD', pending, timeOf(head), conversation)
  if handover ~= '' then
    redis.call('HSET', owner, conversation, handover)
    redis.call('LREM', claims, 0, conversation)
    return { '', 0, length }
  end
  return { head, redis.call('HINCRBY', runs, idOf(head), 1), length }
end
`;

/**
 * Enqueues the events of one or more deliveries. KEYS: pending, depth, blocked, owner, the open mark and claims list of
 * the drain job to join (any two keys when there is none), then (claims list, open mark) of each new drain job, then
 * (seen, mailbox) per event. ARGV: dedupe TTL in ms (0 = no dedupe), now, drain job id prefix, conversations per drain
 * job, number of new drain jobs, gather window in ms (0 = none), drain job id to join ('' = none), claims list TTL in ms,
 * then (conversation, entry) per event. An idle conversation (no owner, not blocked) that gets an event joins the drain
 * job to join while that job is still open (its gather window has not passed, so no worker closed it) and has room;
 * otherwise it is claimed for new drain job `<prefix>-<n>` (`per` conversations to each), which is open for the gather
 * window from its first claim. Either way it is listed in the job's claims list. Returns { codes, owners }, per event: 1
 * queued, 2 queued behind others (a drain owns it, or it is blocked), 0 a redelivery, 3 a redelivery whose mailbox still
 * waits; owners names the drain job that owns the conversation ('' for a blocked conversation, and for code 0), which
 * must exist for the event to run: a crash between this script and adding that job must not strand the conversation,
 * so a redelivery (code 3) adds it again (a no-op when it exists), and that job reads every conversation it owns from
 * its claims list. For code 2 it lets an edge wait for the add of a job it is still adding.
 */
export const ENQUEUE = `
local ttl = tonumber(ARGV[1])
local prefix, per, jobs, gather, join, claimsTtl = ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), ARGV[7], ARGV[8]
local joinable = join ~= '' and redis.call('EXISTS', KEYS[5]) == 1
local claimed = 0
local codes, owners = {}, {}
local function ownerOf(conversation)
  if redis.call('HEXISTS', KEYS[3], conversation) == 1 then return '' end
  local owner = redis.call('HGET', KEYS[4], conversation)
  if owner then return owner end
  if joinable and redis.call('LLEN', KEYS[6]) < per then
    redis.call('HSET', KEYS[4], conversation, join)
    redis.call('RPUSH', KEYS[6], conversation)
    return join
  end
  local chunk = math.min(math.floor(claimed / per), jobs - 1)
  claimed = claimed + 1
  owner = prefix .. '-' .. chunk
  redis.call('HSET', KEYS[4], conversation, owner)
  local claims = KEYS[7 + 2 * chunk]
  if redis.call('RPUSH', claims, conversation) == 1 then
    redis.call('PEXPIRE', claims, claimsTtl)
    if gather > 0 then redis.call('SET', KEYS[8 + 2 * chunk], '1', 'PX', gather) end
  end
  return owner
end
local base = 6 + 2 * jobs
for i = 1, (#KEYS - base) / 2 do
  local box = KEYS[base + 2 * i]
  local conversation = ARGV[7 + 2 * i]
  local fresh = true
  if ttl > 0 then fresh = redis.call('SET', KEYS[base - 1 + 2 * i], '1', 'PX', ttl, 'NX') end
  codes[i], owners[i] = 0, ''
  if fresh then
    redis.call('INCR', KEYS[2])
    local first = redis.call('RPUSH', box, ARGV[8 + 2 * i]) == 1
    local owned = redis.call('HGET', KEYS[4], conversation)
    if owned then
      codes[i], owners[i] = 2, owned
    else
      owners[i] = ownerOf(conversation)
      if owners[i] == '' then codes[i] = 2 else codes[i] = 1 end
    end
    if first and redis.call('HEXISTS', KEYS[3], conversation) == 0 then redis.call('ZADD', KEYS[1], ARGV[2], conversation) end
  elseif redis.call('LLEN', box) > 0 then
    owners[i] = ownerOf(conversation)
    if owners[i] ~= '' then codes[i] = 3 end
  end
end
return { codes, owners }
`;

/**
 * Closes a drain job the edge added to conversations joining it, and returns those it owns: the conversations its
 * claims list still holds. Unless ARGV[1] is '1' (close now), a job still open is left open and the reply says how
 * long its window has left, by Redis's clock. KEYS: the job's open mark, its claims list. Returns { ms left (0:
 * closed), conversation... }.
 */
export const CLOSE = `
if ARGV[1] ~= '1' then
  local left = redis.call('PTTL', KEYS[1])
  if left > 0 then return { left } end
end
redis.call('DEL', KEYS[1])
local reply = redis.call('LRANGE', KEYS[2], 0, -1)
table.insert(reply, 1, 0)
return reply
`;

/**
 * For each of several conversations: acknowledges the event its drain just handled (pops it only if it is still the
 * head: an orphaned run of a worker that lost its lock cannot pop someone else's event), then takes the next or hands
 * the conversation over. KEYS: runs, pending, depth, blocked, owner, then (mailbox, claims list of the drain job) per
 * conversation. ARGV, per conversation: conversation, id to acknowledge ('' for none), drain job id, drain job id to
 * hand over to ('' to take the next). Returns { entry, starts, length } per conversation, flattened.
 */
export const ACK_AND_TAKE = `${HEAD_HELPERS}${TAKE}
local runs, pending, depth, blocked, owner = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local replies = {}
for i = 1, (#KEYS - 5) / 2 do
  local box = KEYS[4 + 2 * i]
  local id = ARGV[4 * i - 2]
  if id ~= '' then
    local head = redis.call('LINDEX', box, 0)
    if head and idOf(head) == id then
      redis.call('LPOP', box)
      redis.call('DECR', depth)
      redis.call('HDEL', runs, id)
    end
  end
  local reply = take(box, runs, pending, blocked, owner, KEYS[5 + 2 * i], ARGV[4 * i - 3], ARGV[4 * i - 1], ARGV[4 * i])
  replies[#replies + 1], replies[#replies + 2], replies[#replies + 3] = reply[1], reply[2], reply[3]
end
return replies
`;

/**
 * Moves the head event to the dead letters, then blocks the conversation (releasing it) or takes the next event or
 * hands it over. KEYS: mailbox, runs, pending, depth, blocked, dead index, dead record, owner, claims list of the drain
 * job. ARGV: conversation, id, error, now, '1' to block, drain job id, drain job id to hand over to ('' to take the next).
 */
export const DEAD_LETTER = `${HEAD_HELPERS}${TAKE}
local box, runs, pending, depth, blocked, owner, claims = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[8], KEYS[9]
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
return take(box, runs, pending, blocked, owner, claims, conversation, ARGV[6], ARGV[7])
`;

/**
 * Claims conversations that have events waiting and no live drain for a new drain job (the safety net's repair).
 * KEYS: owner, blocked, then (mailbox, claims list of the owner it was found with) per conversation. ARGV: new drain
 * job id, then (conversation, owner it was found with, '' for none) per conversation; a conversation whose owner
 * changed meanwhile is left alone. Returns the conversations claimed.
 */
export const CLAIM = `
local claimed = {}
for i = 1, (#KEYS - 2) / 2 do
  local conversation, expected = ARGV[2 * i], ARGV[2 * i + 1]
  local owner = redis.call('HGET', KEYS[1], conversation) or ''
  if owner == expected and redis.call('LLEN', KEYS[1 + 2 * i]) > 0 and redis.call('HEXISTS', KEYS[2], conversation) == 0 then
    redis.call('HSET', KEYS[1], conversation, ARGV[1])
    redis.call('LREM', KEYS[2 + 2 * i], 0, conversation)
    claimed[#claimed + 1] = conversation
  end
end
return claimed
`;

/**
 * Puts a dead letter back at the head of its conversation (it is older than anything waiting there) with fresh
 * attempts, and unblocks the conversation if it was the event holding it. A head that a drain has started (it has a
 * start count: being handled, waiting for a retry, or orphaned by a dead worker) keeps its place, and the dead letter
 * goes right behind it: acknowledging, retrying and dead-lettering all act on the head they started, so an event put
 * in front of it would make that event's acknowledgement miss and run it again. KEYS: dead record, dead index,
 * mailbox, pending, depth, blocked, runs, owner. ARGV: id, conversation, now, new drain job id. Returns -1 when there
 * is no such dead letter, 1 when the conversation was claimed for the new drain job (add it), 0 when it is still
 * blocked by another event or a drain owns it already.
 */
export const REPLAY = `${HEAD_HELPERS}
local entry = redis.call('HGET', KEYS[1], 'entry')
if not entry or redis.call('HGET', KEYS[1], 'conversation') ~= ARGV[2] then return -1 end
local head = redis.call('LINDEX', KEYS[3], 0)
if head and redis.call('HEXISTS', KEYS[7], idOf(head)) == 1 then
  -- LINSERT finds the first element equal to head, which is the head itself.
  redis.call('LINSERT', KEYS[3], 'AFTER', head, entry)
else
  redis.call('LPUSH', KEYS[3], entry)
end
redis.call('INCR', KEYS[5])
redis.call('HDEL', KEYS[7], ARGV[1])
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
if redis.call('HGET', KEYS[6], ARGV[2]) == ARGV[1] then redis.call('HDEL', KEYS[6], ARGV[2]) end
if redis.call('HEXISTS', KEYS[6], ARGV[2]) == 1 then return 0 end
redis.call('ZADD', KEYS[4], ARGV[3], ARGV[2])
if redis.call('HSETNX', KEYS[8], ARGV[2], ARGV[4]) == 0 then return 0 end
return 1
`;

/**
 * Deletes a dead letter; if it held its conversation, unblocks it. KEYS: dead record, dead index, mailbox, pending,
 * blocked, owner. ARGV: id, conversation, now, new drain job id. Returns -1 when there is no such dead letter, 1 when the
 * conversation was claimed for the new drain job (add it), 0 otherwise.
 */
export const DROP = `
if redis.call('HGET', KEYS[1], 'conversation') ~= ARGV[2] then return -1 end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
if redis.call('HGET', KEYS[5], ARGV[2]) == ARGV[1] then
  redis.call('HDEL', KEYS[5], ARGV[2])
  if redis.call('LLEN', KEYS[3]) > 0 then
    redis.call('ZADD', KEYS[4], ARGV[3], ARGV[2])
    if redis.call('HSETNX', KEYS[6], ARGV[2], ARGV[4]) == 1 then return 1 end
  end
end
return 0
`;

/** What {@link ACK_AND_TAKE} and {@link DEAD_LETTER} return: the next entry ('' for none), its start count, the mailbox length (-1: another drain owns it). */
export type TakeReply = [entry: string, starts: number, length: number];
