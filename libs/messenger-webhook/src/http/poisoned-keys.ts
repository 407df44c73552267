// The spellings JSON allows for the two keys (escapes included), as secure-json-parse (Fastify's parser) looks for them.
const PROTO_KEY = /"(?:_|\\u005[Ff])(?:_|\\u005[Ff])(?:p|\\u0070)(?:r|\\u0072)(?:o|\\u006[Ff])(?:t|\\u0074)(?:o|\\u006[Ff])(?:_|\\u005[Ff])(?:_|\\u005[Ff])"\s*:/;
const CONSTRUCTOR_KEY =
  /"(?:c|\\u0063)(?:o|\\u006[Ff])(?:n|\\u006[Ee])(?:s|\\u0073)(?:t|\\u0074)(?:r|\\u0072)(?:u|\\u0075)(?:c|\\u0063)(?:t|\\u0074)(?:o|\\u006[Ff])(?:r|\\u0072)"\s*:/;

// Byte needles made once: searching a Buffer for a string encodes the string again on every call.
const PROTO = Buffer.from('proto');
const ONSTRUCTOR = Buffer.from('onstructor');
const ESCAPE = Buffer.from('\\u');

/** Whether a JSON body may hold a `__proto__` key or a `constructor` key: a cheap test before the slower parse. */
export function mayHoldPoisonedKeys(raw: Buffer): boolean {
  // Either key is spelt with "proto" / "onstructor" in it, or with an escape: most bodies are cleared on bytes alone.
  if (raw.indexOf(PROTO) === -1 && raw.indexOf(ONSTRUCTOR) === -1 && raw.indexOf(ESCAPE) === -1) return false;
  const text = raw.toString('utf8');
  return PROTO_KEY.test(text) || CONSTRUCTOR_KEY.test(text);
}

/**
 * Parses JSON text without the keys that can reach an object's prototype when copied: every `__proto__` key, and a
 * `constructor` key whose value holds a `prototype` (what Fastify's parser refuses a whole body for). Anything else,
 * a plain `constructor` key included, is kept. Throws on invalid JSON, like `JSON.parse`.
 */
export function parseWithoutPoisonedKeys(text: string): { value: unknown; removed: number } {
  // JSON.parse makes "__proto__" an own data property, never the prototype: safe to walk and delete afterwards.
  const value: unknown = JSON.parse(text);
  return { value, removed: removePoisonedKeys(value) };
}

/**
 * Deletes those keys everywhere in a parsed JSON value; returns how many. Walks with its own stack rather than by
 * recursion (or a JSON.parse reviver, which recurses): a signed body may nest thousands of levels deep.
 */
export function removePoisonedKeys(value: unknown): number {
  let removed = 0;
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const item = pending.pop();
    if (typeof item !== 'object' || item === null) continue;
    const record = item as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const child = record[key];
      if (key === '__proto__' || (key === 'constructor' && typeof child === 'object' && child !== null && Object.hasOwn(child, 'prototype'))) {
        delete record[key];
        removed++;
      } else if (typeof child === 'object' && child !== null) {
        pending.push(child);
      }
    }
  }
  return removed;
}
