import type { Type } from '@nestjs/common';
import type { EVENT_KINDS, UNKNOWN_KIND } from './event-kinds.js';

type Row = (typeof EVENT_KINDS)[number] | typeof UNKNOWN_KIND;
type EventClassOf<R> = R extends { eventClass: Type<infer T> } ? T : never;

/** Any event a handler can receive: the union of every event class of the event table. */
export type MessengerEvent = EventClassOf<Row>;

/** The events `@OnHandover` receives. */
export type HandoverEvent = EventClassOf<Extract<Row, { listener: 'handover' }>>;
