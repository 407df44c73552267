import { isJsonObject } from '../delivery/json.js';
import type { EventSource } from '../events/messenger-context.js';
import type { EventProblem } from '../reading/field-types.js';
import { prepareEvent, type PreparedEvent } from '../dispatch/prepared-event.js';
import { platformOf } from '../delivery/envelope.js';

/** What a mailbox entry holds after its `<event id> <enqueued at> ` head: where the event sat, and the raw event. */
interface StoredEvent {
  /** The envelope's `object`. */
  o: string;
  /** The entry's id (page). */
  p: string;
  /** The entry's time (absent when unreadable). */
  t?: number;
  /** The list it came from. */
  s: EventSource;
  /** Entry index, item index (for log lines). */
  e: number;
  i: number;
  /** The raw event as Meta sent it (whatever stood in its list, for an event that cannot be read). */
  r: unknown;
  /** Why the event cannot be read at all (no entry id, not an object), so the worker delivers it as invalid too. */
  x?: EventProblem;
}

/**
 * Serialises one event for its mailbox: `<event id> <enqueued at ms> <json>`, so the Lua scripts can read the id and
 * the age without decoding the JSON. Only the raw event and where it sat are stored; the worker classifies it again
 * and builds the event instance there, so every enhancer and handler sees exactly what it would see in-process.
 */
export function encodeEntry(prepared: PreparedEvent, enqueuedAt: number): string {
  const { slot, meta } = prepared;
  const stored: StoredEvent = { o: meta.object, p: slot.pageId, t: slot.time, s: slot.source, e: slot.entryIndex, i: slot.index, r: slot.raw };
  if (slot.problem) stored.x = slot.problem;
  let json: string;
  try {
    json = JSON.stringify(stored);
  } catch (error) {
    // Too deep to serialise (JSON.parse took it, JSON.stringify overflows): keep a readable trace instead of losing it.
    json = JSON.stringify({ ...stored, r: { unserialisable: `the raw event could not be serialised: ${error instanceof Error ? error.message : String(error)}` } });
  }
  return `${meta.eventId} ${enqueuedAt} ${json}`;
}

/** A mailbox entry read back: its id, when it was enqueued, and the event ready for the runner. */
export interface DecodedEntry {
  readonly eventId: string;
  readonly enqueuedAt: number;
  readonly prepared: PreparedEvent;
}

/** Reads an entry back into a {@link PreparedEvent}; throws on an entry this library did not write. */
export function decodeEntry(entry: string): DecodedEntry {
  const first = entry.indexOf(' ');
  const second = entry.indexOf(' ', first + 1);
  if (first <= 0 || second <= first) throw new Error('not a queue entry');
  const eventId = entry.slice(0, first);
  const enqueuedAt = Number(entry.slice(first + 1, second));
  const stored: unknown = JSON.parse(entry.slice(second + 1));
  if (!isJsonObject(stored) || typeof stored.o !== 'string' || !('r' in stored)) throw new Error('not a queue entry');
  const { o, p, t, s, e, i, r, x } = stored as unknown as StoredEvent;
  const platform = platformOf(o);
  if (!platform) throw new Error(`queue entry of an unknown object "${o}"`);
  const prepared = prepareEvent(x ? { raw: r, source: s, pageId: p, time: t, entryIndex: e, index: i, problem: x } : { raw: r, source: s, pageId: p, time: t, entryIndex: e, index: i }, platform, o);
  // The id given at the edge stays the id: a worker of another version must not rename the event.
  return { eventId, enqueuedAt, prepared: { ...prepared, meta: { ...prepared.meta, eventId } } };
}

/** The event id of an entry, without decoding it. */
export function entryId(entry: string): string {
  return entry.slice(0, entry.indexOf(' '));
}
