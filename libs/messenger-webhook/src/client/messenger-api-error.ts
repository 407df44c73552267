/** How a failed Graph API call ended: with an error answer, or with no answer at all. */
export type ApiFailureReason = 'response' | 'timeout' | 'network';

/** The facts of one failed Graph API call; never a token, never the request. */
export interface MessengerApiErrorDetails {
  /** The call, e.g. `'POST me/messages'` (no host, no query: nothing secret). */
  readonly endpoint: string;
  /** Why it failed: an error answer, a timeout, or a network failure. */
  readonly reason: ApiFailureReason;
  /** HTTP status of the last answer; `0` when there was none (timeout, network). */
  readonly status: number;
  /** Meta's `error.message` (or a description of the timeout / network failure). */
  readonly message: string;
  /** Meta's `error.code` (e.g. 100, 190, 613). */
  readonly code?: number;
  /** Meta's `error.error_subcode` (e.g. 2018001, 2018278). */
  readonly subcode?: number;
  /** Meta's `error.type` (e.g. `'OAuthException'`). */
  readonly type?: string;
  /** Meta's `error.fbtrace_id`, to quote when asking Meta for help. */
  readonly fbtraceId?: string;
  /** True when the failure was transient (a retry could succeed), false when retrying cannot help. */
  readonly transient: boolean;
  /** Attempts made, the first one included. */
  readonly attempts: number;
  /** Milliseconds Meta asked to wait (`Retry-After`), when it asked. */
  readonly retryAfter?: number;
  /** What the network layer said, for timeouts and network failures (tokens removed). */
  readonly cause?: string;
}

/** The fields a {@link MessengerApiError} carries as they are: its details but the message and cause, which it formats. */
export type MessengerApiErrorFields = Omit<MessengerApiErrorDetails, 'message' | 'cause'>;

// The fields are declared once, by MessengerApiErrorDetails (with their docs), and merged into the class here.
export interface MessengerApiError extends Readonly<MessengerApiErrorFields> {}

// Copied by name, not by spread: whatever else a caller's object holds (a request, a token) never reaches the error.
const FIELDS = ['endpoint', 'reason', 'status', 'code', 'subcode', 'type', 'fbtraceId', 'transient', 'attempts', 'retryAfter'] as const;
// Fails to compile when a field is added to MessengerApiErrorDetails and not to FIELDS.
const everyField: Exclude<keyof MessengerApiErrorFields, (typeof FIELDS)[number]> extends never ? true : never = true;
void everyField;

/**
 * A Graph API call that failed for good (after the retries transient failures get). Carries Meta's error fields; it
 * never holds the access token or the `appsecret_proof`, in its message, its fields, its cause or its stack.
 */
export class MessengerApiError extends Error {
  override readonly name = 'MessengerApiError';

  constructor(details: MessengerApiErrorDetails) {
    const facts = [
      details.status ? `HTTP ${details.status}` : details.reason,
      details.code !== undefined && `code ${details.code}`,
      details.subcode !== undefined && `subcode ${details.subcode}`,
      details.fbtraceId && `fbtrace_id ${details.fbtraceId}`,
      details.attempts > 1 && `${details.attempts} attempts`,
    ].filter(Boolean);
    // A plain string as cause: an Error from the network layer could hold the request, and the request holds the token.
    super(`${details.endpoint} failed (${facts.join(', ')}): ${details.message}`, details.cause === undefined ? undefined : { cause: details.cause });
    for (const field of FIELDS) (this as Record<string, unknown>)[field] = details[field];
  }
}

/** A call the client refused before reaching Meta: nothing configured to send with, or an argument Meta would refuse. */
export class MessengerClientError extends Error {
  override readonly name = 'MessengerClientError';
}

/** Replaces every occurrence of the secrets in `text`; used on anything that could echo a request. */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let result = text;
  for (const secret of secrets) if (secret) result = result.split(secret).join('[redacted]');
  return result;
}
