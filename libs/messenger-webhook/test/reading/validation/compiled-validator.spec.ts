import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError, type ValidatorOptions } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { classify } from '../../../src/events/classify.js';
import { describe as describeErrors } from '../../../src/reading/event-transformer.js';
import * as events from '../../../src/events/index.js';
import { EVENT_KINDS, UNKNOWN_KIND, type EventKindDefinition } from '../../../src/events/event-kinds.js';
import { createCompiledValidator } from '../../../src/reading/validation/compiled-validator.js';
import { invalidRawEvents, rawEvents, type RawEvent } from '../../fixtures/raw-events.js';
import { prng } from '../../support/prng.js';

// The options of event-transformer.ts: the differential test is only meaningful for the options in use.
const OPTIONS: ValidatorOptions = { forbidUnknownValues: false, validationError: { target: false, value: false } };
const compiled = createCompiledValidator(OPTIONS);

type Outcome = { readonly errors: ValidationError[] } | { readonly threw: string };

function outcome(run: () => ValidationError[]): Outcome {
  try {
    return { errors: run() };
  } catch (error) {
    return { threw: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

/** Parses like a request body, picks the row as the dispatcher does, and builds the instance; undefined if that throws. */
function instanceOf(raw: RawEvent): object | undefined {
  const json = JSON.parse(JSON.stringify(raw)) as RawEvent;
  const source = 'field' in json && 'value' in json ? 'changes' : 'messaging';
  try {
    const definition: EventKindDefinition = classify(json, source);
    return plainToInstance(definition.eventClass, json) as object;
  } catch {
    return undefined;
  }
}

/** Asserts the compiled validator and validateSync agree on everything a caller can see; returns whether it was valid. */
function expectSameAsClassValidator(instance: object, label: string): boolean {
  const expected = outcome(() => validateSync(instance, OPTIONS));
  const actual = outcome(() => compiled.validate(instance));
  expect(actual, label).toEqual(expected);
  if ('errors' in expected && 'errors' in actual) {
    expect(describeErrors(actual.errors), label).toEqual(describeErrors(expected.errors));
    return expected.errors.length === 0;
  }
  return false;
}

const validFixtures = Object.entries(rawEvents).flatMap(([kind, list]) => list.map((raw, i) => ({ label: `${kind}[${i}]`, raw })));
const invalidFixtures = Object.entries(invalidRawEvents).flatMap(([kind, list]) =>
  (list ?? []).map((raw, i) => ({ label: `invalid ${kind}[${i}]`, raw })),
);

describe('compiled validator vs class-validator on the fixtures', () => {
  it('compiles every event class and every class nested in one (none is silently left to validateSync)', () => {
    const candidates: unknown[] = [...EVENT_KINDS.map((row) => row.eventClass), UNKNOWN_KIND.eventClass, ...Object.values(events)];
    const classes = candidates.filter((value): value is Function => typeof value === 'function');
    expect(classes.length).toBeGreaterThan(60);
    expect(classes.filter((cls) => !compiled.isCompiled(cls)).map((cls) => cls.name)).toEqual([]);
  });

  it.each(validFixtures)('accepts $label exactly as validateSync does', ({ label, raw }) => {
    const instance = instanceOf(raw);
    expect(instance, label).toBeDefined();
    expect(expectSameAsClassValidator(instance as object, label)).toBe(true);
  });

  it.each(invalidFixtures)('rejects $label with the same errors as validateSync', ({ label, raw }) => {
    const instance = instanceOf(raw);
    expect(instance, label).toBeDefined();
    expect(expectSameAsClassValidator(instance as object, label)).toBe(false);
    // The path of the bad field is what an operator reads in the log line.
    expect(describeErrors(compiled.validate(instance as object)).join('; ')).toMatch(/^[\w.-]+: /);
  });

  it('names the bad property path, down into attachments', () => {
    const raw = { sender: { id: '1' }, message: { mid: 'm', attachments: [{ type: 'location', payload: { coordinates: { lat: 'x', long: 2 } } }] } };
    expect(describeErrors(compiled.validate(instanceOf(raw) as object))).toEqual([
      'message.attachments.0.payload.coordinates.lat: lat must be a number conforming to the specified constraints',
    ]);
  });
});

// ---- Mutations ------------------------------------------------------------------------------------------------


type JsonKind = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object';
const JSON_KINDS: readonly JsonKind[] = ['null', 'boolean', 'number', 'string', 'array', 'object'];

function kindOf(value: unknown): JsonKind {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value as JsonKind;
}

// Values that hit the interesting branches: discriminator values, IsIn members, numeric strings, non-finite-ish numbers.
const STRINGS = ['', 'x', '123', '1.5', 'true', 'react', 'linked', 'image', 'template', 'location', 'fallback', 'ig_reel'];
const NUMBERS = [0, -1, 1.5, 42, 1e21, 1457764197627, -0.0001];
const KEYS = ['type', 'mid', 'payload', 'url', 'id', 'title', 'elements', 'coordinates', 'lat', 'extra'];

function randomJson(random: () => number, kind: JsonKind, depth: number): unknown {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  switch (kind) {
    case 'null':
      return null;
    case 'boolean':
      return random() < 0.5;
    case 'number':
      return pick(NUMBERS);
    case 'string':
      return pick(STRINGS);
    case 'array': {
      const length = depth > 2 ? 0 : Math.floor(random() * 3);
      return Array.from({ length }, () => randomJson(random, pick(JSON_KINDS), depth + 1));
    }
    case 'object': {
      const out: Record<string, unknown> = {};
      const size = depth > 2 ? 0 : Math.floor(random() * 3);
      for (let i = 0; i < size; i++) out[pick(KEYS)] = randomJson(random, pick(JSON_KINDS), depth + 1);
      return out;
    }
  }
}

type Slot = { readonly parent: Record<string, unknown> | unknown[]; readonly key: string | number };

function slotsByDepth(value: unknown, depth = 0, out: Slot[][] = []): Slot[][] {
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      (out[depth] ??= []).push({ parent: value, key: index });
      slotsByDepth(item, depth + 1, out);
    });
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      (out[depth] ??= []).push({ parent: value as Record<string, unknown>, key });
      slotsByDepth(item, depth + 1, out);
    }
  }
  return out;
}

/** Deletes, or replaces with a JSON value of another type, one field at a random depth. */
function mutate(raw: RawEvent, random: () => number): void {
  const depths = slotsByDepth(raw).filter((slots) => slots.length > 0);
  const slots = depths[Math.floor(random() * depths.length)] as Slot[];
  const { parent, key } = slots[Math.floor(random() * slots.length)] as Slot;
  if (random() < 0.25) {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key as string];
    return;
  }
  const current = kindOf((parent as Record<string | number, unknown>)[key]);
  const others = JSON_KINDS.filter((kind) => kind !== current);
  const replacement = randomJson(random, others[Math.floor(random() * others.length)] as JsonKind, 0);
  (parent as Record<string | number, unknown>)[key] = replacement;
}

describe('compiled validator vs class-validator on generated mutations', () => {
  const SEED = 20261122;
  const COUNT = 4000;

  it(`agrees on ${COUNT} mutated fixtures (seed ${SEED})`, () => {
    const random = prng(SEED);
    const sources = [...validFixtures, ...invalidFixtures];
    let accepted = 0;
    let rejected = 0;
    let transformFailures = 0;
    for (let i = 0; i < COUNT; i++) {
      const { label, raw } = sources[Math.floor(random() * sources.length)] as (typeof sources)[number];
      const mutated = structuredClone(raw);
      const mutations = 1 + Math.floor(random() * 3);
      for (let m = 0; m < mutations; m++) mutate(mutated, random);
      const instance = instanceOf(mutated);
      if (instance === undefined) {
        transformFailures++;
        continue;
      }
      const valid = expectSameAsClassValidator(instance, `mutation ${i} of ${label}: ${JSON.stringify(mutated)}`);
      if (valid) accepted++;
      else rejected++;
    }
    // Both decisions must be well exercised, or the agreement above proves little.
    expect(accepted).toBeGreaterThan(COUNT / 10);
    expect(rejected).toBeGreaterThan(COUNT / 4);
    expect(transformFailures).toBeLessThan(COUNT / 10);
  });
});
