import type { Logger } from '@nestjs/common';
import { appSecretProof } from './appsecret-proof.js';
import type { GraphTarget } from './graph-target.js';
import { MessengerApiError, redact, type MessengerApiErrorDetails } from './messenger-api-error.js';
import { backoffDelay, isTransient, retryAfterOf } from './retry-policy.js';

/** One Graph API call, relative to the versioned base URL. */
export interface GraphRequest {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** E.g. `'me/messages'`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  /** A JSON body, or a multipart one (attachment upload). */
  readonly body?: object | FormData;
}

/** Makes Graph API calls; the client's only way out. */
export interface GraphTransport {
  /** Resolves with the parsed answer; rejects with a {@link MessengerApiError} once retries are spent. */
  call<T>(target: GraphTarget, request: GraphRequest): Promise<T>;
}

/** What {@link HttpGraphTransport} reads from the client configuration. */
export interface TransportSettings {
  readonly timeout: number;
  readonly retry: { readonly retries: number; readonly minDelay: number; readonly maxDelay: number };
  readonly appSecret: string | undefined;
}

type Attempt = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly failure: Omit<MessengerApiErrorDetails, 'attempts'> };

/** Pieces tests replace: the wait between attempts and the jitter. */
export interface TransportClock {
  sleep(ms: number): Promise<void>;
  random(): number;
}

const REAL_CLOCK: TransportClock = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/**
 * Calls the Graph API with Node's own `fetch`: the token in the `Authorization` header (never in the URL),
 * `appsecret_proof` when an app secret is configured, a timeout per attempt, and retries with backoff and jitter on
 * transient failures only, honouring `Retry-After`.
 */
export class HttpGraphTransport implements GraphTransport {
  constructor(
    private readonly settings: TransportSettings,
    private readonly logger: Logger,
    private readonly clock: TransportClock = REAL_CLOCK,
  ) {}

  async call<T>(target: GraphTarget, request: GraphRequest): Promise<T> {
    const endpoint = `${request.method} ${request.path}`;
    const url = new URL(`${target.baseUrl}/${request.path}`);
    for (const [key, value] of Object.entries(request.query ?? {})) url.searchParams.set(key, value);
    const proof = this.settings.appSecret ? appSecretProof(target.token, this.settings.appSecret) : undefined;
    if (proof) url.searchParams.set('appsecret_proof', proof);
    const headers: Record<string, string> = { authorization: `Bearer ${target.token}` };
    let body: string | FormData | undefined;
    if (request.body instanceof FormData) {
      body = request.body;
    } else if (request.body !== undefined) {
      body = JSON.stringify(request.body);
      headers['content-type'] = 'application/json';
    }
    const { retries, minDelay, maxDelay } = this.settings.retry;
    for (let attempt = 1; ; attempt++) {
      const result = await this.attempt(url, { method: request.method, headers, body }, endpoint, [target.token, proof]);
      if (result.ok) return result.value as T;
      const { failure } = result;
      const wait = Math.max(failure.retryAfter ?? 0, backoffDelay(attempt, minDelay, maxDelay, this.clock.random));
      // Waiting longer than maxDelay would hold the conversation's later sends hostage: give up and say how long.
      if (!failure.transient || attempt > retries || (failure.retryAfter ?? 0) > maxDelay) throw new MessengerApiError({ ...failure, attempts: attempt });
      this.logger.warn(`${endpoint} failed (${failure.status ? `HTTP ${failure.status}` : failure.reason}${failure.code !== undefined ? `, code ${failure.code}` : ''}): retry ${attempt} of ${retries} in ${wait} ms`);
      await this.clock.sleep(wait);
    }
  }

  private async attempt(url: URL, init: RequestInit, endpoint: string, secrets: Array<string | undefined>): Promise<Attempt> {
    let status = 0;
    try {
      const response = await fetch(url, { ...init, signal: AbortSignal.timeout(this.settings.timeout) });
      status = response.status;
      const text = await response.text();
      if (response.ok) return { ok: true, value: text === '' ? {} : parseJson(text) ?? { body: text } };
      return { ok: false, failure: errorAnswer(endpoint, response, text, secrets) };
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      return {
        ok: false,
        failure: {
          endpoint,
          reason: timedOut ? 'timeout' : 'network',
          status,
          message: timedOut ? `no answer within graphApiTimeout (${this.settings.timeout} ms)` : 'the request did not reach the Graph API',
          // A timeout or a broken connection may or may not have been acted on; Meta gives no idempotency key, so a
          // retried send can, rarely, arrive twice. Losing it would be worse.
          transient: true,
          cause: redact(describeError(error), secrets),
        },
      };
    }
  }
}

/** Meta's error body (`{ error: { message, type, code, error_subcode, fbtrace_id, is_transient } }`) as error details. */
function errorAnswer(endpoint: string, response: Response, text: string, secrets: Array<string | undefined>): Omit<MessengerApiErrorDetails, 'attempts'> {
  const parsed = parseJson(text);
  const error = (parsed as { error?: unknown } | undefined)?.error;
  const fields = typeof error === 'object' && error !== null ? (error as Record<string, unknown>) : {};
  const code = typeof fields.code === 'number' ? fields.code : undefined;
  const subcode = typeof fields.error_subcode === 'number' ? fields.error_subcode : undefined;
  const message = typeof fields.message === 'string' ? fields.message : `${response.statusText || 'error'} (no Graph API error body)`;
  return {
    endpoint,
    reason: 'response',
    status: response.status,
    message: redact(message, secrets),
    code,
    subcode,
    type: typeof fields.type === 'string' ? fields.type : undefined,
    fbtraceId: typeof fields.fbtrace_id === 'string' ? fields.fbtrace_id : undefined,
    transient: isTransient({ status: response.status, code, subcode, isTransient: fields.is_transient === true }),
    retryAfter: retryAfterOf(response.headers),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `fetch failed: connect ECONNREFUSED 127.0.0.1:1` from an error and its causes, as text only. */
function describeError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 4; depth++) {
    parts.push(current instanceof Error ? current.message : String(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(': ');
}
