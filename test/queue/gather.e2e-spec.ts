import { Logger } from '@nestjs/common';
import { Worker, type Job } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { prepareDelivery } from '../../libs/messenger-webhook/src/dispatch/prepared-event.js';
import { DeliveryRefusedError } from '../../libs/messenger-webhook/src/dispatch/delivery-transport.js';
import { CONVERSATIONS_PER_DRAIN, DrainJobs, type DrainJobData } from '../../libs/messenger-webhook/src/queue/drain-jobs.js';
import { QueueEdge } from '../../libs/messenger-webhook/src/queue/queue-edge.js';
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

  it('puts deliveries that arrive while the edge waits for Redis into the job being opened, before its add is done', async () => {
    const { name, options, queue, handled, drain, mailboxes } = wireQueueParts(suite, 'gather-overlap', { gatherMs: 1_000 });
    const people = Array.from({ length: 12 }, (_unused, index) => `P${index}`);
    // The first job's add waits (up to 5 s) until every delivery has reached Redis: the later ones must not wait for it
    // to go out, but join the job it adds.
    const claims = (jobId: string) => suite.client.llen(mailboxes.keys.claims(jobId));
    let claimsSeenByAdd = -1;
    class SlowDrains extends DrainJobs {
      override async add(jobs: ReadonlyMap<string, readonly string[] | null>, delay = 0): Promise<void> {
        if (claimsSeenByAdd < 0) {
          const [jobId] = [...jobs.keys()];
          const until = Date.now() + 5_000;
          while ((await claims(jobId!)) < people.length && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
          claimsSeenByAdd = await claims(jobId!);
        }
        return super.add(jobs, delay);
      }
    }
    const edge = new QueueEdge(suite.client, mailboxes, new SlowDrains(queue), { dedupeTtl: 60_000, enqueueTimeout: 10_000, gatherMs: 1_000 }, new Logger('gather-overlap'));
    const jobs: string[] = [];
    const worker = new Worker<DrainJobData>(name, (job: Job<DrainJobData>) => (jobs.push(job.id ?? ''), drain.process(job)), { connection: suite.client, prefix: options.prefix, concurrency: 4 });
    try {
      // One delivery per turn of the event loop, none waiting for the one before: a busy edge's traffic.
      const answers: Array<Promise<unknown>> = [];
      for (const sender of people) {
        answers.push(edge.deliver(prepareDelivery(webhookBody(MessengerEvents.text(`from ${sender}`, { sender }))), summary()));
        await new Promise((resolve) => setImmediate(resolve));
      }
      await Promise.all(answers);
      expect(claimsSeenByAdd).toBe(people.length);
      await eventually(() => handled.length >= people.length, () => `handled ${handled.length} of ${people.length}`, 10_000);
      expect(new Set(handled).size).toBe(people.length);
      expect(jobs).toHaveLength(1);
    } finally {
      await worker.close();
      await queue.close();
    }
  });

  it('refuses the deliveries whose events went to a job whose add then failed, and runs them when Meta delivers them again', async () => {
    const { name, options, queue, handled, drain, mailboxes } = wireQueueParts(suite, 'gather-add-fails', { gatherMs: 1_000 });
    // The first add fails when the test says, after the script that opened its job was answered: Redis went away
    // between the two.
    let failNow: () => void = () => {};
    const failing = new Promise<void>((resolve) => (failNow = resolve));
    let firstJob = '';
    class FlakyDrains extends DrainJobs {
      override async add(jobs: ReadonlyMap<string, readonly string[] | null>, delay = 0): Promise<void> {
        if (firstJob !== '') return super.add(jobs, delay);
        firstJob = [...jobs.keys()][0]!;
        await failing;
        throw new Error('Connection is closed.');
      }
    }
    const edge = new QueueEdge(suite.client, mailboxes, new FlakyDrains(queue), { dedupeTtl: 60_000, enqueueTimeout: 5_000, gatherMs: 1_000 }, new Logger('gather-add-fails'));
    const worker = new Worker<DrainJobData>(name, (job: Job<DrainJobData>) => drain.process(job), { connection: suite.client, prefix: options.prefix, concurrency: 4 });
    const claims = () => suite.client.lrange(mailboxes.keys.claims(firstJob), 0, -1);
    try {
      const ann = webhookBody(MessengerEvents.text('from ANN', { sender: 'ANN' }));
      const bob = webhookBody(MessengerEvents.text('from BOB', { sender: 'BOB' }));
      const annAgain = webhookBody(MessengerEvents.text('ANN again', { sender: 'ANN' }));
      const first = edge.deliver(prepareDelivery(ann), summary());
      await new Promise((resolve) => setImmediate(resolve));
      // Bob's delivery joins the job Ann's opened, whose add is on its way.
      const second = edge.deliver(prepareDelivery(bob), summary());
      await eventually(async () => (await claims()).length === 2, () => "Bob's conversation did not join the first job", 5_000);
      // Then Ann's next event, in a script of its own, queues behind her first, in that job.
      const annKey = prepareDelivery(annAgain).events[0]!.conversationKey;
      const third = edge.deliver(prepareDelivery(annAgain), summary());
      await eventually(async () => (await suite.client.llen(mailboxes.keys.mailbox(annKey))) === 2, () => "Ann's second event was not stored", 5_000);
      failNow();
      // None of them may answer 200 without that job.
      await expect(first).rejects.toThrow(DeliveryRefusedError);
      await expect(second).rejects.toThrow(DeliveryRefusedError);
      await expect(third).rejects.toThrow(DeliveryRefusedError);
      // The next delivery does not join the job that was never added.
      await edge.deliver(prepareDelivery(webhookBody(MessengerEvents.text('from CID', { sender: 'CID' }))), summary());
      await eventually(() => handled.length >= 1, () => 'the delivery after the failure was not handled', 10_000);
      expect(handled).toEqual(['from CID']);
      // Meta delivers them again: their events are stored, so they are duplicates whose job is added now.
      for (const body of [annAgain, bob, ann]) expect(await edge.deliver(prepareDelivery(body), summary())).toMatchObject({ dispatched: 0, duplicates: 1 });
      await eventually(() => handled.length >= 4, () => `handled ${JSON.stringify(handled)}`, 10_000);
      expect([...handled].sort()).toEqual(['ANN again', 'from ANN', 'from BOB', 'from CID']);
      expect(handled.filter((text) => text.includes('ANN'))).toEqual(['from ANN', 'ANN again']);
    } finally {
      await worker.close();
      await queue.close();
    }
  });

  it('never answers 200 for an event whose job could not be added, whether the add fails at once or with a Redis error', async () => {
    const { name, options, queue, handled, drain, mailboxes } = wireQueueParts(suite, 'gather-add-broken', { gatherMs: 1_000 });
    // Adds fail at once (BullMQ's queue could not set up its connection) until the test says otherwise.
    let broken = true;
    class BrokenDrains extends DrainJobs {
      override async add(jobs: ReadonlyMap<string, readonly string[] | null>, delay = 0): Promise<void> {
        if (broken) throw new Error('Connection is closed.');
        return super.add(jobs, delay);
      }
    }
    const edge = new QueueEdge(suite.client, mailboxes, new BrokenDrains(queue), { dedupeTtl: 60_000, enqueueTimeout: 5_000, gatherMs: 1_000 }, new Logger('gather-add-broken'));
    // Started once BullMQ's metadata is sound again (a worker fetching meanwhile would fail too).
    let worker: Worker<DrainJobData> | undefined;
    // A later add that Redis refuses (its reply comes after the script's on the same connection): BullMQ's metadata
    // key holds the wrong type.
    const meta = `${options.prefix}:${name}:meta`;
    const deliverSix = async (label: string) => {
      const bodies = Array.from({ length: 6 }, (_unused, index) => webhookBody(MessengerEvents.text(`${label} ${index}`, { sender: `${label}${index}` })));
      const answers: Array<Promise<unknown>> = [];
      for (const body of bodies) {
        const answer = edge.deliver(prepareDelivery(body), summary());
        // Settled below, after the other deliveries went out.
        answer.catch(() => {});
        answers.push(answer);
        await new Promise((resolve) => setImmediate(resolve));
      }
      return { bodies, outcomes: await Promise.allSettled(answers) };
    };
    try {
      const early = await deliverSix('EARLY');
      expect(early.outcomes.map((outcome) => outcome.status)).toEqual(Array(6).fill('rejected'));
      broken = false;
      await suite.client.set(meta, 'not a hash');
      const refused = await deliverSix('REFUSED');
      expect(refused.outcomes.map((outcome) => outcome.status)).toEqual(Array(6).fill('rejected'));
      await suite.client.del(meta);
      worker = new Worker<DrainJobData>(name, (job: Job<DrainJobData>) => drain.process(job), { connection: suite.client, prefix: options.prefix, concurrency: 4 });
      // Meta delivers them all again: stored already, so duplicates whose jobs are added now; each runs once.
      for (const body of [...early.bodies, ...refused.bodies]) expect(await edge.deliver(prepareDelivery(body), summary())).toMatchObject({ duplicates: 1 });
      await eventually(() => handled.length >= 12, () => `handled ${handled.length} of 12`, 10_000);
      expect(new Set(handled).size).toBe(12);
    } finally {
      await suite.client.del(meta);
      await worker?.close();
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
