import type { Type } from '@nestjs/common';
import type { AnyEventKind, EventKind, ListenerName } from './event-kinds.js';
import type { InvalidEvent } from './invalid-event.js';

type InstanceOf<R> = R extends { readonly eventClass: Type<infer T> } ? T : never;

/** Any event a handler can receive: the union of every event class of the event table, and {@link InvalidEvent}. */
export type MessengerEvent = InstanceOf<AnyEventKind> | InvalidEvent;

/** The class of the events of one kind: `EventOfKind<'postback'>` is `PostbackEvent`. */
export type EventOfKind<K extends EventKind> = K extends 'invalid' ? InvalidEvent : InstanceOf<Extract<AnyEventKind, { readonly kind: K }>>;

/** The kinds of the messaging events (the ones `standby[]` can carry). */
export type MessagingEventKind = Extract<AnyEventKind, { readonly source: 'messaging' }>['kind'];

/** The event kinds a listener receives: `KindOfListener<'handover'>` is the four handover kinds. */
export type KindOfListener<L extends ListenerName> = L extends 'event'
  ? EventKind
  : L extends 'standby'
    ? MessagingEventKind
    : L extends 'invalid'
      ? Exclude<EventKind, 'invalid'>
      : Extract<AnyEventKind, { readonly listener: L }>['kind'];

/** The events a listener's handlers receive: `EventOfListener<'postback'>` is `PostbackEvent`. */
export type EventOfListener<L extends ListenerName> = L extends 'event'
  ? MessengerEvent
  : L extends 'invalid'
    ? InvalidEvent
    : EventOfKind<KindOfListener<L>>;

/** The events `@OnHandover` receives. */
export type HandoverEvent = EventOfListener<'handover'>;
