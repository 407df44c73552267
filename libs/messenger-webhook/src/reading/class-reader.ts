import { readId, readNumber, readTimestamp } from './coercions.js';
import { fieldsOf, hasFields } from './field-registry.js';
import type { EventProblem, FieldType, ReadableClass } from './field-types.js';

/** A raw value read into its class: the instance, and what was wrong with the raw value (`undefined`: nothing). */
export interface ReadResult<T> {
  /** The instance; where a value was wrong it holds the raw value as sent, so nothing is lost. */
  readonly value: T;
  /** What was wrong, in the order met; `undefined` when the raw value matched its class. */
  readonly problems: readonly EventProblem[] | undefined;
}

/** Reads one raw value into `T`, coercing what is lossless, collecting problems, building instances, in one pass. */
export type Reader<T> = (raw: unknown) => ReadResult<T>;

// A hostile body can hold 100,000 bad items in one event: the list stays short, the count stays exact.
const MAX_PROBLEMS = 20;

/** Where the reader is, and what it found wrong: one per read, so readers stay plain functions. */
class ReadContext {
  problems: EventProblem[] | undefined;
  extraProblems = 0;
  readonly path: (string | number)[] = [];

  /** Records a problem at the current path (plus `key`) and hands the raw value back, kept as sent. */
  fail(key: string | number | undefined, message: string, value?: unknown): unknown {
    const problems = (this.problems ??= []);
    if (problems.length < MAX_PROBLEMS) problems.push({ path: key === undefined ? this.path.join('.') : [...this.path, key].join('.'), message });
    else this.extraProblems++;
    return value;
  }

  /** The problems found, closed with the count of those left out. */
  takeProblems(): EventProblem[] | undefined {
    const { problems, extraProblems } = this;
    if (problems && extraProblems > 0) problems.push({ path: '', message: `and ${extraProblems} more problems` });
    return problems;
  }

  result<T>(value: T): ReadResult<T> {
    return { value, problems: this.takeProblems() };
  }

  /** Ready for the next read: reading is synchronous, so one context serves every read of the hot path. */
  reset(): void {
    this.problems = undefined;
    this.extraProblems = 0;
    this.path.length = 0;
  }
}

type ValueReader = (value: unknown, context: ReadContext, key: string | number) => unknown;
type ClassReader = (raw: Record<string, unknown>, context: ReadContext) => object;

const classReaders = new Map<Function, ClassReader>();

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The compiled reader of `cls`, built on first use from its declared fields and kept. */
function classReaderOf(cls: ReadableClass | Function): ClassReader {
  let reader = classReaders.get(cls);
  if (!reader) {
    if (!hasFields(cls)) throw new Error(`${cls.name} declares no @Field: the event reader cannot build it`);
    // Nested classes are resolved on first read, not here, so classes that refer to each other compile fine.
    reader = compileClass(cls);
    classReaders.set(cls, reader);
  }
  return reader;
}

function compileClass(cls: ReadableClass | Function): ClassReader {
  const declarations = fieldsOf(cls);
  const count = declarations.length;
  const names = declarations.map((declaration) => declaration.name);
  const readers = declarations.map((declaration) => valueReader(declaration.field));
  const optional = declarations.map((declaration) => declaration.optional === true);
  const nullable = declarations.map((declaration) => declaration.nullable === true);
  const declared = new Set(names);
  const prototype = cls.prototype as object;
  return (raw, context) => {
    // No constructor call: an instance of the class with only what the raw value holds.
    const instance = Object.create(prototype) as Record<string, unknown>;
    for (let index = 0; index < count; index++) {
      const name = names[index]!;
      const value = raw[name];
      if (value === undefined) {
        if (!optional[index]) context.fail(name, 'is required');
        continue;
      }
      if (value === null) {
        // Kept as sent where it may be absent: `url: null` and an absent url are not the same message.
        if (optional[index] || nullable[index]) instance[name] = null;
        else context.fail(name, 'must not be null');
        continue;
      }
      instance[name] = readers[index]!(value, context, name);
    }
    // Keys Meta added since are kept as sent; keys that would shadow the class's own members (a getter, `constructor`)
    // or reach a prototype (`__proto__`) are not.
    for (const key in raw) {
      if (declared.has(key) || key === '__proto__' || key in prototype) continue;
      instance[key] = raw[key];
    }
    return instance;
  };
}

function valueReader(field: FieldType): ValueReader {
  switch (field.type) {
    case 'string':
      return (value, context, key) => (typeof value === 'string' ? value : context.fail(key, 'must be a string', value));
    case 'id':
      return (value, context, key) => readId(value) ?? context.fail(key, 'must be a string or a number (an id)', value);
    case 'number': {
      const { integer, coerce } = field;
      const message = `must be ${integer ? 'an integer' : 'a number'}${coerce ? ' (or a numeric string)' : ''}`;
      return (value, context, key) => {
        const number = readNumber(value, coerce);
        return number !== undefined && (!integer || Number.isInteger(number)) ? number : context.fail(key, message, value);
      };
    }
    case 'timestamp':
      return (value, context, key) => readTimestamp(value) ?? context.fail(key, 'must be epoch milliseconds (a number, a numeric string or an ISO date)', value);
    case 'boolean':
      return (value, context, key) => (typeof value === 'boolean' ? value : context.fail(key, 'must be a boolean', value));
    case 'literal': {
      const values = new Set<unknown>(field.values);
      const message = values.size === 1 ? `must be ${JSON.stringify(field.values[0])}` : `must be one of ${field.values.map((value) => JSON.stringify(value)).join(', ')}`;
      return (value, context, key) => (values.has(value) ? value : context.fail(key, message, value));
    }
    case 'json':
      return field.object ? (value, context, key) => (isObject(value) ? value : context.fail(key, 'must be an object', value)) : (value) => value;
    case 'nested': {
      let read: ClassReader | undefined;
      const { loose } = field;
      return (value, context, key) => {
        if (!isObject(value)) return loose ? value : context.fail(key, 'must be an object', value);
        read ??= classReaderOf(field.cls());
        context.path.push(key);
        const instance = read(value, context);
        context.path.pop();
        return instance;
      };
    }
    case 'array': {
      const readItem = valueReader(field.item);
      return (value, context, key) => {
        if (!Array.isArray(value)) return context.fail(key, 'must be an array', value);
        const items = new Array<unknown>(value.length);
        context.path.push(key);
        for (let index = 0; index < value.length; index++) {
          const item: unknown = value[index];
          items[index] = item === undefined || item === null ? context.fail(index, 'must not be null', item) : readItem(item, context, index);
        }
        context.path.pop();
        return items;
      };
    }
    case 'record': {
      const readItem = valueReader(field.item);
      return (value, context, key) => {
        if (!isObject(value)) return context.fail(key, 'must be an object', value);
        const record: Record<string, unknown> = {};
        context.path.push(key);
        for (const entry in value) {
          // Assigning a "__proto__" key would replace the record's prototype.
          if (entry === '__proto__' || !Object.hasOwn(value, entry)) continue;
          const item = value[entry];
          record[entry] = item === undefined || item === null ? context.fail(entry, 'must not be null', item) : readItem(item, context, entry);
        }
        context.path.pop();
        return record;
      };
    }
    case 'union': {
      let classes: Map<string, ClassReader> | undefined;
      let fallback: ClassReader | undefined;
      const { discriminator } = field;
      return (value, context, key) => {
        if (!isObject(value)) return context.fail(key, 'must be an object', value);
        if (!classes) {
          // A Map, not the object itself: a `type` of "constructor" or "toString" must not find Object.prototype's.
          classes = new Map(Object.entries(field.classes()).map(([tag, cls]) => [tag, classReaderOf(cls)]));
          fallback = classReaderOf(field.fallback());
        }
        const tag = value[discriminator];
        const read = (typeof tag === 'string' ? classes.get(tag) : undefined) ?? fallback!;
        context.path.push(key);
        const instance = read(value, context);
        context.path.pop();
        return instance;
      };
    }
  }
}

const readers = new Map<Function, Reader<object>>();

/**
 * The reader of `cls`, compiled once from the fields its `@Field.*()` decorators declared (its ancestors' included):
 * lossless coercions, validation and instantiation in one pass over the raw value.
 */
export function readerOf<T extends object>(cls: ReadableClass<T>): Reader<T> {
  let reader = readers.get(cls) as Reader<T> | undefined;
  if (!reader) {
    const read = classReaderOf(cls);
    reader = (raw) => {
      const context = new ReadContext();
      if (!isObject(raw)) return context.result(context.fail(undefined, 'must be an object', raw) as T);
      return context.result(read(raw, context) as T);
    };
    readers.set(cls, reader as Reader<object>);
  }
  return reader;
}

// Shared by every hot-path read: no reader code calls back into user code, so reads never overlap.
const shared = new ReadContext();
let lastProblems: EventProblem[] | undefined;

/**
 * The hot-path form of {@link readerOf}: returns the instance alone (no result object, no context per read); the
 * problems of the latest read are then given by {@link problemsOfLastRead}.
 */
export function valueReaderOf<T extends object>(cls: ReadableClass<T>): (raw: Record<string, unknown>) => T {
  const read = classReaderOf(cls);
  return (raw) => {
    shared.reset();
    const value = read(raw, shared) as T;
    lastProblems = shared.takeProblems();
    return value;
  };
}

/** What the latest {@link valueReaderOf} read found wrong, `undefined` when nothing. */
export function problemsOfLastRead(): readonly EventProblem[] | undefined {
  return lastProblems;
}

/** Reads one raw value into `cls` (see {@link readerOf}). */
export function readInstance<T extends object>(cls: ReadableClass<T>, raw: unknown): ReadResult<T> {
  return readerOf(cls)(raw);
}

/** Reads the value of one declared field on its own, problems named from `name` (for the class-validator bridge). */
export function readValue(field: FieldType, value: unknown, name: string): ReadResult<unknown> {
  const context = new ReadContext();
  return context.result(valueReader(field)(value, context, name));
}
