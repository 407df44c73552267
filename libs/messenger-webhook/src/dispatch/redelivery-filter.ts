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

  /** Whether the event was seen before; records it otherwise. A broken store lets the event through. */
  async isRedelivery(prepared: PreparedEvent): Promise<boolean> {
    let seen: boolean;
    try {
      if (prepared.dedupeKey === null) throw new Error('the event is too deeply nested to compute its key');
      // Computed once when the delivery was read (the event id is its digest).
      const answer = this.store.checkAndSet(prepared.dedupeKey, this.ttl);
      seen = typeof answer === 'boolean' ? answer : await answer;
    } catch (error) {
      // Handling an event twice beats losing it.
      this.logger.error(`Dedupe failed, handling the event anyway: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
    if (seen) this.logger.debug(`Dropped a redelivered ${prepared.definition.kind} event at ${slotPath(prepared.slot)}`);
    return seen;
  }
}
