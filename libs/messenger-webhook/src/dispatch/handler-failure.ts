import type { EventKind } from '../events/event-kinds.js';
import type { MessengerContext } from '../events/messenger-context.js';

/** One handler call that failed and that no exception filter handled: what the library logs and reports. */
export interface HandlerFailure {
  /** Why: the handler threw or rejected, or it ran past `handlerTimeout`. */
  readonly reason: 'error' | 'timeout';
  /** The error thrown (for a timeout, an Error describing it). */
  readonly error: unknown;
  /** What the handler's exception filter threw while handling `error`, if it threw something else. */
  readonly filterError?: unknown;
  /** `Class.method` of the handler. */
  readonly handler: string;
  /** The event type. */
  readonly kind: EventKind;
  /** The message id the event refers to, where it has one. */
  readonly mid?: string;
  /** The entry's page (or Instagram account) id. */
  readonly pageId: string;
  /** The event's stable id ({@link MessengerContext.eventId}). */
  readonly eventId: string;
  /** The event instance the handler received. */
  readonly event: object;
}
