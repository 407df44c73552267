/** An event whose attempts ran out, as {@link MessengerDeadLetters} shows it. */
export interface DeadLetter {
  /** The event's stable id (`ctx.eventId` in handlers). */
  readonly eventId: string;
  /** Its conversation: `object|page|person`. */
  readonly conversation: string;
  /** The event type. */
  readonly kind: string;
  /** The entry's page (or Instagram account) id. */
  readonly pageId: string;
  /** The last failure (handler and message). */
  readonly error: string;
  /** How many times it was started. */
  readonly attempts: number;
  /** When it was dead-lettered. */
  readonly failedAt: Date;
  /** When it was first enqueued. */
  readonly enqueuedAt: Date;
  /** Whether its conversation waits for it to be replayed or dropped (`onDeadLetter: 'block'`). */
  readonly blocking: boolean;
  /** The event as Meta sent it. */
  readonly raw: Record<string, unknown>;
}
