import { Worker, type Job } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { prepareDelivery } from '../../libs/messenger-webhook/src/dispatch/prepared-event.js';
import { CONVERSATIONS_PER_DRAIN, type DrainJobData } from '../../libs/messenger-webhook/src/queue/drain-jobs.js';
import { encodeEntry } from '../../libs/messenger-webhook/src/queue/queued-entry.js';
import { MessengerEvents, webhookBody } from 'nestjs-messenger-webhook/testing';
import { eventually } from './queue-kit.js';
import { useSuiteRedis, wireQueueParts } from './queue-parts.js';

const summary = () => ({ events: 0, dispatched: 0, invalid: 0, duplicates: 0, handlerCalls: 0, failures: 0 });

/**
 * At moderate rates nearly every event finds its conversation idle; one BullMQ job each made that job the price of every
 * event. A drain job the edge added keeps taking idle conversations for `gatherMs` (until a worker starts it), so
 * deliveries that come one after another share it; once it has started, the next delivery gets a job of its own.
 */
describe('queue mode: deliveries that come one after another share a drain job', () => {
  const suite = useSuiteRedis();

  it('runs the events of several deliveries within the gather window in one drain job, each once', async () => {
    const { name, options, queue, handled, drain, edge, mailboxes } = wireQueueParts(suite, 'gather', { gatherMs: 1_000 });
    const jobs: string[] = [];
    const worker = new Worker<DrainJobData>(name, (job: Job<DrainJobData>) => (jobs.push(job.id ?? ''), drain.process(job)), { connection: suite.client, prefix: options.prefix, concurrency: 4 });
    try {
      for (const sender of ['ANN', 'BOB', 'CID']) {
        const answer = await edge.deliver(prepareDelivery(webhookBody(MessengerEvents.text(`from ${sender}`, { sender }))), summary());
        expect(answer.dispatched).toBe(1);
      }
      await eventually(() => handled.length >= 3, () => `handled ${JSON.stringify(handled)}`, 10_000);
      await eventually(async () => (await mailboxes.stats()).depth === 0, () => 'the mailboxes did not empty', 5_000);
      expect([...handled].sort()).toEqual(['from ANN', 'from BOB', 'from CID']);
      expect(jobs).toHaveLength(1);
    } finally {
      await worker.close();
      await queue.close();
    }
  });

  it('gives a delivery a job of its own once the job it could join has started, and runs every event', async () => {
    const { name, options, queue, handled, drain, edge, mailboxes } = wireQueueParts(suite, 'gather-late', { gatherMs: 200 });
    const jobs: string[] = [];
    const worker = new Worker<DrainJobData>(name, (job: Job<DrainJobData>) => (jobs.push(job.id ?? ''), drain.process(job)), { connection: suite.client, prefix: options.prefix, concurrency: 4 });
    try {
      await edge.deliver(prepareDelivery(webhookBody(MessengerEvents.text('from ANN', { sender: 'ANN' }))), summary());
      // The first job has gathered, closed and run Ann's event: Bob's cannot join it any more.
      await eventually(() => handled.length >= 1, () => 'the first event was not handled', 10_000);
      await edge.deliver(prepareDelivery(webhookBody(MessengerEvents.text('from BOB', { sender: 'BOB' }))), summary());
      await eventually(() => handled.length >= 2, () => `handled ${JSON.stringify(handled)}: the late delivery was stranded`, 10_000);
      await eventually(async () => (await mailboxes.stats()).depth === 0, () => 'the mailboxes did not empty', 5_000);
      expect(handled).toEqual(['from ANN', 'from BOB']);
      expect(jobs).toHaveLength(2);
      expect(await suite.client.keys(`${options.prefix}:${name}:mw:claims:*`)).toEqual([]);
    } finally {
      await worker.close();
      await queue.close();
    }
  });

  it('keeps a job open for the rest of its window by Redis clock, and closes a job that took nothing at once', async () => {
    const { mailboxes, drains, queue } = wireQueueParts(suite, 'gather-close', { gatherMs: 60_000 });
    try {
      const prepared = prepareDelivery(webhookBody(MessengerEvents.text('from ANN', { sender: 'ANN' }))).events[0]!;
      const prefix = drains.newId();
      const event = { eventId: prepared.meta.eventId, conversation: prepared.conversationKey, entry: encodeEntry(prepared, Date.now()) };
      const stored = await mailboxes.enqueue([event], { dedupeTtl: 60_000, gatherMs: 60_000 }, prefix, CONVERSATIONS_PER_DRAIN, 1);
      expect(stored.owners).toEqual([`${prefix}-0`]);
      const open = await mailboxes.close(`${prefix}-0`, false);
      expect(open.wait).toBeGreaterThan(50_000);
      expect(open.conversations).toEqual([]);
      expect(await mailboxes.close(`${prefix}-0`, true)).toEqual({ wait: 0, conversations: [prepared.conversationKey] });
      // A job whose conversations all turned out busy never got a mark: nothing to wait for.
      expect(await mailboxes.close(`${drains.newId()}-0`, false)).toEqual({ wait: 0, conversations: [] });
    } finally {
      await queue.close();
    }
  });

  it('opens a new job when the one it could join is full', async () => {
    const { name, options, queue, handled, drain, edge } = wireQueueParts(suite, 'gather-full', { gatherMs: 1_000 });
    const jobs: string[] = [];
    const worker = new Worker<DrainJobData>(name, (job: Job<DrainJobData>) => (jobs.push(job.id ?? ''), drain.process(job)), { connection: suite.client, prefix: options.prefix, concurrency: 4 });
    try {
      // 16 conversations fill one job (CONVERSATIONS_PER_DRAIN); the 17th and 18th, one delivery each, need another.
      const people = Array.from({ length: 18 }, (_unused, index) => `P${index}`);
      await edge.deliver(prepareDelivery(webhookBody(people.slice(0, 16).map((sender) => MessengerEvents.text(`from ${sender}`, { sender })))), summary());
      for (const sender of people.slice(16)) await edge.deliver(prepareDelivery(webhookBody(MessengerEvents.text(`from ${sender}`, { sender }))), summary());
      await eventually(() => handled.length >= 18, () => `handled ${handled.length} of 18`, 10_000);
      expect(new Set(handled).size).toBe(18);
      expect(jobs).toHaveLength(2);
    } finally {
      await worker.close();
      await queue.close();
    }
  });
});
