import type { DedupeStore } from '../dispatch/dedupe-store.js';

/** The part of an ioredis (or compatible) client that {@link RedisDedupeStore} uses. */
export interface RedisSetClient {
  set(key: string, value: string, px: 'PX', ttlMs: number, nx: 'NX'): Promise<string | null>;
}

/**
 * A {@link DedupeStore} in Redis, for apps that handle events in-process but run several replicas:
 * `dedupe: { store: new RedisDedupeStore(new Redis(url)), ttl: 48 * 3_600_000 }`. One `SET key 1 PX ttl NX` per event.
 */
export class RedisDedupeStore implements DedupeStore {
  /** @param client an ioredis client (yours: never closed here). @param prefix key prefix (default `'mw:seen:'`). */
  constructor(
    private readonly client: RedisSetClient,
    private readonly prefix = 'mw:seen:',
  ) {}

  /** @inheritdoc */
  async checkAndSet(key: string, ttlMs: number): Promise<boolean> {
    return (await this.client.set(`${this.prefix}${key}`, '1', 'PX', Math.max(1, Math.round(ttlMs)), 'NX')) === null;
  }
}
