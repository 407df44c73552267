import type { Logger } from '@nestjs/common';
import { slotPath } from '../delivery/envelope.js';
import type { DedupeStore } from './dedupe-store.js';
import type { PreparedEvent } from './prepared-event.js';

/** Recognises events Meta delivers again, from the raw event, before the costlier transform and validation. */
export class RedeliveryFilter {
  constructor(
    private readonly store: DedupeStore,
    private readonly ttl: number,
    private readonly logger: Logger,
  ) {}

  /**
   * Whether the event was seen before; records it otherwise. A broken store lets the event through. Answered at once
   * when the store answers at once (the in-memory store), else as a promise.
   */
  isRedelivery(prepared: PreparedEvent): boolean | Promise<boolean> {
    let answer: boolean | Promise<boolean>;
    try {
      if (prepared.dedupeKey === null) throw new Error('the event is too deeply nested to compute its key');
      // Computed once when the delivery was read (the event id is its digest).
      answer = this.store.checkAndSet(prepared.dedupeKey, this.ttl);
    } catch (error) {
      return this.failed(error);
    }
    if (typeof answer === 'boolean') return this.seen(prepared, answer);
    return Promise.resolve(answer).then(
      (seen) => this.seen(prepared, seen),
      (error: unknown) => this.failed(error),
    );
  }

  private seen(prepared: PreparedEvent, seen: boolean): boolean {
    if (seen) this.logger.debug(`Dropped a redelivered ${prepared.definition.kind} event at ${slotPath(prepared.slot)}`);
    return seen;
  }

  private failed(error: unknown): false {
    // Handling an event twice beats losing it.
    this.logger.error(`Dedupe failed, handling the event anyway: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
}
