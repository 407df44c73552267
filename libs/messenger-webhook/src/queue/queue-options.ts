/** Which part of queue mode an instance plays. */
export type QueueRole = 'edge' | 'worker' | 'both';

/** What happens to a conversation once one of its events is dead-lettered. */
export type DeadLetterPolicy = 'continue' | 'block';

/** The common fields of ioredis' `RedisOptions`; any other ioredis option is passed through as is. */
export interface QueueRedisOptions {
  host?: string;
  port?: number;
  username?: string;
  password?: string;
  db?: number;
  tls?: object;
  [option: string]: unknown;
}

/** An ioredis client you already have (`new Redis(...)`); the module duplicates it and never closes yours. */
export interface QueueRedisClient {
  duplicate(...args: never[]): unknown;
  readonly status: string;
}

/** How long to wait before retrying a failed event: a fixed delay, or one that doubles after each attempt. */
export type QueueBackoff = number | { readonly type: 'fixed' | 'exponential'; readonly delay: number; readonly maxDelay?: number };

/** Options of queue mode (`queue` in `forRoot`): handlers run on workers fed through Redis by BullMQ. */
export interface MessengerQueueOptions {
  /** Redis to use: a `redis://` / `rediss://` URL, ioredis options, or an ioredis client. */
  connection: string | QueueRedisOptions | QueueRedisClient;
  /** `'edge'`: receive and enqueue only; `'worker'`: run handlers only (no HTTP needed); `'both'` (default). */
  role?: QueueRole;
  /** How many times an event is tried before it goes to the dead letters (default 5). A worker killed mid-handler counts as a try. */
  attempts?: number;
  /** Wait before each retry (default `{ type: 'exponential', delay: 1000, maxDelay: 60000 }`; a number is a fixed delay in ms). */
  backoff?: QueueBackoff;
  /** How many conversations one worker handles at the same time (default: the module's `concurrency`). */
  concurrency?: number;
  /** How long redeliveries are recognised, in ms (default 172 800 000: 48 hours, beyond Meta's ~36 hours of retries). */
  dedupeTtl?: number;
  /** `'continue'` (default): the conversation goes on without the dead-lettered event. `'block'`: it waits until the event is replayed or dropped. */
  onDeadLetter?: DeadLetterPolicy;
  /** Prefix of every Redis key (default `'mw'`); put it in braces (`'{mw}'`) on Redis Cluster. */
  prefix?: string;
  /** Name of the queue, to run several bots on one Redis (default `'messenger'`). */
  name?: string;
  /** Ms a worker holds an event before another worker may take it over if the first died (default 30 000). */
  lockDuration?: number;
  /** Events one conversation handles in a row before it lets other conversations take the worker's slot (default 50). */
  batch?: number;
  /** Ms the edge waits for Redis before it answers `503` (default 5 000; Meta gives up after 20 s). */
  enqueueTimeout?: number;
  /**
   * Ms a new drain job keeps taking the conversations that become busy after it, before a worker closes it (default 10;
   * 0 turns it off): at moderate rates several events share one BullMQ job, at the cost of up to this much handler delay.
   */
  gatherMs?: number;
}

/** Queue options after defaults and checks. */
export interface ResolvedQueueOptions {
  readonly connection: MessengerQueueOptions['connection'];
  readonly role: QueueRole;
  readonly attempts: number;
  readonly backoff: { readonly type: 'fixed' | 'exponential'; readonly delay: number; readonly maxDelay: number };
  readonly concurrency: number;
  readonly dedupeTtl: number;
  readonly onDeadLetter: DeadLetterPolicy;
  readonly prefix: string;
  readonly name: string;
  readonly lockDuration: number;
  readonly batch: number;
  readonly enqueueTimeout: number;
  readonly gatherMs: number;
}

/** 48 hours: Meta retries a failed delivery for about 36 hours; the margin covers reports of longer windows. */
export const DEFAULT_DEDUPE_TTL = 48 * 3_600_000;

/** 10 ms: at 500 events/s on one edge it lets about five events share a BullMQ job, and no person notices it in a reply. */
export const DEFAULT_GATHER_MS = 10;

const PREFIX = 'MessengerWebhookModule: queue.';

/** Applies defaults and fails fast, naming the option. `concurrency` is the module's own, the default of `queue.concurrency`. */
export function resolveQueueOptions(options: MessengerQueueOptions, concurrency: number): ResolvedQueueOptions {
  if (!options || typeof options !== 'object') throw new Error(`${PREFIX.slice(0, -1)} must be an object ({ connection: 'redis://...' })`);
  const { connection } = options;
  if (typeof connection === 'string') {
    if (!/^rediss?:\/\//.test(connection)) throw new Error(`${PREFIX}connection must be a redis:// or rediss:// URL, ioredis options, or an ioredis client`);
  } else if (!connection || typeof connection !== 'object') {
    throw new Error(`${PREFIX}connection is required: a redis:// URL, ioredis options, or an ioredis client`);
  }
  const role = options.role ?? 'both';
  if (role !== 'edge' && role !== 'worker' && role !== 'both') throw new Error(`${PREFIX}role must be 'edge', 'worker' or 'both'`);
  const onDeadLetter = options.onDeadLetter ?? 'continue';
  if (onDeadLetter !== 'continue' && onDeadLetter !== 'block') throw new Error(`${PREFIX}onDeadLetter must be 'continue' or 'block'`);
  for (const [key, value] of [['prefix', options.prefix], ['name', options.name]] as const) {
    if (value !== undefined && (typeof value !== 'string' || value === '' || value.includes(':'))) {
      throw new Error(`${PREFIX}${key} must be a non-empty string without ':'`);
    }
  }
  return {
    connection,
    role,
    attempts: integer('attempts', options.attempts, 5),
    backoff: backoffOf(options.backoff),
    concurrency: integer('concurrency', options.concurrency, concurrency),
    dedupeTtl: integer('dedupeTtl', options.dedupeTtl, DEFAULT_DEDUPE_TTL),
    onDeadLetter,
    prefix: options.prefix ?? 'mw',
    name: options.name ?? 'messenger',
    lockDuration: integer('lockDuration', options.lockDuration, 30_000),
    batch: integer('batch', options.batch, 50),
    enqueueTimeout: integer('enqueueTimeout', options.enqueueTimeout, 5_000),
    gatherMs: options.gatherMs === undefined ? DEFAULT_GATHER_MS : wholeMs('gatherMs', options.gatherMs),
  };
}

function backoffOf(backoff: QueueBackoff | undefined): ResolvedQueueOptions['backoff'] {
  if (backoff === undefined) return { type: 'exponential', delay: 1_000, maxDelay: 60_000 };
  if (typeof backoff === 'number') return { type: 'fixed', delay: nonNegative('backoff', backoff), maxDelay: backoff };
  if (!backoff || (backoff.type !== 'fixed' && backoff.type !== 'exponential')) {
    throw new Error(`${PREFIX}backoff must be a number of ms or { type: 'fixed' | 'exponential', delay, maxDelay? }`);
  }
  const delay = nonNegative('backoff.delay', backoff.delay);
  return { type: backoff.type, delay, maxDelay: backoff.maxDelay === undefined ? Math.max(delay, 3_600_000) : nonNegative('backoff.maxDelay', backoff.maxDelay) };
}

function integer(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${PREFIX}${name} must be a positive integer`);
  return value;
}

function wholeMs(name: string, value: unknown): number {
  if (!Number.isInteger(value) || (value as number) < 0) throw new Error(`${PREFIX}${name} must be a whole number of ms >= 0`);
  return value as number;
}

function nonNegative(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new Error(`${PREFIX}${name} must be a number >= 0`);
  return value;
}

/** The delay before retry number `attempt` (1 = the first retry). */
export function backoffDelay(backoff: ResolvedQueueOptions['backoff'], attempt: number): number {
  const delay = backoff.type === 'fixed' ? backoff.delay : backoff.delay * 2 ** Math.max(0, attempt - 1);
  return Math.min(delay, backoff.maxDelay);
}
