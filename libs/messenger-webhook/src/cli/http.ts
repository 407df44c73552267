import { performance } from 'node:perf_hooks';
import { metaStringify } from '../testing/meta-json.js';
import { signPayload } from '../testing/sign-payload.js';

/** How long a request may take; Meta gives up on a webhook after 20 s too. */
export const REQUEST_TIMEOUT_MS = 20_000;

/** The answer of the server and how long it took. */
export interface Exchange {
  /** HTTP status. */
  status: number;
  /** HTTP status text, e.g. `OK`. */
  statusText: string;
  /** Response body as text. */
  body: string;
  /** Milliseconds from sending to the end of the body. */
  ms: number;
}

/** The server could not be reached at all (refused, unknown host, timeout): exit code 1. */
export class UnreachableError extends Error {}

/** `url` without user info or handshake parameters, so neither credentials nor the verify token reach the terminal. */
export function displayUrl(url: URL): string {
  const shown = new URL(url);
  shown.username = '';
  shown.password = '';
  for (const key of [...shown.searchParams.keys()]) if (key.startsWith('hub.')) shown.searchParams.delete(key);
  return shown.href;
}

/** `text` on one line, cut to `max` characters. */
export function shorten(text: string, max = 200): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 3)}...` : line;
}

/**
 * Sends one request, timing it; a network failure becomes an {@link UnreachableError} that names the cause. User info
 * in the URL (`http://user:password@host`) is sent as Basic authentication, as curl does: fetch refuses such URLs, and
 * its error would print them whole.
 */
export async function exchange(url: URL, init: RequestInit = {}): Promise<Exchange> {
  const started = performance.now();
  const { target, authorization } = withoutCredentials(url);
  const headers = new Headers(init.headers);
  if (authorization) headers.set('authorization', authorization);
  try {
    const response = await fetch(target, { ...init, headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS), redirect: 'manual' });
    const body = await response.text();
    return { status: response.status, statusText: response.statusText, body, ms: Math.round(performance.now() - started) };
  } catch (error) {
    // The cause can quote the URL it was given: the handshake's carries the verify token.
    throw new UnreachableError(`cannot reach URL: ${displayUrl(url)} (${causeOf(error).split(target.href).join(displayUrl(target))})`);
  }
}

function withoutCredentials(url: URL): { target: URL; authorization?: string } {
  if (url.username === '' && url.password === '') return { target: url };
  const target = new URL(url);
  target.username = '';
  target.password = '';
  const user = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  return { target, authorization: `Basic ${Buffer.from(user, 'utf8').toString('base64')}` };
}

/** POSTs `body` serialised and signed like Meta (`X-Hub-Signature-256` over the exact bytes sent). */
export async function postSigned(url: URL, body: unknown, secret: string): Promise<Exchange & { bytes: number }> {
  const raw = metaStringify(body);
  const headers = { 'content-type': 'application/json', 'x-hub-signature-256': signPayload(raw, secret), 'user-agent': 'messenger-webhook-simulator' };
  const result = await exchange(url, { method: 'POST', headers, body: raw });
  return { ...result, bytes: Buffer.byteLength(raw) };
}

/** What went wrong with a delivery's answer, or `null` when it is the `200` Meta expects. */
export function deliveryProblem(result: Exchange): string | null {
  if (result.status === 200) return null;
  if (result.status === 401 || result.status === 403) {
    // Blame the secret only when the server said the signature was the problem: an auth guard or a proxy answers 403 too.
    if (/signature/i.test(result.body)) {
      return `the server refused the signature (${result.status}): the secret is probably wrong (it must be the app's App Secret)`;
    }
    return `the server answered ${answered(result)}, which does not mention the signature: something else refused the request (an auth guard, a proxy)`;
  }
  return `the server answered ${result.status} ${result.statusText}, not 200: Meta would retry this delivery`;
}

/** `403 Forbidden: <the body on one line>`, for messages that report what a server said. */
export function answered(result: Exchange): string {
  const body = shorten(result.body, 160);
  return `${result.status} ${result.statusText}${body ? `: ${body}` : ''}`;
}

/** The status line printed for an answer: `200 OK in 12 ms: EVENT_RECEIVED`. */
export function statusLine(result: Exchange): string {
  const body = shorten(result.body);
  return `${result.status} ${result.statusText} in ${result.ms} ms${body ? `: ${body}` : ''}`;
}

function causeOf(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
  // fetch reports "fetch failed"; the socket error is its cause (an AggregateError when several addresses were tried).
  const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
  if (cause instanceof AggregateError) {
    const first = cause.errors.find((item: unknown) => item instanceof Error) as Error | undefined;
    return first?.message || codeOf(cause) || 'connection failed';
  }
  if (cause instanceof Error) return cause.message || codeOf(cause) || cause.name;
  return String(cause);
}

function codeOf(error: Error): string | undefined {
  const code = (error as Error & { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}
