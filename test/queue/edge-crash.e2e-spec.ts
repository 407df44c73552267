import { Worker, type Job } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { prepareDelivery } from '../../libs/messenger-webhook/src/dispatch/prepared-event.js';
import { CONVERSATIONS_PER_DRAIN, type DrainJobData } from '../../libs/messenger-webhook/src/queue/drain-jobs.js';
import { MessengerEvents, webhookBody } from 'nestjs-messenger-webhook/testing';
import { encodeEntry } from '../../libs/messenger-webhook/src/queue/queued-entry.js';
import { eventually } from './queue-kit.js';
import { useSuiteRedis, wireQueueParts } from './queue-parts.js';

/**
 * An edge that dies between its enqueue script and adding the drain job never answered `200`, so Meta delivers again.
 * The redelivery is a duplicate, but its conversation still waits: the edge must add the job that owns it again, and
 * that job must drain every conversation the dead edge's script gave it (the script wrote several deliveries that
 * arrived together, which Meta delivers again one by one, at different times), not only the redelivered one.
 */
describe('queue mode: an edge that died between its script and its drain job', () => {
  const suite = useSuiteRedis();

  it('runs every event the dead edge stored once Meta delivers one of its deliveries again, each once', async () => {
    const { client } = suite;
    const { name, options, queue, mailboxes, drains, handled, drain, edge } = wireQueueParts(suite, 'crash');
    const worker = new Worker<DrainJobData>(name, (job: Job<DrainJobData>) => drain.process(job), { connection: client, prefix: options.prefix, concurrency: 4 });
    const ann = webhookBody(MessengerEvents.text('from Ann', { sender: 'ANN' }));
    const others = webhookBody([MessengerEvents.text('from Bob', { sender: 'BOB' }), MessengerEvents.text('from Cid', { sender: 'CID' })]);
    try {
      // What the dying edge got done: one script stored both deliveries and gave their conversations to a drain job
      // that was never added.
      const now = Date.now();
      const events = [...prepareDelivery(ann).events, ...prepareDelivery(others).events].map((prepared) => ({ eventId: prepared.meta.eventId, conversation: prepared.conversationKey, entry: encodeEntry(prepared, now) }));
      const stored = await mailboxes.enqueue(events, { dedupeTtl: 60_000, gatherMs: 0 }, drains.newId(), CONVERSATIONS_PER_DRAIN, 1);
      expect(stored.codes).toEqual([1, 1, 1]);
      expect(await queue.getJobCounts('waiting', 'active', 'delayed')).toEqual({ waiting: 0, active: 0, delayed: 0 });

      // Meta delivers Ann's delivery again first.
      const again = await edge.deliver(prepareDelivery(ann), { events: 0, dispatched: 0, invalid: 0, duplicates: 0, handlerCalls: 0, failures: 0 });
      expect(again).toMatchObject({ dispatched: 0, duplicates: 1 });
      await eventually(() => handled.length >= 3, () => `handled ${JSON.stringify(handled)}: events of the dead edge were stranded`, 10_000);
      await eventually(async () => (await mailboxes.stats()).depth === 0, () => 'the mailboxes did not empty', 5_000);
      expect([...handled].sort()).toEqual(['from Ann', 'from Bob', 'from Cid']);
      // The job emptied its claims list as it released each conversation: nothing is left behind in Redis.
      expect(await client.keys(`${options.prefix}:${name}:mw:claims:*`)).toEqual([]);
    } finally {
      await worker.close();
      await queue.close();
    }
  });

  it('leaves no claims list behind once the drains of many deliveries are done, busy conversations included', async () => {
    const { client } = suite;
    const { name, options, queue, mailboxes, handled, drain, edge } = wireQueueParts(suite, 'claims');
    const worker = new Worker<DrainJobData>(name, (job: Job<DrainJobData>) => drain.process(job), { connection: client, prefix: options.prefix, concurrency: 4 });
    const summary = () => ({ events: 0, dispatched: 0, invalid: 0, duplicates: 0, handlerCalls: 0, failures: 0 });
    try {
      // 40 deliveries at once over 20 people (more than one job's share of conversations per write), each person twice:
      // the second event of a person finds the conversation owned, so some jobs get conversations they do not own.
      const deliveries = Array.from({ length: 40 }, (_unused, index) => webhookBody(MessengerEvents.text(`m${index}`, { sender: `P${index % 20}`, mid: `mid-claims-${index}` })));
      const answers = await Promise.all(deliveries.map((body) => edge.deliver(prepareDelivery(body), summary())));
      expect(answers.every((answer) => answer.dispatched === 1)).toBe(true);
      await eventually(() => handled.length >= 40, () => `handled ${handled.length} of 40`, 10_000);
      await eventually(async () => (await mailboxes.stats()).depth === 0, () => 'the mailboxes did not empty', 5_000);
      expect(new Set(handled).size).toBe(40);
      expect(await client.keys(`${options.prefix}:${name}:mw:claims:*`)).toEqual([]);
    } finally {
      await worker.close();
      await queue.close();
    }
  });
});
