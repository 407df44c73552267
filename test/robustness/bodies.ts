import { invalidRawEvents, rawEvents, type RawEvent } from '../../libs/messenger-webhook/test/fixtures/raw-events.js';
import { cloneJson, deepArray, deepObject, isRecord, RawJson, toJsonText, withOwnKey, type Json, type JsonRecord } from './json-text.js';
import type { Prng } from './prng.js';

/** Keys a prototype-pollution payload tries to plant on `Object.prototype`; each must stay undefined on `{}`. */
export const POLLUTION_PROBES = ['polluted', 'pwned', 'isAdmin'] as const;

/** Size of the "huge string" replacement. */
export const HUGE_STRING_LENGTH = 100 * 1024;
/** Depth of the deep-nesting replacements. */
export const DEEP_NESTING = 5_000;

const ALL_FIXTURES: RawEvent[] = [
  ...Object.values(rawEvents).flat(),
  ...Object.values(invalidRawEvents).flatMap((list) => list ?? []),
];
/** Items of `entry.changes[]` carry `field`; everything else goes to `messaging[]` / `standby[]`. */
const CHANGE_FIXTURES = ALL_FIXTURES.filter((raw) => 'field' in raw);
const MESSAGING_FIXTURES = ALL_FIXTURES.filter((raw) => !('field' in raw));
const VALID_MESSAGING = Object.entries(rawEvents)
  .filter(([kind]) => kind !== 'template_status_update')
  .flatMap(([, list]) => list)
  .filter((raw) => !('field' in raw));
const VALID_TEMPLATE_UPDATES = rawEvents.template_status_update;

/** The lists of an entry that carry events. */
export type EventList = 'messaging' | 'standby' | 'changes';

function pollutionPayloads(): Json[] {
  const probe = (name: string): JsonRecord => ({ [name]: 'yes' });
  return [
    withOwnKey({}, '__proto__', probe('polluted')),
    withOwnKey({ mid: 'x' }, '__proto__', withOwnKey({}, '__proto__', probe('pwned'))),
    { constructor: { prototype: probe('isAdmin') } },
    { prototype: probe('polluted') },
    withOwnKey({}, '__proto__', [probe('pwned')]),
  ];
}

/** Whether generated bodies may carry own `__proto__` / `constructor.prototype` keys. */
export interface PoisonOption {
  /** `false` where the framework refuses such bodies whole (Fastify), so the valid events around them can be checked. */
  poisonKeys: boolean;
}

/** Replacement values for one field: every JSON type, extremes of each, and hostile shapes. */
export function replacementValue(rng: Prng, options: PoisonOption): Json {
  return rng.weighted<() => Json>([
    [3, () => rng.pick([0, -1, 1.5, 1e308, -1e-7, 2 ** 53 + 1, 1_700_000_000_000])],
    [3, () => rng.pick(['', 'x', 'page', '0', 'null', 'true', '\u0000', '\ud800', 'é/\u2028', 'sha256=00'])],
    [2, () => null],
    [2, () => rng.chance(0.5)],
    [2, () => rng.pick<() => Json>([() => [], () => [1, 'a', null], () => [{}], () => [[]], () => [{ mid: 'm' }]])()],
    [2, () => rng.pick<() => Json>([() => ({}), () => ({ a: 1 }), () => ({ id: {} }), () => ({ mid: ['m'] })])()],
    [1, () => rng.pick(['x', 'é', '🙂']).repeat(HUGE_STRING_LENGTH)],
    [1, () => (rng.chance(0.5) ? deepArray(DEEP_NESTING) : deepObject(DEEP_NESTING))],
    [options.poisonKeys ? 1.5 : 0, () => rng.pick(pollutionPayloads())],
  ])();
}

/** A place in a JSON tree: `parent[key]`. */
interface Slot {
  parent: Json[] | JsonRecord;
  key: string | number;
}

function slotsOf(root: Json, into: Slot[] = []): Slot[] {
  if (Array.isArray(root)) {
    root.forEach((child, index) => {
      into.push({ parent: root, key: index });
      slotsOf(child, into);
    });
  } else if (isRecord(root)) {
    for (const key of Object.keys(root)) {
      into.push({ parent: root, key });
      slotsOf(root[key]!, into);
    }
  }
  return into;
}

function objectsOf(root: Json, into: JsonRecord[] = []): JsonRecord[] {
  if (Array.isArray(root)) for (const child of root) objectsOf(child, into);
  else if (isRecord(root)) {
    into.push(root);
    for (const key of Object.keys(root)) objectsOf(root[key]!, into);
  }
  return into;
}

function setSlot(slot: Slot, value: Json): void {
  if (Array.isArray(slot.parent)) slot.parent[slot.key as number] = value;
  else withOwnKey(slot.parent, slot.key as string, value);
}

/** Mutates one raw event in place: a field replaced, a key removed, an array or a poison key put where an object was. */
export function mutateEvent(rng: Prng, event: JsonRecord, options: PoisonOption): string {
  const slots = slotsOf(event);
  const action = rng.weighted<'replace' | 'remove' | 'poison'>([
    [7, 'replace'],
    [1.5, 'remove'],
    [options.poisonKeys ? 1.5 : 0, 'poison'],
  ]);
  if (action === 'poison') {
    const target = rng.pick(objectsOf(event));
    const key = rng.pick(['__proto__', 'constructor', 'prototype']);
    withOwnKey(target, key, key === 'constructor' ? { prototype: { polluted: 'yes' } } : { polluted: 'yes', pwned: 'yes' });
    return `event: own "${key}" key`;
  }
  // Earlier removals can leave an empty event: then a field is added rather than replaced.
  const slot = slots.length > 0 ? rng.pick(slots) : { parent: event, key: rng.pick(['sender', 'message', 'timestamp']) };
  if (action === 'remove' && !Array.isArray(slot.parent)) {
    delete slot.parent[slot.key as string];
    return `event: removed "${String(slot.key)}"`;
  }
  const value = replacementValue(rng, options);
  setSlot(slot, value);
  return `event: "${String(slot.key)}" := ${describeValue(value)}`;
}

function describeValue(value: Json): string {
  if (value instanceof RawJson) return `deep nesting (${value.text.length} chars)`;
  if (typeof value === 'string' && value.length > 100) return `huge string (${value.length} chars)`;
  const text = toJsonText(value);
  return text.length > 60 ? `${text.slice(0, 60)}...` : text;
}

/** A fixture event of the given list, deep-copied so it can be mutated. */
export function fixtureEvent(rng: Prng, list: EventList): JsonRecord {
  return cloneJson(rng.pick(list === 'changes' ? CHANGE_FIXTURES : MESSAGING_FIXTURES)) as JsonRecord;
}

/**
 * Gives a fixture event its own timestamp and mid (below {@link MARKER_BASE}), so the dedupe store does not drop it
 * as a redelivery of an earlier copy and it really goes through validation and the handlers.
 */
function uniqueEvent(rng: Prng, event: JsonRecord): JsonRecord {
  const n = rng.int(100_000_000_000);
  return 'timestamp' in event ? stamp(event, 1_600_000_000_000 + n, `fuzz-${n}`) : event;
}

/** Sets an event's timestamp and the mid of its payload (message, reaction, postback, ...), if it has one. */
function stamp(event: JsonRecord, timestamp: number, mid: string): JsonRecord {
  event.timestamp = timestamp;
  for (const key of Object.keys(event)) {
    const payload = event[key];
    if (isRecord(payload) && typeof payload.mid === 'string') payload.mid = mid;
  }
  return event;
}

/** A well-formed delivery built from fixtures: 1-3 entries of 1-4 events each. */
export function fixtureDelivery(rng: Prng): JsonRecord {
  const entries: Json[] = [];
  for (let index = rng.between(1, 3); index > 0; index--) {
    const list = rng.weighted<EventList>([
      [6, 'messaging'],
      [2, 'standby'],
      [1, 'changes'],
    ]);
    const events: Json[] = [];
    for (let count = rng.between(1, 4); count > 0; count--) events.push(uniqueEvent(rng, fixtureEvent(rng, list)));
    entries.push({ id: rng.pick(['106000000000001', '17841400000000001']), time: 1_712_000_000_000 + rng.int(1000), [list]: events });
  }
  return { object: rng.pick(['page', 'instagram']), entry: entries };
}

/** Where in the delivery a mutation lands: each level of the envelope, then the events themselves. */
type Level = 'body' | 'object' | 'entry' | 'entry item' | 'entry.id' | 'entry.time' | 'list' | 'list item' | 'event';

/** Whether {@link mutateDelivery} can work on `body`: an object whose `entry` array still holds an object. */
export function isMutableDelivery(body: Json): body is JsonRecord {
  return isRecord(body) && Array.isArray(body.entry) && body.entry.some(isRecord);
}

/** Mutates a delivery at one level; returns the new body (the body itself may be replaced) and what was done. */
export function mutateDelivery(rng: Prng, body: JsonRecord, options: PoisonOption): { body: Json; what: string } {
  const value = (): Json => replacementValue(rng, options);
  const entries = body.entry as Json[];
  const entry = rng.pick(entries.filter(isRecord));
  const list = (['messaging', 'standby', 'changes'] as const).find((name) => Array.isArray(entry[name]));
  const events = list ? (entry[list] as Json[]) : [];
  let level = rng.weighted<Level>([
    [1, 'body'],
    [1, 'object'],
    [1, 'entry'],
    [1.5, 'entry item'],
    [1.5, 'entry.id'],
    [1.5, 'entry.time'],
    [2, 'list'],
    [2, 'list item'],
    [10, 'event'],
  ]);
  // An earlier mutation may have removed the list or its events: mutate the entry instead.
  if ((level === 'list' || level === 'list item') && !list) level = 'entry.time';
  if (level === 'event' && !events.some(isRecord)) level = 'entry.id';
  switch (level) {
    case 'body': {
      const replaced = rng.pick<Json>([[], [body], 42, 'page', null, true, value()]);
      return { body: replaced, what: `body := ${describeValue(replaced)}` };
    }
    case 'object':
    case 'entry': {
      const replaced = rng.chance(0.15) ? undefined : value();
      if (replaced === undefined) delete body[level];
      else withOwnKey(body, level, replaced);
      return { body, what: `${level} := ${replaced === undefined ? 'missing' : describeValue(replaced)}` };
    }
    case 'entry item': {
      const replaced = value();
      entries[entries.indexOf(entry)] = replaced;
      return { body, what: `entry[i] := ${describeValue(replaced)}` };
    }
    case 'entry.id':
    case 'entry.time':
    case 'list': {
      const key = level === 'list' ? list! : level.slice('entry.'.length);
      const replaced = rng.chance(0.15) ? undefined : value();
      if (replaced === undefined) delete entry[key];
      else withOwnKey(entry, key, replaced);
      return { body, what: `entry.${key} := ${replaced === undefined ? 'missing' : describeValue(replaced)}` };
    }
    case 'list item': {
      const replaced = value();
      events[rng.int(events.length)] = replaced;
      return { body, what: `entry.${list!}[i] := ${describeValue(replaced)}` };
    }
    case 'event':
      return { body, what: mutateEvent(rng, rng.pick(events.filter(isRecord)), options) };
  }
}

/** How a fuzz case is signed. */
export type SignatureMode = 'valid' | 'none' | 'wrong-secret' | 'malformed';

/** One generated request to `POST /webhook`. */
export interface FuzzCase {
  /** Index in the run, for replaying one case. */
  index: number;
  /** What was done to the body, for the failure message. */
  what: string[];
  /** The exact bytes sent. */
  body: Buffer;
  /** The `Content-Type` header, or `null` for none. */
  contentType: string | null;
  /** How `X-Hub-Signature-256` is made. */
  signature: SignatureMode;
  /** Sent with `Transfer-Encoding: chunked` (no `Content-Length`), as a streaming proxy would. */
  chunked: boolean;
}

const JSON_TYPES = ['application/json', 'application/json; charset=utf-8'];
const OTHER_TYPES = ['text/plain', 'application/x-www-form-urlencoded', null];

/** Generates one fuzz case: a delivery mutated 1-3 times, sometimes truncated or empty, under various headers. */
export function fuzzCase(rng: Prng, index: number, options: PoisonOption): FuzzCase {
  const what: string[] = [];
  let body: Json = fixtureDelivery(rng);
  const mutations = rng.weighted([
    [1, 0],
    [6, 1],
    [3, 2],
    [1, 3],
  ]);
  for (let count = mutations; count > 0 && isMutableDelivery(body); count--) {
    const mutated = mutateDelivery(rng, body, options);
    body = mutated.body;
    what.push(mutated.what);
  }
  let text = toJsonText(body);
  const shape = rng.weighted<'whole' | 'truncated' | 'empty'>([
    [90, 'whole'],
    [8, 'truncated'],
    [2, 'empty'],
  ]);
  if (shape === 'truncated' && (text.startsWith('{') || text.startsWith('['))) {
    text = text.slice(0, rng.int(text.length));
    what.push(`truncated to ${text.length} chars`);
  } else if (shape === 'empty') {
    text = '';
    what.push('empty body');
  }
  const contentType = rng.chance(0.88) ? rng.pick(JSON_TYPES) : rng.pick(OTHER_TYPES);
  const signature = rng.weighted<SignatureMode>([
    [75, 'valid'],
    [9, 'none'],
    [9, 'wrong-secret'],
    [7, 'malformed'],
  ]);
  return { index, what, body: Buffer.from(text, 'utf8'), contentType, signature, chunked: rng.chance(0.05) };
}

/** Where the valid events of mixed deliveries start their timestamps: far above every fixture and replacement. */
export const MARKER_BASE = 1_900_000_000_000;

/** The marker a handler read off an event, if it is one of the valid events of a mixed delivery. */
export function markerOf(event: unknown): string | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const { timestamp, value } = event as { timestamp?: unknown; value?: unknown };
  if (typeof timestamp === 'number' && timestamp >= MARKER_BASE && timestamp < MARKER_BASE + 1e9) return `t${timestamp - MARKER_BASE}`;
  if (typeof value === 'object' && value !== null) {
    const id = (value as { message_template_id?: unknown }).message_template_id;
    if (typeof id === 'string' && id.startsWith('vmark-')) return `t${id.slice('vmark-'.length)}`;
  }
  return undefined;
}

/** A valid fixture event of `list`, made unique (its own timestamp and mid) and tagged with marker `n`. */
function markedEvent(rng: Prng, list: EventList, n: number): JsonRecord {
  if (list === 'changes') {
    const change = cloneJson(rng.pick(VALID_TEMPLATE_UPDATES)) as JsonRecord;
    (change.value as JsonRecord).message_template_id = `vmark-${n}`;
    return change;
  }
  // A redelivered mid is dropped by design, and several fixtures share a mid: each valid event gets its own.
  return stamp(cloneJson(rng.pick(VALID_MESSAGING)) as JsonRecord, MARKER_BASE + n, `vmid-${n}`);
}

/** A delivery mixing valid events (whose markers are returned) with malformed events and broken sibling entries. */
export function mixedDelivery(rng: Prng, nextMarker: () => number, options: PoisonOption): { body: JsonRecord; markers: string[] } {
  const markers: string[] = [];
  const entries: Json[] = [];
  for (let index = rng.between(2, 4); index > 0; index--) {
    if (rng.chance(0.3)) {
      entries.push(brokenEntry(rng, options));
      continue;
    }
    const list = rng.weighted<EventList>([
      [6, 'messaging'],
      [2, 'standby'],
      [1, 'changes'],
    ]);
    const events: Json[] = [];
    for (let count = rng.between(2, 8); count > 0; count--) {
      if (rng.chance(0.5)) {
        const n = nextMarker();
        markers.push(`t${n}`);
        events.push(markedEvent(rng, list, n));
      } else {
        const broken = fixtureEvent(rng, list);
        if (rng.chance(0.15)) events.push(replacementValue(rng, options));
        else {
          for (let mutations = rng.between(1, 2); mutations > 0; mutations--) mutateEvent(rng, broken, options);
          events.push(broken);
        }
      }
    }
    const entry: JsonRecord = { id: '106000000000001', time: 1_712_000_000_000, [list]: events };
    // A broken sibling list in the same entry must not cost the good one.
    if (list !== 'standby' && rng.chance(0.2)) entry.standby = rng.pick<Json>([{}, 'standby', 7, null]);
    entries.push(entry);
  }
  return { body: { object: rng.pick(['page', 'instagram']), entry: entries }, markers };
}

function brokenEntry(rng: Prng, options: PoisonOption): Json {
  const events: Json[] = [fixtureEvent(rng, 'messaging')];
  return rng.pick<() => Json>([
    () => replacementValue(rng, options),
    () => ({ id: rng.pick<Json>([null, {}, [], true, '']), time: 1, messaging: events }),
    () => ({ id: 'P', time: rng.pick<Json>(['soon', null, {}, [], true]), messaging: events }),
    () => ({ id: 'P', time: 1, messaging: rng.pick<Json>([{}, 'x', 3, true, { 0: events[0]! }]) }),
    () => {
      const event = fixtureEvent(rng, 'messaging');
      mutateEvent(rng, event, options);
      return { id: 'P', time: 1, messaging: [event] };
    },
  ])();
}
