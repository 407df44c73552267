import 'reflect-metadata';
import { Exclude, Expose, plainToInstance, Type } from 'class-transformer';
import type { ValidationError, ValidatorOptions } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { classify } from '../../../src/events/classify.js';
import { EVENT_KINDS, UNKNOWN_KIND, type EventKindDefinition } from '../../../src/events/event-kinds.js';
import { describe as describeErrors, toEvent } from '../../../src/reading/event-transformer.js';
import * as events from '../../../src/events/index.js';
import type { JsonObject } from '../../../src/delivery/json.js';
import { createCompiledTransformer } from '../../../src/reading/transformation/compiled-transformer.js';
import { createCompiledValidator } from '../../../src/reading/validation/compiled-validator.js';
import { invalidRawEvents, rawEvents, type RawEvent } from '../../fixtures/raw-events.js';
import { prng } from '../../support/prng.js';

const transformer = createCompiledTransformer();
// The options of event-transformer.ts, so "same validation result" means what the pipeline would decide.
const VALIDATOR_OPTIONS: ValidatorOptions = { forbidUnknownValues: false, validationError: { target: false, value: false } };
const validator = createCompiledValidator(VALIDATOR_OPTIONS);

type Class = new () => object;

const ALL_CLASSES: Class[] = [...new Set<unknown>([...EVENT_KINDS.map((row) => row.eventClass), UNKNOWN_KIND.eventClass, ...Object.values(events)])].filter(
  (value): value is Class => typeof value === 'function' && /^[A-Z]/.test(value.name),
);

// ---- Comparison --------------------------------------------------------------------------------------------------

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object' && value !== null) return Array.isArray(value) ? 'an array' : 'an object';
  return String(value);
}

function protoName(proto: unknown): string {
  if (proto === null) return 'null';
  const constructor = (proto as { constructor?: { name?: string } }).constructor;
  return constructor?.name ?? '(anonymous prototype)';
}

/**
 * The first difference between two object graphs, or undefined: prototypes, own keys (symbols and non-enumerable
 * ones included) in order, property descriptors, primitive values with Object.is, and the same sharing of objects.
 */
function difference(actual: unknown, expected: unknown, path = '$', pairs = new Map<object, unknown>()): string | undefined {
  const actualIsObject = (typeof actual === 'object' && actual !== null) || typeof actual === 'function';
  const expectedIsObject = (typeof expected === 'object' && expected !== null) || typeof expected === 'function';
  if (!actualIsObject || !expectedIsObject || typeof actual === 'function' || typeof expected === 'function') {
    return Object.is(actual, expected) ? undefined : `${path}: got ${show(actual)}, class-transformer gave ${show(expected)}`;
  }
  if (pairs.has(expected)) return pairs.get(expected) === actual ? undefined : `${path}: object shared differently`;
  pairs.set(expected, actual);
  const actualProto: unknown = Object.getPrototypeOf(actual);
  const expectedProto: unknown = Object.getPrototypeOf(expected);
  if (actualProto !== expectedProto) return `${path}: prototype ${protoName(actualProto)}, class-transformer gave ${protoName(expectedProto)}`;
  // A Set keeps its items in an internal slot that own keys do not show.
  if (expected instanceof Set && actual instanceof Set) {
    const inner = difference([...actual], [...expected], `${path}<items>`, pairs);
    if (inner) return inner;
  }
  const actualKeys = Reflect.ownKeys(actual);
  const expectedKeys = Reflect.ownKeys(expected);
  if (actualKeys.length !== expectedKeys.length || actualKeys.some((key, i) => key !== expectedKeys[i])) {
    return `${path}: keys [${actualKeys.map(String).join(', ')}], class-transformer gave [${expectedKeys.map(String).join(', ')}]`;
  }
  for (const key of expectedKeys) {
    const a = Object.getOwnPropertyDescriptor(actual, key) as PropertyDescriptor;
    const e = Object.getOwnPropertyDescriptor(expected, key) as PropertyDescriptor;
    const at = `${path}.${String(key)}`;
    if (a.enumerable !== e.enumerable || a.writable !== e.writable || a.configurable !== e.configurable || a.get !== e.get || a.set !== e.set) {
      return `${at}: descriptor differs`;
    }
    const inner = difference(a.value, e.value, at, pairs);
    if (inner) return inner;
  }
  return undefined;
}

/** Every object reachable from `value`, to prove the output shares nothing with the input. */
function objectsIn(value: unknown, into = new Set<object>()): Set<object> {
  if (typeof value !== 'object' || value === null || into.has(value)) return into;
  into.add(value);
  for (const key of Reflect.ownKeys(value)) objectsIn((value as Record<PropertyKey, unknown>)[key], into);
  return into;
}

type Outcome<T> = { readonly value: T } | { readonly threw: string };

function outcome<T>(run: () => T): Outcome<T> {
  try {
    return { value: run() };
  } catch (error) {
    return { threw: error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error) };
  }
}

function validationOf(value: unknown): ValidationError[] | string {
  if (typeof value !== 'object' || value === null) return 'not an object';
  try {
    return validator.validate(value);
  } catch (error) {
    return `threw ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** How the inputs of one run split; every hand-over must be an input class-transformer itself throws on. */
interface Tally {
  compiled: number;
  threw: number;
  valid: number;
  invalid: number;
}

/**
 * Asserts the compiled transformer gives exactly what `plainToInstance` gives on a JSON-parsed copy of `raw` (each
 * side gets its own copy, so a mutation of the input by one could not hide from the other), and that the compiled
 * validator then decides the same on both.
 */
function expectSameAsClassTransformer(cls: Class, raw: unknown, label: string, tally?: Tally, compiled = true): void {
  const json = JSON.stringify(raw);
  const expected = outcome(() => plainToInstance(cls, JSON.parse(json) as unknown));
  const input: unknown = JSON.parse(json);
  const actual = outcome(() => transformer.plainToInstance(cls, input));
  expect(JSON.stringify(input), `${label}: the input must not be changed`).toBe(json);
  const compiledOnly = outcome(() => transformer.compiledOnly(cls, JSON.parse(json) as unknown));

  if ('threw' in expected) {
    expect(actual, label).toEqual(expected);
    // The compiled path may hand such an input over (class-transformer then throws its own error) or throw the same.
    if ('threw' in compiledOnly) expect(compiledOnly, label).toEqual(expected);
    else expect(compiledOnly.value, `${label}: compiled path must not build what class-transformer rejects`).toBeUndefined();
    if (tally) tally.threw++;
    return;
  }
  expect('value' in actual, `${label}: ${'threw' in actual ? actual.threw : ''}`).toBe(true);
  if (!('value' in actual)) return;
  expect(difference(actual.value, expected.value), label).toBeUndefined();
  const inputObjects = objectsIn(input);
  expect([...objectsIn(actual.value)].some((object) => inputObjects.has(object)), `${label}: output shares objects with the input`).toBe(false);

  // Only class-transformer throwing (or a class not compiled) may send an input away from the compiled path.
  expect('value' in compiledOnly && compiledOnly.value !== undefined, `${label}: handed over to class-transformer`).toBe(compiled);
  if ('value' in compiledOnly && compiledOnly.value) expect(difference(compiledOnly.value.value, expected.value), label).toBeUndefined();

  const expectedErrors = validationOf(expected.value);
  const actualErrors = validationOf(actual.value);
  expect(actualErrors, label).toEqual(expectedErrors);
  if (typeof expectedErrors !== 'string' && typeof actualErrors !== 'string') {
    expect(describeErrors(actualErrors), label).toEqual(describeErrors(expectedErrors));
  }
  if (tally) {
    tally.compiled++;
    if (Array.isArray(expectedErrors) && expectedErrors.length === 0) tally.valid++;
    else tally.invalid++;
  }
}

function classFor(raw: RawEvent): Class {
  const source = 'field' in raw && 'value' in raw ? 'changes' : 'messaging';
  return (classify(raw as JsonObject, source) as EventKindDefinition).eventClass as Class;
}

const validFixtures = Object.entries(rawEvents).flatMap(([kind, list]) => list.map((raw, i) => ({ label: `${kind}[${i}]`, raw })));
const invalidFixtures = Object.entries(invalidRawEvents).flatMap(([kind, list]) =>
  (list ?? []).map((raw, i) => ({ label: `invalid ${kind}[${i}]`, raw })),
);

// ---- Fixtures ----------------------------------------------------------------------------------------------------

describe('compiled transformer vs class-transformer on the fixtures', () => {
  it('compiles every event class and every class nested in one (none is silently left to class-transformer)', () => {
    expect(ALL_CLASSES.length).toBeGreaterThan(60);
    expect(ALL_CLASSES.filter((cls) => !transformer.isCompiled(cls)).map((cls) => cls.name)).toEqual([]);
  });

  it.each(validFixtures)('builds $label as class-transformer does, on the compiled path', ({ label, raw }) => {
    const cls = classFor(raw);
    expectSameAsClassTransformer(cls, raw, label);
    const result = transformer.compiledOnly(cls, JSON.parse(JSON.stringify(raw)));
    expect(result?.value).toBeInstanceOf(cls);
    expect(validationOf(result?.value)).toEqual([]);
  });

  it.each(invalidFixtures)('builds $label as class-transformer does, with the same validation errors', ({ label, raw }) => {
    const cls = classFor(raw);
    expectSameAsClassTransformer(cls, raw, label);
    expect(transformer.compiledOnly(cls, JSON.parse(JSON.stringify(raw)))?.value).toBeInstanceOf(cls);
  });

  it('builds every fixture as every class (each nested class also at the top level)', () => {
    for (const { label, raw } of [...validFixtures, ...invalidFixtures]) {
      for (const cls of ALL_CLASSES) expectSameAsClassTransformer(cls, raw, `${label} as ${cls.name}`);
    }
  });
});

// ---- The cases the brief names -----------------------------------------------------------------------------------

const sender = { id: '1' };

describe('compiled transformer on the cases class-transformer handles in its own way', () => {
  it('picks the attachment subclass from `type`, keeps `type`, and falls back to Attachment for a type it does not know', () => {
    const raw = {
      sender,
      message: { mid: 'm', attachments: [{ type: 'image', payload: { url: 'u' } }, { type: 'brand_new', payload: { x: [1] } }, { payload: {} }, 'text', 7] },
    };
    expectSameAsClassTransformer(events.MessageEvent, raw, 'attachments');
    const event = transformer.plainToInstance(events.MessageEvent, raw) as events.MessageEvent;
    const [image, unknown, untyped] = event.message.attachments ?? [];
    expect(image).toBeInstanceOf(events.ImageAttachment);
    expect(image?.type).toBe('image');
    expect(image?.payload).toBeInstanceOf(events.MediaPayload);
    expect(Object.getPrototypeOf(unknown)).toBe(events.Attachment.prototype);
    expect(Object.getPrototypeOf(unknown?.payload)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(untyped)).toBe(events.Attachment.prototype);
    expect(event.attachmentTypes).toEqual(['image', 'brand_new', undefined, undefined, undefined]);
  });

  it('throws as class-transformer does on a null item in attachments, and toEvent reports the event unreadable', () => {
    const raw = { sender, message: { mid: 'm', attachments: [{ type: 'image' }, null] } };
    expectSameAsClassTransformer(events.MessageEvent, raw, 'null attachment');
    expect(() => transformer.plainToInstance(events.MessageEvent, raw)).toThrow(TypeError);
    const definition = EVENT_KINDS.find((row) => row.kind === 'message') as EventKindDefinition;
    expect(toEvent(definition, raw as JsonObject, true).problems).toMatch(/^could not be read \(Cannot read properties of null/);
    expect(toEvent(definition, raw as JsonObject, false).problems).toMatch(/^could not be read/);
  });

  it('builds arrays inside arrays: discriminated items nested in a list become the base class, as in class-transformer', () => {
    const raw = { sender, message: { mid: 'm', attachments: [[{ type: 'image' }], [[{ type: 'video' }]]], commands: [[{ name: 'a' }], []] } };
    expectSameAsClassTransformer(events.MessageEvent, raw, 'nested arrays');
    const event = transformer.plainToInstance(events.MessageEvent, raw) as { message: { attachments: unknown[][]; commands: unknown[][] } };
    expect(Object.getPrototypeOf(event.message.attachments[0]?.[0])).toBe(events.Attachment.prototype);
    expect(event.message.commands[0]?.[0]).toBeInstanceOf(events.MessageCommand);
  });

  it('skips `__proto__` and `constructor` keys at every depth without changing any prototype', () => {
    const raw = JSON.parse(
      '{"__proto__":{"polluted":1},"constructor":{"x":1},"sender":{"id":"1","__proto__":{"id":"2"}},' +
        '"message":{"mid":"m","nlp":{"__proto__":[1],"constructor":null,"ok":{"constructor":0,"deep":{"__proto__":null}}}}}',
    ) as unknown;
    expectSameAsClassTransformer(events.MessageEvent, raw, '__proto__ keys');
    const event = transformer.plainToInstance(events.MessageEvent, raw) as events.MessageEvent;
    expect(Object.getPrototypeOf(event)).toBe(events.MessageEvent.prototype);
    expect(Object.getPrototypeOf(event.message.nlp)).toBe(Object.prototype);
    expect(Object.keys(event.message.nlp ?? {})).toEqual(['ok']);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('throws as class-transformer does on an untyped object whose own `constructor` is a truthy value', () => {
    for (const constructor of ['"x"', '1', 'true', '{}', '[]']) {
      const raw = JSON.parse(`{"sender":{"id":"1"},"message":{"mid":"m","nlp":{"constructor":${constructor}}}}`) as unknown;
      expectSameAsClassTransformer(events.MessageEvent, raw, `constructor ${constructor}`);
      expect(() => transformer.plainToInstance(events.MessageEvent, raw)).toThrow(TypeError);
    }
  });

  it('copies untyped values as class-transformer does: arrays, null, numbers, booleans, date-like strings', () => {
    const nlp = { list: [1, [2, [3, null]], { a: true }], nothing: null, when: '2024-01-01T00:00:00.000Z', n: -0.5, yes: false, toString: 'x', hasOwnProperty: 1 };
    const raw = { sender, timestamp: '2024-01-01T00:00:00.000Z', message: { mid: 'm', nlp, text: null, reply_to: null, quick_reply: 5 } };
    expectSameAsClassTransformer(events.MessageEvent, raw, 'untyped values');
    const event = transformer.plainToInstance(events.MessageEvent, raw) as events.MessageEvent;
    expect(typeof event.timestamp).toBe('string');
    expect(Object.keys(event.message.nlp ?? {})).toEqual(['list', 'nothing', 'when', 'n', 'yes']);
  });

  it('leaves getters to the class: raw senderId / attachmentTypes / enforcement keys are written to no-op setters', () => {
    const message = { sender, senderId: 'spoof', attachmentTypes: ['x'], message: { mid: 'm', attachments: [{ type: 'file' }] } };
    expectSameAsClassTransformer(events.MessageEvent, message, 'getters');
    const event = transformer.plainToInstance(events.MessageEvent, message) as events.MessageEvent;
    expect(event.senderId).toBe('1');
    expect(event.attachmentTypes).toEqual(['file']);
    const policy = { recipient: sender, enforcement: { action: 'spoof' }, 'policy-enforcement': { action: 'block' } };
    expectSameAsClassTransformer(events.PolicyEnforcementEvent, policy, 'enforcement');
    expect((transformer.plainToInstance(events.PolicyEnforcementEvent, policy) as events.PolicyEnforcementEvent).enforcement?.action).toBe('block');
  });

  it('throws as class-transformer does when a getter it reads throws (attachmentTypes over a string)', () => {
    const raw = { sender, message: { mid: 'm', attachments: 'not a list' }, attachmentTypes: 1 };
    expectSameAsClassTransformer(events.MessageEvent, raw, 'throwing getter');
    expect(() => transformer.plainToInstance(events.MessageEvent, raw)).toThrow(TypeError);
  });

  it('runs @Transform as class-transformer does (feedback questions become FeedbackQuestion records)', () => {
    const raw = { sender, messaging_feedback: { feedback_screens: [{ screen_id: 0, questions: { q1: { type: 'csat', payload: '4', follow_up: { type: 'free_form', payload: 'ok' } }, q2: [1] } }] } };
    expectSameAsClassTransformer(events.FeedbackEvent, raw, 'transform');
    const event = transformer.plainToInstance(events.FeedbackEvent, raw) as events.FeedbackEvent;
    const question = event.messaging_feedback.feedback_screens?.[0]?.questions?.['q1'];
    expect(question).toBeInstanceOf(events.FeedbackQuestion);
    expect(question?.follow_up).toBeInstanceOf(events.FeedbackFollowUp);
  });

  it('calls each class constructor, as class-transformer does with `new cls()`', () => {
    let built = 0;
    class Counted {
      constructor() {
        built++;
      }
    }
    class Holder {
      @Type(() => Counted)
      items?: Counted[];
    }
    const raw = { items: [{}, {}, 3] };
    expectSameAsClassTransformer(Holder, raw, 'constructors');
    built = 0;
    transformer.plainToInstance(Holder, raw);
    expect(built).toBe(2);
  });

  it('builds a list whose property is declared as a Set into a Set, as class-transformer does', () => {
    class Tag {
      name?: string;
    }
    class Tagged {
      @Type(() => Tag)
      tags?: Set<Tag>;
    }
    const raw = { tags: [{ name: 'a' }, { name: 'b' }] };
    expectSameAsClassTransformer(Tagged, raw, 'set');
    const built = transformer.plainToInstance(Tagged, raw) as Tagged;
    expect(built.tags).toBeInstanceOf(Set);
    expect([...(built.tags ?? [])].map((tag) => tag instanceof Tag && tag.name)).toEqual(['a', 'b']);
  });

  it('hands classes with @Expose / @Exclude to class-transformer, with its result', () => {
    class Renamed {
      @Expose({ name: 'full_name' })
      name?: string;

      @Exclude()
      secret?: string;
    }
    expect(transformer.isCompiled(Renamed)).toBe(false);
    expectSameAsClassTransformer(Renamed, { full_name: 'a', secret: 's', other: 1 }, 'expose/exclude', undefined, false);
    expect(transformer.plainToInstance(Renamed, { full_name: 'a', secret: 's' })).toEqual(Object.assign(new Renamed(), { name: 'a' }));
  });

  it('builds nesting a few hundred levels deep', () => {
    let deep: unknown = { type: 'image', payload: { url: 'u' } };
    for (let level = 0; level < 400; level++) deep = level % 3 === 0 ? [deep] : level % 3 === 1 ? { attachments: deep } : { type: 'x', payload: [deep] };
    expectSameAsClassTransformer(events.MessageEvent, { sender, message: { mid: 'm', attachments: [deep], nlp: deep } }, 'deep');
  });
});

// ---- Mutations ---------------------------------------------------------------------------------------------------


// Discriminator values, Date-like and numeric strings, and the keys class-transformer treats specially.
const STRINGS = ['', 'x', '123', 'true', 'image', 'template', 'location', 'fallback', 'ig_reel', 'brand_new', '2024-01-01T00:00:00.000Z', 'react'];
const NUMBERS = [0, -0, -1, 1.5, 42, 1e21, 1457764197627, Number.MAX_SAFE_INTEGER];
const SPECIAL_KEYS = ['__proto__', 'constructor', 'senderId', 'attachmentTypes', 'enforcement', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'];
const FIELD_KEYS = [
  'type', 'payload', 'attachments', 'message', 'sender', 'recipient', 'mid', 'text', 'url', 'elements', 'buttons', 'product', 'coordinates',
  'reply_to', 'story', 'quick_reply', 'referral', 'commands', 'nlp', 'questions', 'feedback_screens', 'follow_up', 'products', 'order',
  'policy_enforcement', 'policy-enforcement', 'value', 'ads_context_data', 'postback', '0', '10', 'extra',
];

type Random = () => number;
const pick = <T>(random: Random, list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;

/** Sets an own key, `__proto__` included (plain assignment would change the prototype instead). */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function randomKey(random: Random): string {
  return random() < 0.3 ? pick(random, SPECIAL_KEYS) : pick(random, FIELD_KEYS);
}

function randomJson(random: Random, depth = 0): unknown {
  const roll = random();
  if (roll < 0.12) return null;
  if (roll < 0.2) return random() < 0.5;
  if (roll < 0.32) return pick(random, NUMBERS);
  if (roll < 0.5) return pick(random, STRINGS);
  if (roll < 0.53) return deepNest(random);
  if (roll < 0.75 && depth < 4) return Array.from({ length: Math.floor(random() * 4) }, () => randomJson(random, depth + 1));
  const out: Record<string, unknown> = {};
  if (random() < 0.5) setOwn(out, 'type', pick(random, STRINGS));
  const size = depth < 4 ? Math.floor(random() * 4) : 0;
  for (let i = 0; i < size; i++) setOwn(out, randomKey(random), randomJson(random, depth + 1));
  return out;
}

/** A value nested 100 to 400 levels deep, mixing arrays and objects with keys the classes know. */
function deepNest(random: Random): unknown {
  let value: unknown = random() < 0.5 ? { type: pick(random, STRINGS) } : pick(random, STRINGS);
  const levels = 100 + Math.floor(random() * 300);
  for (let level = 0; level < levels; level++) {
    if (random() < 0.4) value = [value];
    else {
      const wrapper: Record<string, unknown> = {};
      setOwn(wrapper, random() < 0.2 ? pick(random, SPECIAL_KEYS) : pick(random, FIELD_KEYS), value);
      value = wrapper;
    }
  }
  return value;
}

type Container = Record<string, unknown> | unknown[];

function containersOf(value: unknown, out: Container[] = []): Container[] {
  if (typeof value !== 'object' || value === null) return out;
  out.push(value as Container);
  for (const item of Object.values(value)) containersOf(item, out);
  return out;
}

/** Replaces, deletes or inserts one field (or array item) in a random container at a random depth. */
function mutate(root: Record<string, unknown>, random: Random): void {
  const container = pick(random, containersOf(root));
  const roll = random();
  if (Array.isArray(container)) {
    const index = Math.floor(random() * (container.length + 1));
    if (roll < 0.3 && container.length > 0) container.splice(Math.min(index, container.length - 1), 1);
    else if (roll < 0.65 && index < container.length) container[index] = randomJson(random);
    else container.splice(index, 0, randomJson(random));
    return;
  }
  const keys = Object.keys(container);
  if (roll < 0.25 && keys.length > 0) delete container[pick(random, keys)];
  else if (roll < 0.6 && keys.length > 0) setOwn(container, pick(random, keys), randomJson(random));
  else setOwn(container, randomKey(random), randomJson(random));
}

describe('compiled transformer vs class-transformer on generated mutations', () => {
  const SEED = 20261123;
  const COUNT = 4000;

  it(`agrees on ${COUNT} mutated fixtures (seed ${SEED}), down to prototypes, key order and validation`, () => {
    const random = prng(SEED);
    const sources = [...validFixtures, ...invalidFixtures];
    const tally: Tally = { compiled: 0, threw: 0, valid: 0, invalid: 0 };
    for (let i = 0; i < COUNT; i++) {
      const { label, raw } = pick(random, sources);
      const mutated = JSON.parse(JSON.stringify(raw)) as Record<string, unknown>;
      const mutations = 1 + Math.floor(random() * 3);
      for (let m = 0; m < mutations; m++) mutate(mutated, random);
      // Through JSON text, as a request body: own `__proto__` keys come back as JSON.parse makes them.
      const parsed = JSON.parse(JSON.stringify(mutated)) as RawEvent;
      // Mostly the class the dispatcher would pick; sometimes any class, so nested classes also get the mutations.
      const cls = random() < 0.75 ? classFor(parsed) : pick(random, ALL_CLASSES);
      const text = JSON.stringify(parsed);
      expectSameAsClassTransformer(cls, parsed, `mutation ${i} of ${label} as ${cls.name}: ${text.length > 2000 ? `${text.slice(0, 2000)}...` : text}`, tally);
    }
    // Each branch must be well exercised, or the agreement above proves little.
    expect(tally.compiled + tally.threw).toBe(COUNT);
    expect(tally.valid).toBeGreaterThan(COUNT / 10);
    expect(tally.invalid).toBeGreaterThan(COUNT / 4);
    expect(tally.threw).toBeGreaterThan(10);
    expect(tally.threw).toBeLessThan(COUNT / 10);
  });
});
