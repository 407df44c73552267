/**
 * Serialises `value` the way Meta does: like `JSON.stringify`, with `/` written `\/` and every non-ASCII UTF-16
 * code unit written `\uXXXX` (lowercase hex). A server that signs-checks re-serialised JSON instead of the raw
 * bytes fails on such a body, which is why tests should sign exactly this string.
 */
export function metaStringify(value: unknown): string {
  const json = JSON.stringify(value) as string | undefined;
  if (json === undefined) throw new TypeError(`metaStringify: a ${typeof value} has no JSON form`);
  // `/` and non-ASCII can only occur inside JSON strings, so rewriting them anywhere in the text is safe.
  return json.replace(/[\u0080-\uffff/]/g, (char) => (char === '/' ? '\\/' : `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`));
}
