/** A fragment of JSON text written out verbatim: deep nesting that no recursive serialiser should have to build. */
export class RawJson {
  /** @param text JSON text, trusted to be well formed. */
  constructor(readonly text: string) {}
}

/** A JSON value as the generators build it; objects may carry own `__proto__` keys (see {@link withOwnKey}). */
export type Json = null | boolean | number | string | RawJson | Json[] | JsonRecord;

/** A JSON object of {@link Json} values. */
export interface JsonRecord {
  [key: string]: Json;
}

/** True for a JSON object (not an array, not a raw fragment). */
export function isRecord(value: Json | undefined): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof RawJson);
}

/**
 * Sets `key` as an own enumerable property, even `__proto__`: plain assignment of `__proto__` would change the
 * prototype instead, and the key would vanish from the JSON text.
 */
export function withOwnKey(target: JsonRecord, key: string, value: Json): JsonRecord {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  return target;
}

/** Serialises like `JSON.stringify`, but writes {@link RawJson} fragments as they are and keeps own `__proto__` keys. */
export function toJsonText(value: Json): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map(toJsonText).join(',')}]`;
  if (isRecord(value)) {
    return `{${Object.keys(value)
      .map((key) => `${JSON.stringify(key)}:${toJsonText(Object.getOwnPropertyDescriptor(value, key)!.value as Json)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A deep copy of fixture data (plain JSON, no own `__proto__` keys yet). */
export function cloneJson<T>(value: T): T {
  return structuredClone(value);
}

/** `[[[...]]]` nested `depth` times. */
export function deepArray(depth: number): RawJson {
  return new RawJson('['.repeat(depth) + ']'.repeat(depth));
}

/** `{"a":{"a":...1}}` nested `depth` times. */
export function deepObject(depth: number): RawJson {
  return new RawJson('{"a":'.repeat(depth) + '1' + '}'.repeat(depth));
}
