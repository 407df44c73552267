import type { Logger } from '@nestjs/common';
import type { Redis as RedisClient } from 'ioredis';
import { DeliveryRefusedError, type DeliveryTransport } from '../dispatch/delivery-transport.js';
import type { DispatchSummary } from '../dispatch/messenger-dispatcher.js';
import type { PreparedDelivery } from '../dispatch/prepared-event.js';
import type { DrainJobs } from './drain-jobs.js';
import { EnqueueCode, type MailboxStore } from './mailbox-store.js';
import { encodeEntry } from './queued-entry.js';
import { RateLimitedLog } from './rate-limited-log.js';

/**
 * The edge of queue mode: puts every event of a delivery into its conversation's mailbox and dedupe mark in one Lua
 * script, schedules the drains of conversations that were idle, and only then lets the webhook answer `200`. When Redis
 * cannot take the delivery it rejects, so the webhook answers `503` and Meta delivers it again.
 */
export class QueueEdge implements DeliveryTransport {
  private readonly outage: RateLimitedLog;

  constructor(
    private readonly redis: RedisClient,
    private readonly mailboxes: MailboxStore,
    private readonly drains: DrainJobs,
    private readonly settings: { readonly dedupeTtl: number; readonly enqueueTimeout: number },
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
      codes = await this.bounded(this.mailboxes.enqueue(events, this.settings.dedupeTtl, now));
      const due = events.filter((_event, index) => codes[index] === EnqueueCode.QueuedFirst || codes[index] === EnqueueCode.DuplicateWaiting);
      // Before the 200: an event acknowledged without a drain scheduled could wait for the next event of its conversation.
      if (due.length > 0) await this.bounded(this.drains.schedule(due.map((event) => event.conversation)));
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
