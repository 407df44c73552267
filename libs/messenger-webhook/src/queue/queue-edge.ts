import type { Logger } from '@nestjs/common';
import type { Redis as RedisClient } from 'ioredis';
import { DeliveryRefusedError, type DeliveryTransport } from '../dispatch/delivery-transport.js';
import type { DispatchSummary } from '../dispatch/messenger-dispatcher.js';
import type { PreparedDelivery } from '../dispatch/prepared-event.js';
import { CONVERSATIONS_PER_DRAIN, type DrainJobs } from './drain-jobs.js';
import { TurnBatch } from './turn-batch.js';
import { EnqueueCode, type MailboxStore } from './mailbox-store.js';
import { encodeEntry } from './queued-entry.js';
import { RateLimitedLog } from './rate-limited-log.js';

/** Events one enqueue script takes at most (several deliveries that arrived together share one). */
const MAX_EVENTS_PER_WRITE = 1_000;

/** One event as the edge writes it. */
interface QueuedEvent {
  readonly eventId: string;
  readonly conversation: string;
  readonly entry: string;
}

/**
 * The edge of queue mode: puts every event of a delivery into its conversation's mailbox and dedupe mark in one Lua
 * script that also claims the idle conversations for new drain jobs, adds those jobs, and only then lets the webhook
 * answer `200`. Deliveries arriving together share the script call and the job add; one script is in flight at a time,
 * and what arrives meanwhile goes in the next. When Redis cannot take the delivery it rejects, so the webhook answers `503` and Meta delivers it again.
 */
export class QueueEdge implements DeliveryTransport {
  private readonly outage: RateLimitedLog;
  private readonly batch = new TurnBatch<QueuedEvent, EnqueueCode>((events, release) => this.write(events, release), MAX_EVENTS_PER_WRITE, true);
  /**
   * The last drain job this edge opened, which may still take conversations until `until` (epoch ms), and its add
   * (a delivery that joins it answers once that add succeeded).
   */
  private open: { readonly id: string; readonly until: number; readonly added: Promise<void> } | null = null;

  constructor(
    private readonly redis: RedisClient,
    private readonly mailboxes: MailboxStore,
    private readonly drains: DrainJobs,
    private readonly settings: { readonly dedupeTtl: number; readonly enqueueTimeout: number; readonly gatherMs: number },
    private readonly logger: Logger,
  ) {
    this.outage = new RateLimitedLog((message) => this.logger.error(message));
  }

  /** @inheritdoc */
  async deliver(delivery: PreparedDelivery, summary: DispatchSummary): Promise<DispatchSummary> {
    if (delivery.events.length === 0) return summary;
    if (this.redis.status !== 'ready') this.refuse(`Redis is not connected (${this.redis.status})`);
    const now = Date.now();
    const events = delivery.events.map((prepared) => ({ eventId: prepared.meta.eventId, conversation: prepared.conversationKey, entry: encodeEntry(prepared, now) }));
    let codes: EnqueueCode[];
    try {
      // From the delivery's arrival: it may first wait for the script in flight before its own goes out.
      codes = await this.bounded(this.batch.submit(events));
    } catch (error) {
      this.refuse(error instanceof Error ? error.message : String(error));
    }
    if (this.outage.active) {
      const quiet = this.outage.reset();
      this.logger.log(`Queue: Redis takes deliveries again${quiet > 0 ? ` (${quiet} more were refused with 503 meanwhile)` : ''}`);
    }
    for (const code of codes) {
      if (code === EnqueueCode.QueuedFirst || code === EnqueueCode.QueuedBehind) summary.dispatched++;
      else summary.duplicates++;
    }
    return summary;
  }

  /**
   * One script call for the events of every delivery that arrived since the last one was answered (the edge has one
   * in flight at most, so each call knows the job the one before it opened), and the drain jobs for the conversations
   * it claims. While the last drain job this edge opened is still open (its gather window has not passed, so no worker
   * closed it), idle conversations join it and no job is added: at moderate rates several events share a BullMQ job,
   * and flat out jobs fill up. Otherwise the new jobs go out right behind the script on the same connection, so Redis
   * runs the script first and the edge waits one round trip, not two; a job whose conversations all turned out busy
   * has no open mark and an empty claims list, and completes at once. Only when joining fails (the job was closed
   * meanwhile, or is full) are new jobs added after the script. A delivery answers once every job its events went to
   * exists: a joined job's add may still be on its way, and if it fails, so does the delivery (503).
   */
  private async write(events: QueuedEvent[], release: () => void): Promise<EnqueueCode[]> {
    const prefix = this.drains.newId();
    const count = Math.ceil(events.length / CONVERSATIONS_PER_DRAIN);
    const started = Date.now();
    const open = this.open !== null && this.open.until > started ? this.open : null;
    const join = open?.id ?? '';
    const enqueued = this.mailboxes.enqueue(events, this.settings, prefix, CONVERSATIONS_PER_DRAIN, count, join);
    const jobs = new Map<string, null>(Array.from({ length: count }, (_unused, index) => [`${prefix}-${index}`, null]));
    const pipelined = join === '' ? this.drains.add(jobs) : null;
    // Awaited below, or its failure is the script's.
    pipelined?.catch(() => {});
    const { codes, owners } = await this.bounded(enqueued);
    // This write's jobs that took a conversation, in the order the script filled them.
    const taken = new Set(owners.filter((owner) => jobs.has(owner)));
    const adding = pipelined ?? (taken.size > 0 ? this.drains.add(new Map([...taken].map((job) => [job, null]))) : Promise.resolve());
    // The newest of them (the script fills jobs in order) is the one the next write may join, as soon as it goes.
    const newest = [...taken].at(-1);
    if (this.settings.gatherMs > 0 && newest) {
      const opened = { id: newest, until: started + this.settings.gatherMs, added: adding };
      this.open = opened;
      adding.catch(() => {
        if (this.open === opened) this.open = null;
      });
    }
    release();
    await this.bounded<unknown>(open !== null && owners.includes(open.id) ? Promise.all([adding, open.added]) : adding);
    const added = join === '' ? new Set(jobs.keys()) : new Set([join, ...taken]);
    // A redelivery whose conversation is owned by a job of an earlier write (perhaps of an edge that died before adding
    // it): add that job again, a no-op when it exists. Before the 200, like every job.
    const earlier = new Map<string, null>();
    codes.forEach((code, index) => {
      const owner = owners[index];
      if (code === EnqueueCode.DuplicateWaiting && owner && !added.has(owner)) earlier.set(owner, null);
    });
    if (earlier.size > 0) await this.bounded(this.drains.add(earlier));
    return codes;
  }

  private refuse(reason: string): never {
    this.outage.say(`Queue: answering 503 (Meta will deliver again) because Redis cannot take deliveries: ${reason}`);
    throw new DeliveryRefusedError(`Queue unavailable: ${reason}; deliver again later`);
  }

  /** Redis that hangs must not hold the webhook until Meta's own 20 s timeout. */
  private bounded<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within enqueueTimeout (${this.settings.enqueueTimeout} ms)`)), this.settings.enqueueTimeout);
    });
    // A late answer still completes the work (it cannot be recalled); the redelivery is then recognised as a duplicate.
    work.catch(() => {});
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }
}

/** The transport of a worker-only instance: it runs handlers but takes no deliveries. */
export class WorkerOnlyTransport implements DeliveryTransport {
  private readonly warning: RateLimitedLog;

  constructor(logger: Logger) {
    this.warning = new RateLimitedLog((message) => logger.warn(message));
  }

  /** @inheritdoc */
  deliver(): Promise<DispatchSummary> {
    const message = "this instance is a queue worker (queue.role: 'worker') and takes no deliveries: point Meta's callback URL at an edge";
    this.warning.say(`Queue: answering 503 to a delivery: ${message}`);
    return Promise.reject(new DeliveryRefusedError(`Not an edge: ${message}`));
  }
}
