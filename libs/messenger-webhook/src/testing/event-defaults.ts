import { randomBytes } from 'node:crypto';

/** Sender PSID the event factories use unless told otherwise. */
export const DEFAULT_SENDER = 'USER_1';

/** Page id (entry id and recipient) the event factories and envelope builders use unless told otherwise. */
export const DEFAULT_PAGE_ID = 'PAGE_1';

/** App id the factories put in echoes and handover events unless told otherwise. */
export const DEFAULT_APP_ID = 1_000_000_000_001;

let midCounter = 0;
let lastTimestamp = 0;

/** A message id no other call of this process returns, shaped like Meta's `m_...` ids. */
export function freshMid(): string {
  midCounter += 1;
  return `m_test_${midCounter}_${randomBytes(6).toString('base64url')}`;
}

/**
 * Now in epoch milliseconds, but strictly greater than the previous call's: events without a `mid` are told apart
 * by their content and timestamp, so two identical events made in the same millisecond would look like one
 * redelivery to the dispatcher's dedupe.
 */
export function nextTimestamp(): number {
  lastTimestamp = Math.max(Date.now(), lastTimestamp + 1);
  return lastTimestamp;
}
