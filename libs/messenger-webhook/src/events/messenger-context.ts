import type { EventKind } from './event-kinds.js';

/** Which Meta product a delivery came from: `object: "page"` is Messenger, `object: "instagram"` is Instagram. */
export type MessengerPlatform = 'messenger' | 'instagram';

/** Which list of the entry an event came from: `'changes'` also for an entry's flat `field` / `value`. */
export type EventSource = 'messaging' | 'standby' | 'changes';

/** What a handler knows about an event besides the event itself: where it came from and what its filter captured. */
export interface MessengerContext {
  /** `'messenger'` for `object: "page"`, `'instagram'` for `object: "instagram"`. */
  readonly platform: MessengerPlatform;
  /** The envelope's `object` exactly as Meta sent it. */
  readonly object: string;
  /** The entry's `id`: the Page id (Messenger) or the professional account id (Instagram); numbers read as strings. */
  readonly pageId: string;
  /** The entry's `time` in epoch milliseconds (numeric strings and ISO dates read as such); `undefined` when unreadable. */
  readonly time: number | undefined;
  /** True when this app is not the thread owner (Handover Protocol): the event came from `standby[]` or field `standby`. */
  readonly standby: boolean;
  /** Where the event sat: `messaging[]`, `standby[]`, or `changes[]` (an item, or an entry's flat `field` / `value`). */
  readonly source: EventSource;
  /** The event type, as classified by the library (`'message'`, `'echo'`, `'unknown'`, `'invalid'`, ...). */
  readonly kind: EventKind;
  /** The webhook field: as Meta sent it for `changes[]` items, else the field that delivers this kind (`'messages'`, ...). */
  readonly field: string;
  /** Values captured by the handler's filter (`{name}` placeholders and RegExp named groups). */
  readonly params: Readonly<Record<string, string>>;
}
