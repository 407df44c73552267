import { eventSlots, platformOf, type RawEventSlot, type WebhookEnvelope } from '../delivery/envelope.js';
import { isJsonObject, readPath, type JsonObject } from '../delivery/json.js';
import { classify, classifyChange } from '../events/classify.js';
import { fieldOf, payloadOf, UNKNOWN_KIND, type AnyEventKind } from '../events/event-kinds.js';
import type { MessengerContext } from '../events/messenger-context.js';
import { senderOf } from '../events/sender-of.js';
import { readId } from '../reading/coercions.js';

/** Where an event came from and what it is, before it is turned into its class: plain data, so it can be queued. */
export type EventMeta = Omit<MessengerContext, 'params'>;

/** One raw event of a delivery, classified, with the facts scheduling and deduplication need. */
export interface PreparedEvent {
  /** The row of the event table it belongs to. */
  readonly definition: AnyEventKind;
  /** What its class is read from: the event as Meta sent it (for a messaging field of `changes[]`, the item's `value`). */
  readonly raw: unknown;
  /** Where it came from (platform, page, list, kind, field). */
  readonly meta: EventMeta;
  /** Where it sat in the body, for log lines. */
  readonly slot: RawEventSlot;
  /** Events with the same key are handled one at a time, in arrival order: page plus the person on the other side. */
  readonly conversationKey: string;
}

/** The events of one delivery, ready to schedule. */
export interface PreparedDelivery {
  /** `null` when the envelope's `object` is not one this library handles. */
  readonly platform: MessengerContext['platform'] | null;
  /** Every event found, in body order, unreadable ones included (their slot says why). */
  readonly events: PreparedEvent[];
}

/** Reads and classifies every event of a delivery. Pure. */
export function prepareDelivery(envelope: WebhookEnvelope): PreparedDelivery {
  const platform = platformOf(envelope.object);
  if (!platform) return { platform: null, events: [] };
  const slots = eventSlots(envelope);
  const events = new Array<PreparedEvent>(slots.length);
  for (let index = 0; index < slots.length; index++) events[index] = prepareEvent(slots[index]!, platform, envelope.object);
  return { platform, events };
}

/** Classifies one raw event and works out its conversation. Pure. */
export function prepareEvent(slot: RawEventSlot, platform: MessengerContext['platform'], object: string): PreparedEvent {
  let definition: AnyEventKind = UNKNOWN_KIND;
  let raw: unknown = slot.raw;
  let field = '';
  let standby = slot.source === 'standby';
  if (isJsonObject(raw)) {
    if (slot.source === 'changes') {
      const target = classifyChange(raw);
      ({ definition, field, standby } = target);
      raw = target.event;
    } else {
      definition = classify(raw);
      field = standby ? 'standby' : fieldOf(definition, platform);
    }
  }
  const meta: EventMeta = { platform, object, pageId: slot.pageId, time: slot.time, standby, source: slot.source, kind: definition.kind, field };
  const person = isJsonObject(raw) ? conversationOf(definition, raw) : '';
  return { definition, raw, meta, slot, conversationKey: `${object}|${slot.pageId}|${person}` };
}

/** The person on the other side of the conversation: the recipient of an echo, the sender (or commenter) of anything else. */
export function conversationOf(definition: AnyEventKind, raw: JsonObject): string {
  if (definition.kind === 'echo') return readId(readPath(raw, 'recipient', 'id') ?? readPath(raw, 'recipient', 'user_ref')) ?? '';
  return senderOf(raw) ?? '';
}

/** The message id the event refers to, where it has one (for failure reports). */
export function midOf(definition: AnyEventKind, raw: unknown): string | undefined {
  return isJsonObject(raw) ? readId(payloadOf(definition, raw)?.mid) : undefined;
}
