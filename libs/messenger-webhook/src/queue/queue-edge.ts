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

/** Failed drain job adds an edge remembers, the latest ones (an outage's worth; each is a job id). */
const MAX_FAILED_ADDS = 10_000;

/** Events one enqueue script takes at most (several deliveries that arrived together share one). */
const MAX_EVENTS_PER_WRITE = 1_000;

/** A drain job an edge opened: joinable until `until` (epoch ms), with `size` conversations the edge put in it. */
interface OpenJob {
  readonly id: string;
  readonly until: number;
  readonly size: number;
}

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
 * and what arrives meanwhile goes in the next. When Redis cannot take the delivery it rejects, so the webhook answers
 * `503` and Meta delivers it again.
 */
export class QueueEdge implements DeliveryTransport {
  private readonly outage: RateLimitedLog;
  private readonly batch = new TurnBatch<QueuedEvent, EnqueueCode>((events, release) => this.write(events, release), MAX_EVENTS_PER_WRITE, true);
  /** The last drain job this edge opened, which may still take conversations (see {@link QueueEdge.remember}). */
  private open: OpenJob | null = null;
  /** The adds of drain jobs on their way, by job id. */
  private readonly inFlight = new Map<string, Promise<void>>();
  /**
   * Drain jobs whose last add failed here (conversations may be owned by them): a write whose events went to one adds
   * it again. Only this edge's: an owner that may be a worker's job (a hand-over, a retry waiting out its backoff) is
   * never added by an edge, which would add it without its conversations or its delay.
   */
  private readonly failedAdds = new Set<string>();

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
      codes = await this.bounded(this.batch.submit(events, Date.now() + this.settings.enqueueTimeout));
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
   * closed it) and not full, idle conversations join it and no job is added: at moderate rates several events share a
   * BullMQ job, and flat out jobs fill up. Otherwise the new jobs go out right behind the script on the same
   * connection, so Redis runs the script first and the edge waits one round trip, not two; a job whose conversations
   * all turned out busy has no open mark and an empty claims list, and completes at once. Only when joining fails (a
   * worker closed the job meanwhile) are new jobs added after the script. A delivery answers once every job its events
   * went to exists: the add of a job the edge opened just before may still be on its way, and if it fails, so does the
   * delivery (503).
   */
  private async write(events: QueuedEvent[], release: () => void): Promise<EnqueueCode[]> {
    const prefix = this.drains.newId();
    const count = Math.ceil(events.length / CONVERSATIONS_PER_DRAIN);
    const started = Date.now();
    const open = this.open !== null && this.open.until > started ? this.open : null;
    const join = open?.id ?? '';
    const enqueued = this.mailboxes.enqueue(events, this.settings, prefix, CONVERSATIONS_PER_DRAIN, count, join);
    const jobs = new Set(Array.from({ length: count }, (_unused, index) => `${prefix}-${index}`));
    const pipelined = join === '' ? this.adding([...jobs]) : null;
    let reply: Awaited<typeof enqueued>;
    try {
      reply = await this.bounded(enqueued);
    } catch (error) {
      // A script that timed out may still run and claim conversations for these jobs: add them behind it, on the same
      // connection (those that took nothing complete at once).
      if (pipelined === null) this.adding([...jobs]).catch(() => {});
      throw error;
    }
    const { codes, owners } = reply;
    // This write's jobs that took a conversation, in the order the script filled them.
    const taken = [...new Set(owners.filter((owner) => jobs.has(owner)))];
    const own = pipelined ?? (taken.length > 0 ? this.adding(taken) : null);
    this.remember(open, taken, codes, owners, started);
    release();
    // Every job this write's events went to must exist before the 200: its own adds; another write's add still on its
    // way (the job it joined, the owner of a conversation another write just claimed); and a job whose add failed, or
    // the owner of a redelivery's waiting conversation (perhaps the job of an edge that died before adding it): those
    // are added again, a no-op when they exist.
    const waits = new Set<Promise<void>>(own ? [own] : []);
    const again = new Set<string>();
    codes.forEach((code, index) => {
      const owner = owners[index];
      if (!owner || jobs.has(owner)) return;
      const adding = this.inFlight.get(owner);
      if (adding) waits.add(adding);
      else if (this.failedAdds.has(owner) || code === EnqueueCode.DuplicateWaiting) again.add(owner);
    });
    if (again.size > 0) waits.add(this.adding([...again]));
    await this.bounded(Promise.all(waits));
    return codes;
  }

  /**
   * Adds drain jobs and keeps the add, by job id, while it is on its way, so a later write whose events went to one of
   * them can wait for it. A failed add also stops the edge offering its job for joining.
   */
  private adding(jobIds: readonly string[]): Promise<void> {
    const add = this.drains.add(new Map(jobIds.map((jobId) => [jobId, null])));
    for (const jobId of jobIds) this.inFlight.set(jobId, add);
    const settle = (failed: boolean) => {
      for (const jobId of jobIds) {
        if (this.inFlight.get(jobId) === add) this.inFlight.delete(jobId);
        // Deleted first, so a job that fails again moves to the newest end.
        this.failedAdds.delete(jobId);
        if (failed) this.failedAdds.add(jobId);
      }
      // Oldest first: a job that failed long ago has had its deliveries refused, and their redeliveries add it again.
      for (const jobId of this.failedAdds) {
        if (this.failedAdds.size <= MAX_FAILED_ADDS) break;
        this.failedAdds.delete(jobId);
      }
      if (failed && this.open && jobIds.includes(this.open.id)) this.open = null;
    };
    add.then(
      () => settle(false),
      () => settle(true),
    );
    return add;
  }

  /**
   * Which job the next write may join: the newest this write opened (the script fills jobs in order), or the one it
   * joined, for the rest of its window, as long as it is not full (a full job would make the next write add its new
   * jobs after its script instead of right behind it).
   */
  private remember(open: OpenJob | null, taken: readonly string[], codes: readonly EnqueueCode[], owners: readonly string[], started: number): void {
    const claimedBy = (job: string) => codes.filter((code, index) => code === EnqueueCode.QueuedFirst && owners[index] === job).length;
    const newest = taken.at(-1);
    let next: OpenJob | null = open;
    if (newest) next = { id: newest, until: started + this.settings.gatherMs, size: claimedBy(newest) };
    else if (open) next = { ...open, size: open.size + claimedBy(open.id) };
    // A job whose add failed (perhaps before this script was answered) is never offered.
    this.open = this.settings.gatherMs > 0 && next !== null && next.size < CONVERSATIONS_PER_DRAIN && !this.failedAdds.has(next.id) ? next : null;
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
