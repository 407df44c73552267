/** A parsed JSON object, before it is known to be anything more. */
export type JsonObject = Record<string, unknown>;

/** Narrows a parsed JSON value to a plain object (not null, not an array). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
