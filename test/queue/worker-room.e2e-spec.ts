import { Logger } from '@nestjs/common';
import { Queue, Worker, type Job } from 'bullmq';
import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { HandlerFailure } from '../../libs/messenger-webhook/src/dispatch/handler-failure.js';
import { prepareDelivery } from '../../libs/messenger-webhook/src/dispatch/prepared-event.js';
import { ConversationDrain } from '../../libs/messenger-webhook/src/queue/conversation-drain.js';
import { DrainJobs, type DrainJobData } from '../../libs/messenger-webhook/src/queue/drain-jobs.js';
import { MailboxStore } from '../../libs/messenger-webhook/src/queue/mailbox-store.js';
import { QueueEdge } from '../../libs/messenger-webhook/src/queue/queue-edge.js';
import { resolveQueueOptions } from '../../libs/messenger-webhook/src/queue/queue-options.js';
import { MessengerEvents, webhookBody } from 'nestjs-messenger-webhook/testing';
import { deferred } from '../support/deferred.js';
import { eventually, uniqueQueueName } from './queue-kit.js';
import { textRecordingRunner, useSuiteRedis } from './queue-parts.js';

/**
 * A drain job can own several conversations (those that arrived together). A worker with fewer free slots than that
 * must not keep them waiting behind its slow handlers while another worker has room: it keeps what it can run and
 * hands the rest back to the queue.
 */
describe('queue mode: a busy worker hands back the conversations it has no room for', () => {
  const suite = useSuiteRedis();

  it('lets another worker run them while the first one is held by a slow handler', async () => {
    const { redis, client } = suite;
    const name = uniqueQueueName('room');
    const queue = new Queue(name, { connection: client, prefix: 'mw' });
    const mailboxes = new MailboxStore(client, 'mw', name);
    const drains = new DrainJobs(queue);
    const handled: Array<{ worker: string; text: string }> = [];
    const release = deferred();
    const runnerOf = (worker: string, slow: boolean) =>
      textRecordingRunner((text) => handled.push({ worker, text }), slow ? () => release.promise : undefined);
    const workerOf = (label: string, concurrency: number, slow: boolean) => {
      const options = resolveQueueOptions({ connection: redis.url, name, concurrency }, concurrency);
      const drain = new ConversationDrain(mailboxes, drains, runnerOf(label, slow), new Subject<HandlerFailure>(), options, new Logger(label));
      return new Worker<DrainJobData>(name, (job: Job<DrainJobData>) => drain.process(job), { connection: client, prefix: 'mw', concurrency });
    };
    const edge = new QueueEdge(client, mailboxes, drains, { dedupeTtl: 60_000, enqueueTimeout: 5_000, gatherMs: 10 }, new Logger('room'));
    const workers: Worker[] = [];
    try {
      // Three idle conversations in one delivery: one drain job owns all three, and the one-slot worker is the only one up.
      workers.push(workerOf('small', 1, true));
      const body = webhookBody(['ANN', 'BOB', 'CID'].map((sender) => MessengerEvents.text(`from ${sender}`, { sender })));
      expect((await edge.deliver(prepareDelivery(body), { events: 0, dispatched: 0, invalid: 0, duplicates: 0, handlerCalls: 0, failures: 0 })).dispatched).toBe(3);
      await eventually(() => handled.length === 1, () => `handled ${JSON.stringify(handled)}`, 10_000);
      workers.push(workerOf('roomy', 4, false));
      // The small worker is still held by its first handler: the other two must reach the roomy worker.
      await eventually(() => handled.length === 3, () => `handled ${JSON.stringify(handled)}: conversations stayed with the busy worker`, 10_000);
      expect(handled.slice(1).map((entry) => entry.worker)).toEqual(['roomy', 'roomy']);
      expect(handled.map((entry) => entry.text).sort()).toEqual(['from ANN', 'from BOB', 'from CID']);
    } finally {
      release.resolve();
      for (const worker of workers) await worker.close();
      await queue.close();
    }
  });
});
