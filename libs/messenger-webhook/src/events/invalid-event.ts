import type { EventProblem } from '../reading/field-types.js';
import type { EventKind } from './event-kinds.js';

/**
 * An event of a signed delivery that could not be read into its class. It is never dropped: it reaches `@OnEvent()`
 * and `@OnInvalidEvent()` (unless `invalidEvents: 'skip'`), the `invalidEvents$` stream and the `onInvalidEvent` hook,
 * with everything needed to see why.
 */
export class InvalidEvent {
  constructor(
    /** The kind it would have been (`'unknown'` when nothing in it said). */
    readonly kind: Exclude<EventKind, 'invalid'>,
    /** The event exactly as Meta sent it (for a messaging event delivered in `changes[]`, the item's `value`). */
    readonly raw: unknown,
    /** What is wrong: paths from the event (`message.mid`) and messages (`must be a string`). */
    readonly problems: readonly EventProblem[],
    /** Where it sat in the delivery, e.g. `entry[0].messaging[3]` or `entry[1].changes[0].value`. */
    readonly location: string,
  ) {}
}
