import { slotPath } from '../delivery/envelope.js';
import { InvalidEvent } from '../events/invalid-event.js';
import type { MessengerEvent } from '../events/messenger-event.js';
import type { PreparedEvent } from '../dispatch/prepared-event.js';
import { readerOf } from './class-reader.js';

/**
 * Turns a prepared event into its class: coerced, validated and instantiated in one pass. An event that cannot be
 * read (or, with `validate`, that has any problem) becomes an {@link InvalidEvent} naming the kind it would have been
 * and every problem; without `validate` the instance is kept as read, wrong values as sent. Never throws on input.
 */
export function readEvent(prepared: PreparedEvent, validate: boolean): MessengerEvent {
  const { definition, raw, slot } = prepared;
  if (slot.problem) return new InvalidEvent(definition.kind, raw, [slot.problem], slotPath(slot));
  const { value, problems } = readerOf(definition.eventClass as never)(raw);
  if (!problems || (!validate && value !== raw)) return value as MessengerEvent;
  return new InvalidEvent(definition.kind, raw, problems, locationOf(prepared));
}

/** Where the event read sat: its slot, plus `.value` for a messaging event delivered as a `changes[]` item. */
export function locationOf({ definition, slot }: PreparedEvent): string {
  const path = slotPath(slot);
  return slot.source === 'changes' && definition.source === 'messaging' ? `${path}.value` : path;
}
