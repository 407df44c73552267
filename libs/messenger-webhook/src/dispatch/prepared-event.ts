import { eventSlots, platformOf, type RawEventSlot, type WebhookEnvelope } from '../delivery/envelope.js';
import { idString, readPath, type JsonObject } from '../delivery/json.js';
import { classify, type AnyEventKind } from '../events/classify.js';
import { payloadOf } from '../events/event-kinds.js';
import type { MessengerContext } from '../events/messenger-context.js';
import { senderOf } from '../handlers/params.factory.js';
import { eventKeys } from './dedupe-key.js';

/** Where an event came from and what it is, before it is turned into its class: plain data, so it can be queued. */
export type EventMeta = Omit<MessengerContext, 'params' | 'reply'>;

/** One raw event of a delivery, classified, with the facts scheduling and deduplication need. */
export interface PreparedEvent {
  /** The row of the event table it belongs to. */
  readonly definition: AnyEventKind;
  /** The event object as Meta sent it. */
  readonly raw: JsonObject;
  /** Where it came from (platform, page, list, kind, field). */
  readonly meta: EventMeta;
  /** Where it sat in the body, for log lines. */
  readonly slot: RawEventSlot;
  /** Events with the same key are handled one at a time, in arrival order: page plus the person on the other side. */
  readonly conversationKey: string;
  /** What redeliveries of this event share (see `dedupeKey`), computed once; `null` when it cannot be computed. */
  readonly dedupeKey: string | null;
}

/** The events of one delivery, ready to schedule, and what had to be skipped. */
export interface PreparedDelivery {
  /** `null` when the envelope's `object` is not one this library handles. */
  readonly platform: MessengerContext['platform'] | null;
  /** Every event found, in body order. */
  readonly events: PreparedEvent[];
  /** Entries or items that could not be read at all. */
  readonly problems: string[];
}

/** Reads and classifies every event of a delivery. Pure. */
export function prepareDelivery(envelope: WebhookEnvelope): PreparedDelivery {
  const platform = platformOf(envelope.object);
  if (!platform) return { platform: null, events: [], problems: [] };
  const { slots, problems } = eventSlots(envelope);
  const events = slots.map((slot) => prepareEvent(slot, platform, envelope.object));
  return { platform, events, problems };
}

/** Classifies one raw event and works out its conversation. Pure. */
export function prepareEvent(slot: RawEventSlot, platform: MessengerContext['platform'], object: string): PreparedEvent {
  const definition = classify(slot.raw, slot.source === 'changes' ? 'changes' : 'messaging');
  const standby = slot.source === 'standby';
  const keys = eventKeys({ definition, raw: slot.raw, meta: { object, pageId: slot.pageId, standby } });
  const meta: EventMeta = {
    platform,
    object,
    pageId: slot.pageId,
    time: slot.time,
    standby,
    source: slot.source,
    kind: definition.kind,
    field: definition.field,
    eventId: keys.eventId,
  };
  const conversationKey = `${object}|${slot.pageId}|${conversationOf(definition, slot.raw)}`;
  return { definition, raw: slot.raw, meta, slot, conversationKey, dedupeKey: keys.dedupeKey };
}

/** The person on the other side of the conversation: the recipient of an echo, the sender of anything else. */
export function conversationOf(definition: AnyEventKind, raw: JsonObject): string {
  if (definition.kind === 'echo') return idString(readPath(raw, 'recipient', 'id') ?? readPath(raw, 'recipient', 'user_ref')) ?? '';
  return senderOf(raw) ?? '';
}

/** The message id the event refers to, where it has one (for failure reports). */
export function midOf(definition: AnyEventKind, raw: JsonObject): string | undefined {
  const mid = payloadOf(definition, raw)?.mid;
  return typeof mid === 'string' ? mid : undefined;
}
