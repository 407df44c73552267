import { Worker, type Job } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { prepareDelivery } from '../../libs/messenger-webhook/src/dispatch/prepared-event.js';
import { type DrainJobData } from '../../libs/messenger-webhook/src/queue/drain-jobs.js';
import { MessengerEvents, webhookBody } from 'nestjs-messenger-webhook/testing';
import { deferred } from '../support/deferred.js';
import { eventually } from './queue-kit.js';
import { useSuiteRedis, wireQueueParts } from './queue-parts.js';

/**
 * The race every mailbox design must survive: a drain has found its mailbox empty and is about to complete when a new
 * event of its conversation arrives. The new event must get a drain of its own, not be left to the finishing one.
 */
describe('queue mode: a drain finishing as a new event arrives', () => {
  const suite = useSuiteRedis();

  it('hands the new event to a new drain while the finishing one has not completed', async () => {
    const { client } = suite;
    const { name, options, queue, handled, drain, edge } = wireQueueParts(suite, 'race');

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
