/** A parsed JSON object, before it is known to be anything more. */
export type JsonObject = Record<string, unknown>;

/** Narrows a parsed JSON value to a plain object (not null, not an array). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads `value.a.b.c` without trusting the shape: `undefined` as soon as a step is not an object. */
export function readPath(value: unknown, ...path: string[]): unknown {
  for (const key of path) {
    if (!isJsonObject(value)) return undefined;
    value = value[key];
  }
  return value;
}

/** An id Meta may send as a string or a number, as a string. */
export function idString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}
