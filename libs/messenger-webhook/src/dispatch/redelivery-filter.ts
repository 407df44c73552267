import type { Logger } from '@nestjs/common';
import { slotPath } from '../delivery/envelope.js';
import type { DedupeStore } from './dedupe-store.js';
import { dedupeKey } from './dedupe-key.js';
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
      // Inside the try: the key hashes the raw event, and JSON.stringify overflows the stack on deep nesting.
      const answer = this.store.checkAndSet(dedupeKey(prepared), this.ttl);
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
