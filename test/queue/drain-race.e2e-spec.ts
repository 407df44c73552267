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
 * The race every mailbox design must survive: a drain has found its mailbox empty and is about to complete when a new
 * event of its conversation arrives. The new event must get a drain of its own, not be left to the finishing one.
 */
describe('queue mode: a drain finishing as a new event arrives', () => {
  const suite = useSuiteRedis();

  it('hands the new event to a new drain while the finishing one has not completed', async () => {
    const { redis, client } = suite;
    const name = uniqueQueueName('race');
    const options = resolveQueueOptions({ connection: redis.url, name }, 4);
    const queue = new Queue(name, { connection: client, prefix: options.prefix });
    const mailboxes = new MailboxStore(client, options.prefix, name);
    const drains = new DrainJobs(queue);
    const handled: string[] = [];
    const runner = textRecordingRunner((text) => handled.push(text));
    const drain = new ConversationDrain(mailboxes, drains, runner, new Subject<HandlerFailure>(), options, new Logger('race'));
    const edge = new QueueEdge(client, mailboxes, drains, { dedupeTtl: 60_000, enqueueTimeout: 5_000 }, new Logger('race'));

    // The window between "mailbox empty" and the job's completion, held open on purpose for the first drain.
    const window = deferred();
    const inWindow = deferred();
    let drainsRun = 0;
    const worker = new Worker<DrainJobData>(
      name,
      async (job: Job<DrainJobData>) => {
        await drain.process(job);
        if (++drainsRun === 1) {
          inWindow.resolve();
          await window.promise;
        }
      },
      { connection: client, prefix: options.prefix, concurrency: 4 },
    );
    const send = (text: string) => edge.deliver(prepareDelivery(webhookBody(MessengerEvents.text(text, { sender: 'RACE' }))), { events: 0, dispatched: 0, invalid: 0, duplicates: 0, handlerCalls: 0, failures: 0 });
    try {
      await send('first');
      await inWindow.promise;
      expect(handled).toEqual(['first']);
      // The first drain found the mailbox empty and has not completed: this event finds an empty mailbox and asks for a drain.
      expect((await send('second')).dispatched).toBe(1);
      window.resolve();
      await eventually(() => handled.length === 2, () => `handled ${JSON.stringify(handled)}: the second event was stranded`, 10_000);
      expect(handled).toEqual(['first', 'second']);
      // The second drain counts itself once its process() returned, which is after its handler ran: wait for that too.
      await eventually(() => drainsRun >= 2, () => `${drainsRun} drain(s) finished`, 10_000);
      expect(drainsRun).toBe(2);
    } finally {
      window.resolve();
      await worker.close();
      await queue.close();
    }
  });
});
