import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_DEDUPE_TTL, resolveQueueOptions } from '../../src/queue/queue-options.js';

describe('resolveQueueOptions', () => {
  it('applies the documented defaults', () => {
    expect(resolveQueueOptions({ connection: 'redis://localhost:6379' }, 16)).toEqual({
      connection: 'redis://localhost:6379',
      role: 'both',
      attempts: 5,
      backoff: { type: 'exponential', delay: 1_000, maxDelay: 60_000 },
      concurrency: 16,
      dedupeTtl: DEFAULT_DEDUPE_TTL,
      onDeadLetter: 'continue',
      prefix: 'mw',
      name: 'messenger',
      lockDuration: 30_000,
      batch: 50,
      enqueueTimeout: 5_000,
      gatherMs: 10,
    });
    expect(DEFAULT_DEDUPE_TTL).toBeGreaterThanOrEqual(36 * 3_600_000);
  });

  it('fails fast naming the option', () => {
    expect(() => resolveQueueOptions({ connection: 'http://x' }, 1)).toThrow('queue.connection must be a redis:// or rediss:// URL');
    expect(() => resolveQueueOptions({ connection: undefined as never }, 1)).toThrow('queue.connection is required');
    expect(() => resolveQueueOptions({ connection: 'redis://x', role: 'master' as never }, 1)).toThrow("queue.role must be 'edge', 'worker' or 'both'");
    expect(() => resolveQueueOptions({ connection: 'redis://x', attempts: 0 }, 1)).toThrow('queue.attempts must be a positive integer');
    expect(() => resolveQueueOptions({ connection: 'redis://x', onDeadLetter: 'drop' as never }, 1)).toThrow('queue.onDeadLetter');
    expect(() => resolveQueueOptions({ connection: 'redis://x', prefix: 'a:b' }, 1)).toThrow("queue.prefix must be a non-empty string without ':'");
    expect(() => resolveQueueOptions({ connection: 'redis://x', backoff: { type: 'linear' as never, delay: 1 } }, 1)).toThrow('queue.backoff');
    expect(() => resolveQueueOptions({ connection: 'redis://x', gatherMs: -1 }, 1)).toThrow('queue.gatherMs must be a whole number of ms >= 0');
    expect(resolveQueueOptions({ connection: 'redis://x', gatherMs: 0 }, 1).gatherMs).toBe(0);
  });

  it('accepts ioredis options and clients as connection', () => {
    expect(resolveQueueOptions({ connection: { host: 'redis', port: 6380 } }, 1).connection).toEqual({ host: 'redis', port: 6380 });
    const client = { duplicate: () => client, status: 'ready' };
    expect(resolveQueueOptions({ connection: client }, 1).connection).toBe(client);
  });
});

describe('backoffDelay', () => {
  it('doubles an exponential delay after each attempt, up to maxDelay', () => {
    const backoff = { type: 'exponential', delay: 100, maxDelay: 1_000 } as const;
    expect([1, 2, 3, 4, 5, 6].map((attempt) => backoffDelay(backoff, attempt))).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });

  it('keeps a fixed delay (a number given as backoff)', () => {
    const { backoff } = resolveQueueOptions({ connection: 'redis://x', backoff: 250 }, 1);
    expect([1, 2, 3].map((attempt) => backoffDelay(backoff, attempt))).toEqual([250, 250, 250]);
  });
});
