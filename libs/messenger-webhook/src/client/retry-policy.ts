/** Meta's error fields that decide whether a failure is worth retrying. */
export interface GraphErrorFacts {
  readonly status: number;
  readonly code?: number;
  readonly subcode?: number;
  /** Meta's own `error.is_transient` flag, when it sent one. */
  readonly isTransient?: boolean;
}

/**
 * Error codes that mean "not now" rather than "never": 1200 temporary send failure, 2 service temporarily
 * unavailable, rate limits 4 (app), 17 (user), 32 (page), 341 (app limit), 613 (API), 80006 (Messenger per-Page
 * business use case limit).
 */
export const TRANSIENT_CODES: ReadonlySet<number> = new Set([2, 4, 17, 32, 341, 613, 1200, 80006]);

/** Sub-codes of transient codes that retrying within seconds cannot fix (4/2018354: marketing message frequency). */
const PERMANENT_SUBCODES: ReadonlySet<number> = new Set([2018354]);

/**
 * True when a retry could succeed: any 5xx, a 429, one of {@link TRANSIENT_CODES}, or an error Meta flags
 * `is_transient`. Everything else is permanent and never retried: 100/2018001 (no such user), 10/2018278 (outside the
 * messaging window), 190 (invalid token), 200-299 (permissions), 551 (person unavailable), 368 (blocked for abuse), ...
 */
export function isTransient(facts: GraphErrorFacts): boolean {
  if (facts.code !== undefined && !TRANSIENT_CODES.has(facts.code) && !facts.isTransient) {
    // Meta's code wins over the status: a 500 carrying 190 (a bad token) stays a bad token.
    return facts.status >= 500 && facts.code === 1;
  }
  if (facts.subcode !== undefined && PERMANENT_SUBCODES.has(facts.subcode)) return false;
  return facts.code !== undefined || facts.status >= 500 || facts.status === 429;
}

/**
 * Wait before retry number `retry` (1 for the first): exponential from `minDelay`, capped at `maxDelay`, with "equal
 * jitter" (between half and all of the step) so that many clients failing together do not retry together.
 */
export function backoffDelay(retry: number, minDelay: number, maxDelay: number, random: () => number = Math.random): number {
  const step = Math.min(maxDelay, minDelay * 2 ** (retry - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

/**
 * How long the answer asks to wait, in milliseconds: `Retry-After` (seconds or an HTTP date), else the
 * `estimated_time_to_regain_access` (minutes) of Meta's `X-Business-Use-Case-Usage` / `X-App-Usage` headers.
 */
export function retryAfterOf(headers: Headers, now: number = Date.now()): number | undefined {
  const header = headers.get('retry-after');
  if (header !== null) {
    const trimmed = header.trim();
    if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
    const date = Date.parse(trimmed);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  const minutes = regainAccessMinutes(headers.get('x-business-use-case-usage'));
  return minutes > 0 ? minutes * 60_000 : undefined;
}

/** The largest `estimated_time_to_regain_access` in a usage header (`{ "<id>": [{ ..., estimated_time_to_regain_access }] }`). */
function regainAccessMinutes(header: string | null): number {
  if (!header) return 0;
  let parsed: unknown;
  try {
    parsed = JSON.parse(header);
  } catch {
    return 0;
  }
  let minutes = 0;
  if (typeof parsed !== 'object' || parsed === null) return 0;
  for (const usages of Object.values(parsed)) {
    if (!Array.isArray(usages)) continue;
    for (const usage of usages) {
      const value = (usage as { estimated_time_to_regain_access?: unknown } | null)?.estimated_time_to_regain_access;
      if (typeof value === 'number' && value > minutes) minutes = value;
    }
  }
  return minutes;
}
