import type { Redis as RedisClient } from 'ioredis';
import { QueueKeys } from './queue-keys.js';
import { TurnBatch } from './turn-batch.js';
import { ACK_AND_TAKE, CLAIM, CLOSE, DEAD_LETTER, DROP, ENQUEUE, REPLAY, type TakeReply } from './queue-scripts.js';

/**
 * How long a claims list may outlive its drain job: a job added again for a redelivery reads it within Meta's retry
 * period, and a list of a job that never ran must not stay forever.
 */
const CLAIMS_TTL_MS = 7 * 24 * 3_600_000;

/** What {@link MailboxStore.enqueue} says about one event: its code, and the drain job that must exist for it ('' for none). */
export interface EnqueueReply {
  readonly codes: EnqueueCode[];
  readonly owners: string[];
}

/** What {@link MailboxStore.enqueue} says about one event. */
export const EnqueueCode = { Duplicate: 0, QueuedFirst: 1, QueuedBehind: 2, DuplicateWaiting: 3 } as const;

/** One of {@link EnqueueCode}'s values. */
export type EnqueueCode = (typeof EnqueueCode)[keyof typeof EnqueueCode];

/** One dead letter as stored. */
export interface DeadLetterRecord {
  /** The event's stable id. */
  readonly eventId: string;
  /** Its conversation (`object|page|person`). */
  readonly conversation: string;
  /** The mailbox entry: id, enqueue time and the stored event. */
  readonly entry: string;
  /** The last failure, as logged. */
  readonly error: string;
  /** How many times it was started. */
  readonly attempts: number;
  /** When it was dead-lettered (epoch ms). */
  readonly failedAt: number;
  /** Whether it holds its conversation (`onDeadLetter: 'block'`). */
  readonly blocking: boolean;
}

interface ScriptedClient {
  mwEnqueue(...args: Array<string | number>): Promise<[number[], string[]]>;
  mwClaim(...args: Array<string | number>): Promise<string[]>;
  mwClose(...args: Array<string | number>): Promise<Array<string | number>>;
  mwAckAndTake(...args: Array<string | number>): Promise<Array<string | number>>;
  mwDeadLetter(...args: Array<string | number>): Promise<[string, number, number]>;
  mwReplay(...args: Array<string | number>): Promise<number>;
  mwDrop(...args: Array<string | number>): Promise<number>;
}

/**
 * The conversation mailboxes, the dedupe marks, the dead letters and the counters, over one Redis client: every
 * change goes through one Lua script, so no crash can leave them half-updated.
 */
export class MailboxStore {
  readonly keys: QueueKeys;
  private readonly scripted: ScriptedClient;
  private readonly acks = new TurnBatch<{ conversation: string; job: string; ackId: string; handover: string }, TakeReply>((requests) => this.ackAndTakeMany(requests), 500);

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    name: string,
  ) {
    this.keys = new QueueKeys(prefix, name);
    for (const [command, lua] of [
      ['mwEnqueue', ENQUEUE],
      ['mwAckAndTake', ACK_AND_TAKE],
      ['mwDeadLetter', DEAD_LETTER],
      ['mwReplay', REPLAY],
      ['mwDrop', DROP],
      ['mwClaim', CLAIM],
      ['mwClose', CLOSE],
    ] as const) {
      // defineCommand runs EVALSHA and loads the script again after a Redis restart (NOSCRIPT).
      if (!(command in redis)) redis.defineCommand(command, { lua });
    }
    this.scripted = redis as unknown as ScriptedClient;
  }

  /**
   * Records and enqueues the events of one or more deliveries in one atomic step. Idle conversations join drain job
   * `join` while it is open and has room, or are claimed for the new drain jobs `<jobPrefix>-<n>` (n < jobs), `perJob`
   * conversations to each, open for `gatherMs`; all are listed in their job's claims list. The reply names, per event,
   * the job that must exist.
   */
  async enqueue(
    events: ReadonlyArray<{ eventId: string; conversation: string; entry: string }>,
    settings: { readonly dedupeTtl: number; readonly gatherMs: number },
    jobPrefix: string,
    perJob: number,
    jobs: number,
    join = '',
  ): Promise<EnqueueReply> {
    const { keys } = this;
    const keyList: string[] = [keys.pending, keys.depth, keys.blocked, keys.owner, keys.open(join), keys.claims(join)];
    for (let index = 0; index < jobs; index++) keyList.push(keys.claims(`${jobPrefix}-${index}`), keys.open(`${jobPrefix}-${index}`));
    const args: Array<string | number> = [settings.dedupeTtl, Date.now(), jobPrefix, perJob, jobs, settings.gatherMs, join, CLAIMS_TTL_MS];
    for (const event of events) {
      keyList.push(keys.seen(event.eventId), keys.mailbox(event.conversation));
      args.push(event.conversation, event.entry);
    }
    const [codes, owners] = await this.scripted.mwEnqueue(keyList.length, ...keyList, ...args);
    return { codes: codes as EnqueueCode[], owners };
  }

  /**
   * Closes drain job `jobId` to new conversations and returns the conversations it owns of those an edge gave it (see
   * {@link enqueue}); unless `now`, a job whose gather window is still open stays open and `wait` says for how many ms.
   * The list empties itself as the job releases or hands over each conversation.
   */
  async close(jobId: string, now: boolean): Promise<{ wait: number; conversations: string[] }> {
    const [wait, ...conversations] = await this.scripted.mwClose(2, this.keys.open(jobId), this.keys.claims(jobId), now ? '1' : '0');
    return { wait: Number(wait), conversations: conversations.map(String) };
  }

  /**
   * For drain `job`: acknowledges `ackId` (if it is still the head) and takes the next event, or, when `handover` names
   * another drain job, hands the conversation to it. Length -1: `job` does not own the conversation. The calls of one
   * event-loop turn share one script call.
   */
  ackAndTake(conversation: string, job: string, ackId: string, handover = ''): Promise<TakeReply> {
    return this.acks.submit([{ conversation, job, ackId, handover }]).then((replies) => replies[0]!);
  }

  private async ackAndTakeMany(requests: ReadonlyArray<{ conversation: string; job: string; ackId: string; handover: string }>): Promise<TakeReply[]> {
    const { keys } = this;
    const keyList = [keys.runs, keys.pending, keys.depth, keys.blocked, keys.owner];
    const args: string[] = [];
    for (const request of requests) {
      keyList.push(keys.mailbox(request.conversation), keys.claims(request.job));
      args.push(request.conversation, request.ackId, request.job, request.handover);
    }
    const flat = await this.scripted.mwAckAndTake(keyList.length, ...keyList, ...args);
    return requests.map((_request, index) => [String(flat[3 * index]), Number(flat[3 * index + 1]), Number(flat[3 * index + 2])]);
  }

  /** Moves the head event `eventId` to the dead letters; blocks the conversation, or takes the next event, or hands over. */
  async deadLetter(conversation: string, job: string, eventId: string, error: string, block: boolean, handover = ''): Promise<TakeReply> {
    const { keys } = this;
    const reply = await this.scripted.mwDeadLetter(
      9,
      keys.mailbox(conversation),
      keys.runs,
      keys.pending,
      keys.depth,
      keys.blocked,
      keys.deadIndex,
      keys.dead(eventId),
      keys.owner,
      keys.claims(job),
      conversation,
      eventId,
      error,
      Date.now(),
      block ? '1' : '0',
      job,
      handover,
    );
    return [reply[0], Number(reply[1]), Number(reply[2])];
  }

  /** The drain jobs owning these conversations ('' for none), in one round trip. */
  async owners(conversations: readonly string[]): Promise<string[]> {
    if (conversations.length === 0) return [];
    return (await this.redis.hmget(this.keys.owner, ...conversations)).map((owner) => owner ?? '');
  }

  /** Claims for drain job `job` the conversations still owned as found (`found`: conversation -> owner or ''); returns those claimed. */
  claim(job: string, found: ReadonlyArray<readonly [conversation: string, owner: string]>): Promise<string[]> {
    const { keys } = this;
    const perConversation = found.flatMap(([conversation, owner]) => [keys.mailbox(conversation), keys.claims(owner)]);
    return this.scripted.mwClaim(2 + perConversation.length, keys.owner, keys.blocked, ...perConversation, job, ...found.flat());
  }

  /**
   * Puts a dead letter back at the head of its conversation (behind a head a drain has started). Resolves `null` when there is no such dead letter, else
   * whether the conversation was claimed for drain job `job` (which must then be added).
   */
  async replay(eventId: string, job: string): Promise<{ conversation: string; drain: boolean } | null> {
    const conversation = await this.redis.hget(this.keys.dead(eventId), 'conversation');
    if (conversation === null) return null;
    const { keys } = this;
    const code = await this.scripted.mwReplay(8, keys.dead(eventId), keys.deadIndex, keys.mailbox(conversation), keys.pending, keys.depth, keys.blocked, keys.runs, keys.owner, eventId, conversation, Date.now(), job);
    return code < 0 ? null : { conversation, drain: code === 1 };
  }

  /** Deletes a dead letter. Resolves `null` when there is no such dead letter, else whether the conversation was claimed for drain job `job`. */
  async drop(eventId: string, job: string): Promise<{ conversation: string; drain: boolean } | null> {
    const conversation = await this.redis.hget(this.keys.dead(eventId), 'conversation');
    if (conversation === null) return null;
    const { keys } = this;
    const code = await this.scripted.mwDrop(6, keys.dead(eventId), keys.deadIndex, keys.mailbox(conversation), keys.pending, keys.blocked, keys.owner, eventId, conversation, Date.now(), job);
    return code < 0 ? null : { conversation, drain: code === 1 };
  }

  /** Dead letters, newest first. */
  async listDeadLetters(offset: number, limit: number): Promise<DeadLetterRecord[]> {
    const ids = await this.redis.zrevrange(this.keys.deadIndex, offset, offset + limit - 1);
    const records = await Promise.all(ids.map((id) => this.deadLetter_(id)));
    return records.filter((record): record is DeadLetterRecord => record !== null);
  }

  /** One dead letter, or `null`. */
  getDeadLetter(eventId: string): Promise<DeadLetterRecord | null> {
    return this.deadLetter_(eventId);
  }

  /** How many dead letters there are. */
  countDeadLetters(): Promise<number> {
    return this.redis.zcard(this.keys.deadIndex);
  }

  /** Conversations with events waiting whose head started waiting before `before` (epoch ms), oldest first. */
  staleConversations(before: number, limit: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.keys.pending, '-inf', before, 'LIMIT', 0, limit);
  }

  /** Depth, oldest head, and counts, in one round trip. */
  async stats(): Promise<{ depth: number; oldestSince: number | null; conversations: number; blocked: number; deadLetters: number }> {
    const { keys } = this;
    const replies = await this.redis
      .multi()
      .get(keys.depth)
      .zrange(keys.pending, 0, 0, 'WITHSCORES')
      .zcard(keys.pending)
      .hlen(keys.blocked)
      .zcard(keys.deadIndex)
      .exec();
    if (!replies) throw new Error('the Redis transaction was aborted');
    const value = (index: number): unknown => {
      const [error, result] = replies[index]!;
      if (error) throw error;
      return result;
    };
    const oldest = value(1) as string[];
    return {
      depth: Number(value(0) ?? 0),
      oldestSince: oldest.length >= 2 ? Number(oldest[1]) : null,
      conversations: Number(value(2)),
      blocked: Number(value(3)),
      deadLetters: Number(value(4)),
    };
  }

  private async deadLetter_(eventId: string): Promise<DeadLetterRecord | null> {
    const hash = await this.redis.hgetall(this.keys.dead(eventId));
    if (!hash.entry || hash.conversation === undefined) return null;
    return {
      eventId,
      conversation: hash.conversation,
      entry: hash.entry,
      error: hash.error ?? '',
      attempts: Number(hash.attempts ?? 0),
      failedAt: Number(hash.failedAt ?? 0),
      blocking: hash.blocked === '1',
    };
  }
}
