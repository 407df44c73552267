import { isJsonObject, type JsonObject } from './json.js';
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
  /** The event object as Meta sent it (a `changes[]` item for `source: 'changes'`). */
  readonly raw: JsonObject;
  /** Which list of the entry held it. */
  readonly source: EventSource;
  /** The entry's id. */
  readonly pageId: string;
  /** The entry's time. */
  readonly time: number;
  /** Index of its entry in `entry[]`. */
  readonly entryIndex: number;
  /** Index in its list. */
  readonly index: number;
}

/** Where in the body a slot sat, e.g. `entry[0].messaging[2]`: built only when a log line needs it, not per event. */
export function slotPath(slot: RawEventSlot): string {
  return `entry[${slot.entryIndex}].${slot.source}[${slot.index}]`;
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
 * Lists every event of every entry, in order, and what had to be skipped. A malformed entry or item costs only
 * itself: the events beside it are still listed.
 */
export function eventSlots(envelope: WebhookEnvelope): { slots: RawEventSlot[]; problems: string[] } {
  const slots: RawEventSlot[] = [];
  const problems: string[] = [];
  envelope.entry.forEach((entry, entryIndex) => {
    const at = `entry[${entryIndex}]`;
    if (!isJsonObject(entry)) return void problems.push(`${at} is not an object`);
    const pageId = typeof entry.id === 'string' ? entry.id : typeof entry.id === 'number' ? String(entry.id) : null;
    if (pageId === null || pageId === '') return void problems.push(`${at}.id must be a string`);
    const time = typeof entry.time === 'number' ? entry.time : typeof entry.time === 'string' ? Number(entry.time) : Number.NaN;
    if (!Number.isFinite(time)) return void problems.push(`${at}.time must be a number`);
    for (const source of LISTS) {
      const list = entry[source];
      if (list === undefined) continue;
      if (!Array.isArray(list)) {
        problems.push(`${at}.${source} must be an array`);
        continue;
      }
      list.forEach((raw: unknown, index) => {
        if (isJsonObject(raw)) slots.push({ raw, source, pageId, time, entryIndex, index });
        else problems.push(`${at}.${source}[${index}] is not an object`);
      });
    }
  });
  return { slots, problems };
}
