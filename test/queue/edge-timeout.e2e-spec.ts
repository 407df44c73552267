import { Worker, type Job } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { prepareDelivery } from '../../libs/messenger-webhook/src/dispatch/prepared-event.js';
import { DeliveryRefusedError } from '../../libs/messenger-webhook/src/dispatch/delivery-transport.js';
import { MessengerEvents, webhookBody } from 'nestjs-messenger-webhook/testing';
import type { DrainJobData } from '../../libs/messenger-webhook/src/queue/drain-jobs.js';
import { eventually } from './queue-kit.js';
import { useSuiteRedis, wireQueueParts } from './queue-parts.js';

const summary = () => ({ events: 0, dispatched: 0, invalid: 0, duplicates: 0, handlerCalls: 0, failures: 0 });

/**
 * `enqueueTimeout` is how long a delivery waits for Redis before the edge answers 503. The edge has one enqueue
 * script in flight at a time, so a delivery can arrive while a script hangs: its wait counts from its arrival, not
 * from when its own script goes out after the hung one gave up.
 */
describe('queue mode: a delivery behind a script that hangs', () => {
  const suite = useSuiteRedis();

  it('is refused enqueueTimeout after it arrived, and deliveries go through once Redis answers again', async () => {
    const { edge, queue } = wireQueueParts(suite, 'hang', { gatherMs: 0 });
    const enqueueTimeout = 2_000;
    const timed = wireQueueParts(suite, 'hang-timed', { enqueueTimeout });
    const admin = suite.client.duplicate();
    try {
      // Redis stops answering writes (a failover, a blocked server): every enqueue script hangs.
      await admin.call('CLIENT', 'PAUSE', '30000', 'WRITE');
      const first = timed.edge.deliver(prepareDelivery(webhookBody(MessengerEvents.text('first', { sender: 'ANN' }))), summary());
      first.catch(() => {});
      await new Promise((resolve) => setTimeout(resolve, 100));
      const arrived = Date.now();
      const second = timed.edge.deliver(prepareDelivery(webhookBody(MessengerEvents.text('second', { sender: 'BOB' }))), summary());
      await expect(second).rejects.toThrow(DeliveryRefusedError);
      // Behind the hung script it would wait for the rest of that script's timeout and then its own: about 3.9 s.
      expect(Date.now() - arrived).toBeLessThan(enqueueTimeout + 1_000);
      await expect(first).rejects.toThrow(DeliveryRefusedError);
      await admin.call('CLIENT', 'UNPAUSE');
      const after = await edge.deliver(prepareDelivery(webhookBody(MessengerEvents.text('after', { sender: 'CID' }))), summary());
      expect(after.dispatched).toBe(1);
    } finally {
      await admin.call('CLIENT', 'UNPAUSE').catch(() => {});
      admin.disconnect();
      await queue.close();
      await timed.queue.close();
    }
  }, 30_000);

  it('adds the jobs a timed-out script claimed when it runs after all, so the events it stored are not stranded', async () => {
    const { name, options, queue, handled, drain, edge } = wireQueueParts(suite, 'late-script', { gatherMs: 5_000, enqueueTimeout: 300 });
    const admin = suite.client.duplicate();
    const worker = new Worker<DrainJobData>(name, (job: Job<DrainJobData>) => drain.process(job), { connection: suite.client, prefix: options.prefix, concurrency: 4 });
    try {
      // 15 conversations open a job that can take one more.
      const fifteen = Array.from({ length: 15 }, (_unused, index) => MessengerEvents.text(`early ${index}`, { sender: `E${index}` }));
      expect((await edge.deliver(prepareDelivery(webhookBody(fifteen)), summary())).dispatched).toBe(15);
      // Redis stalls past enqueueTimeout: the next script (Pat joins that job, Quinn needs a new one) gets 503, but
      // runs once Redis moves again, and Quinn's conversation is then owned by a job only this edge could add.
      await admin.call('CLIENT', 'PAUSE', '1500', 'WRITE');
      const answers = await Promise.allSettled([
        edge.deliver(prepareDelivery(webhookBody(MessengerEvents.text('from PAT', { sender: 'PAT' }))), summary()),
        edge.deliver(prepareDelivery(webhookBody(MessengerEvents.text('from QUINN', { sender: 'QUINN' }))), summary()),
      ]);
      expect(answers.map((answer) => answer.status)).toEqual(['rejected', 'rejected']);
      // No redelivery: the stored events run anyway (without the add they waited for the workers' safety net, 30 s or more).
      await eventually(() => handled.includes('from QUINN') && handled.includes('from PAT'), () => `handled ${JSON.stringify(handled)}`, 15_000);
    } finally {
      await admin.call('CLIENT', 'UNPAUSE').catch(() => {});
      admin.disconnect();
      await worker.close();
      await queue.close();
    }
  }, 30_000);
});
