import { Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Subject } from 'rxjs';
import { afterAll, beforeAll } from 'vitest';
import type { EventRunner } from '../../libs/messenger-webhook/src/dispatch/event-runner.js';
import type { HandlerFailure } from '../../libs/messenger-webhook/src/dispatch/handler-failure.js';
import { ConversationDrain } from '../../libs/messenger-webhook/src/queue/conversation-drain.js';
import { DrainJobs } from '../../libs/messenger-webhook/src/queue/drain-jobs.js';
import { MailboxStore } from '../../libs/messenger-webhook/src/queue/mailbox-store.js';
import { QueueEdge } from '../../libs/messenger-webhook/src/queue/queue-edge.js';
import { resolveQueueOptions, type MessengerQueueOptions } from '../../libs/messenger-webhook/src/queue/queue-options.js';
import { startRedis, type TestRedis } from '../support/redis-server.js';
import { uniqueQueueName } from './queue-kit.js';

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

/** The queue's parts wired as the module wires them, on the suite's Redis, handlers standing in as a text recorder. */
export function wireQueueParts(suite: SuiteRedis, label: string, overrides: Partial<MessengerQueueOptions> = {}) {
  const name = uniqueQueueName(label);
  const options = resolveQueueOptions({ connection: suite.redis.url, name, ...overrides }, 4);
  const queue = new Queue(name, { connection: suite.client, prefix: options.prefix });
  const mailboxes = new MailboxStore(suite.client, options.prefix, name);
  const drains = new DrainJobs(queue);
  const handled: string[] = [];
  const drain = new ConversationDrain(mailboxes, drains, textRecordingRunner((text) => handled.push(text)), new Subject<HandlerFailure>(), options, new Logger(label));
  const edge = new QueueEdge(suite.client, mailboxes, drains, { dedupeTtl: 60_000, enqueueTimeout: options.enqueueTimeout, gatherMs: options.gatherMs }, new Logger(label));
  return { name, options, queue, mailboxes, drains, handled, drain, edge };
}
