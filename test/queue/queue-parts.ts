import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import type { EventRunner } from '../../libs/messenger-webhook/src/dispatch/event-runner.js';
import { startRedis, type TestRedis } from '../support/redis-server.js';

/** The Redis of a suite that drives the queue's parts directly: its own redis-server and one client. */
export interface SuiteRedis {
  redis: TestRedis;
  client: Redis;
}

/** Starts a redis-server and a client before the suite's tests and stops them after (fields are set in `beforeAll`). */
export function useSuiteRedis(): SuiteRedis {
  const suite = {} as SuiteRedis;
  beforeAll(async () => {
    suite.redis = await startRedis();
    suite.client = new Redis(suite.redis.url, { maxRetriesPerRequest: null });
    await suite.client.ping();
  });
  afterAll(async () => {
    suite.client?.disconnect();
    await suite.redis?.stop();
  });
  return suite;
}

/**
 * An event runner that stands in for the handlers: it passes each message's text to `record`, then waits for `hold`
 * (when given) before the event counts as handled.
 */
export function textRecordingRunner(record: (text: string) => void, hold?: () => Promise<unknown>): EventRunner {
  const runner = {
    run: async (prepared: { raw: Record<string, unknown> }) => {
      record((prepared.raw.message as { text: string }).text);
      if (hold) await hold();
      return { result: { outcome: 'handled', handlerCalls: 1, failures: 0 }, settled: Promise.resolve() };
    },
  };
  // Only run() is reached by the drain; the rest of EventRunner is not needed here.
  return runner as unknown as EventRunner;
}
