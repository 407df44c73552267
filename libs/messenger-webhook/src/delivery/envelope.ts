import { isJsonObject } from './json.js';
import { readId, readTimestamp } from '../reading/coercions.js';
import type { EventProblem } from '../reading/field-types.js';
import type { EventSource, MessengerPlatform } from '../events/messenger-context.js';

/** The body of a delivery once its outer shape is known to be right. */
export interface WebhookEnvelope {
  /** `"page"` (Messenger) or `"instagram"`. */
  object: string;
  /** One or more entries; Meta batches. */
  entry: unknown[];
}

/** One raw event of a delivery, with where it came from. */
export interface RawEventSlot {
  /** The event as Meta sent it: an item of its list (a `changes[]` item for `source: 'changes'`), or whatever stood there. */
  readonly raw: unknown;
  /** Which list of the entry held it; `'changes'` also for an entry's flat `field` / `value`. */
  readonly source: EventSource;
  /** The entry's id (numbers read as strings); `''` when it has none. */
  readonly pageId: string;
  /** The entry's time in epoch ms (numbers, numeric strings, ISO dates); `undefined` when unreadable: it costs nothing. */
  readonly time: number | undefined;
  /** Index of its entry in `entry[]`. */
  readonly entryIndex: number;
  /** Index in its list; `-1` for what stands for the entry itself (its flat `field` / `value`, or an unreadable entry). */
  readonly index: number;
  /** Why this slot cannot become an event at all (not an object, no entry id, a list that is not an array). */
  readonly problem?: EventProblem;
}

/** Where in the body a slot sat, e.g. `entry[0].messaging[2]`: built only when a log line needs it, not per event. */
export function slotPath(slot: RawEventSlot): string {
  return slot.index < 0 ? `entry[${slot.entryIndex}]` : `entry[${slot.entryIndex}].${slot.source}[${slot.index}]`;
}

/** Says what is wrong with a body's outer shape, or `null` when it is a webhook envelope. */
export function envelopeProblem(body: unknown): string | null {
  if (!isJsonObject(body)) return 'body must be a JSON object with "object" and "entry"';
  if (typeof body.object !== 'string') return 'body.object must be a string ("page" or "instagram")';
  if (!Array.isArray(body.entry)) return 'body.entry must be an array';
  return null;
}

/** The platform of an envelope's `object`, or `null` for objects this library does not handle. */
export function platformOf(object: string): MessengerPlatform | null {
  return object === 'page' ? 'messenger' : object === 'instagram' ? 'instagram' : null;
}

const LISTS: readonly EventSource[] = ['messaging', 'standby', 'changes'];

/**
 * Lists every event of every entry, in order: the items of `messaging[]`, `standby[]` and `changes[]`, and an entry's
 * flat `field` / `value` as one more `changes` item. Whatever cannot be an event (an entry or item that is not an
 * object, a list that is not an array, an entry without id) is listed too, with its problem, so that it still reaches
 * a handler as an invalid event. An unreadable `time` costs nothing. Pure.
 */
export function eventSlots(envelope: WebhookEnvelope): RawEventSlot[] {
  const slots: RawEventSlot[] = [];
  const entries = envelope.entry;
  for (let entryIndex = 0; entryIndex < entries.length; entryIndex++) {
    const entry: unknown = entries[entryIndex];
    if (!isJsonObject(entry)) {
      slots.push({ raw: entry, source: 'messaging', pageId: '', time: undefined, entryIndex, index: -1, problem: { path: '', message: 'is not an object (an entry must be one)' } });
      continue;
    }
    const id = readId(entry.id);
    const pageId = id ?? '';
    const problem: EventProblem | undefined =
      id === undefined || id === '' ? { path: '', message: `its entry has no id (entry[${entryIndex}].id must be a string or a number): whose event it is is unknown` } : undefined;
    const time = readTimestamp(entry.time);
    for (const source of LISTS) {
      const list = entry[source];
      if (list === undefined) continue;
      if (!Array.isArray(list)) {
        slots.push({ raw: list, source, pageId, time, entryIndex, index: -1, problem: { path: '', message: `entry[${entryIndex}].${source} must be an array` } });
        continue;
      }
      for (let index = 0; index < list.length; index++) {
        const raw: unknown = list[index];
        const itemProblem = isJsonObject(raw) ? problem : { path: '', message: 'is not an object (an event must be one)' };
        slots.push(itemProblem ? { raw, source, pageId, time, entryIndex, index, problem: itemProblem } : { raw, source, pageId, time, entryIndex, index });
      }
    }
    // Instagram API with Instagram Login may put one change on the entry itself, with no `changes[]` array.
    if (entry.field !== undefined || entry.value !== undefined) {
      const raw = { field: entry.field, value: entry.value };
      slots.push(problem ? { raw, source: 'changes', pageId, time, entryIndex, index: -1, problem } : { raw, source: 'changes', pageId, time, entryIndex, index: -1 });
    }
  }
  return slots;
}
