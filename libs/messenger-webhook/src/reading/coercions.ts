// The lossless coercions of real traffic (PROTOCOL.md section 7): each returns `undefined` when the value cannot be
// read as asked, so the caller decides whether that is a problem. Pure.

// Canonical decimals only ("37", "-2", "1712000000000.5"): "0x1F", "1e3", " 7" or "" are not numbers Meta prints.
const DECIMAL = /^-?(?:0|[1-9]\d*)(?:\.\d+)?$/;
// ISO 8601 date-times as `Date.parse` reads them ("2024-05-01T10:00:00Z", "2024-05-01T10:00:00+0000").
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** An id Meta sends as a string, or as a JSON number in many real payloads: as a string. */
export function readId(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;
}

/** A finite number, or (when `coerce`) a numeric string such as Meta's quoted `"num_edit": "37"`. */
export function readNumber(value: unknown, coerce: boolean): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (!coerce || typeof value !== 'string' || value.length > 40 || !DECIMAL.test(value)) return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}

/** Epoch milliseconds from a number, a numeric string, or an ISO 8601 date-time. */
export function readTimestamp(value: unknown): number | undefined {
  const number = readNumber(value, true);
  if (number !== undefined) return number;
  if (typeof value !== 'string' || value.length > 40 || !ISO_DATE_TIME.test(value)) return undefined;
  const parsed = Date.parse(value);
  return Number.isFinite(parsed) ? parsed : undefined;
}
