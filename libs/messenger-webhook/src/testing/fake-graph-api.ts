import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defaultAnswer, type FakeGraphState } from './fake-graph-answers.js';

/** A file of a multipart call (attachment upload). */
export interface GraphCallFile {
  /** The form field (`'filedata'` for uploads). */
  readonly field: string;
  readonly filename: string;
  readonly contentType: string;
  readonly data: Buffer;
}

/** One call the fake Graph API received, as the bot made it. */
export interface GraphCall {
  /** `GET`, `POST` or `DELETE`. */
  readonly method: string;
  /** The full path, e.g. `/v25.0/me/messages`. */
  readonly path: string;
  /** The Graph API version of the path, e.g. `'v25.0'` (undefined when the path has none). */
  readonly version?: string;
  /** The path without the version, e.g. `'me/messages'`. */
  readonly endpoint: string;
  /** Query parameters as sent, `appsecret_proof` included (and `access_token`, if the token came that way). */
  readonly query: Readonly<Record<string, string>>;
  /** The access token the call carried (Bearer header or `access_token` parameter). */
  readonly accessToken?: string;
  /** The JSON body; for a multipart call, its text fields (JSON ones parsed). */
  readonly body: unknown;
  /** The files of a multipart call. */
  readonly files: readonly GraphCallFile[];
  /** When it arrived (`Date.now()`). */
  readonly receivedAt: number;
  /** What the fake answered (`status: 0` while the answer is still held by `delayNext`). */
  readonly response: { readonly status: number; readonly body: unknown };
}

/** How the next call should fail: an HTTP status with Meta's error body, and optionally a `Retry-After`. */
export interface GraphFailure {
  /** HTTP status (e.g. 500, 429, 400). */
  status: number;
  /** Meta's `error.code` (e.g. 2, 613, 100); when left out, the body has no `code`. */
  code?: number;
  /** Meta's `error.error_subcode` (e.g. 2018001). */
  subcode?: number;
  /** Meta's `error.message` (default: a description of the status). */
  message?: string;
  /** Meta's `error.type` (default `'OAuthException'`). */
  type?: string;
  /** Meta's `error.is_transient`. */
  isTransient?: boolean;
  /** `Retry-After` header: seconds, or an HTTP date. */
  retryAfter?: number | string;
  /** A raw body to answer instead of Meta's error shape (a string is sent as is). */
  body?: unknown;
  /** How many consecutive calls fail this way (default 1). */
  times?: number;
}

/** Options of {@link createFakeGraphApi}. */
export interface FakeGraphApiOptions {
  /** When set, each call's `appsecret_proof` is checked against its token like Meta does (code 100 when wrong or missing). */
  appSecret?: string;
  /** When set, only these tokens are accepted (code 190 otherwise), e.g. to prove which Page's token a call used. */
  accessTokens?: readonly string[];
}

/** A local stand-in for graph.facebook.com; see {@link createFakeGraphApi}. */
export interface FakeGraphApi {
  /** Base URL to give the module as `graphApiUrl` (and `instagramApiUrl`). */
  readonly url: string;
  /** Every call received, in arrival order. */
  readonly calls: readonly GraphCall[];
  /** The bodies of the messages sent (`POST me/messages` without `sender_action`), in arrival order. */
  readonly messages: readonly Record<string, unknown>[];
  /** Makes the next call(s) fail: `failNext(500)`, `failNext({ status: 429, code: 613, retryAfter: 1 })`. Chainable; queued in order. */
  failNext(failure: number | GraphFailure): FakeGraphApi;
  /** Holds the answer of the next call(s) for `ms` milliseconds (to trip a client timeout). */
  delayNext(ms: number, times?: number): FakeGraphApi;
  /** Sets what `GET <user id>` answers for one person. */
  setUserProfile(userId: string, profile: Record<string, unknown>): FakeGraphApi;
  /** Resolves with the calls once at least `count` have arrived; rejects after `timeout` ms (default 5 000), listing what came. */
  waitForCalls(count: number, options?: { timeout?: number }): Promise<readonly GraphCall[]>;
  /** Forgets calls, queued failures and delays, profiles; keeps listening. */
  reset(): void;
  /** Stops the server (open connections included). */
  close(): Promise<void>;
}

const NOT_ANSWERED: GraphCall['response'] = Object.freeze({ status: 0, body: undefined });

type Planned = { kind: 'fail'; failure: GraphFailure } | { kind: 'delay'; ms: number };

/**
 * Starts a fake Graph API on 127.0.0.1 (a free port): a real HTTP server that records every call (method, path,
 * query, token, JSON or multipart body) and answers like Meta (message ids, attachment ids, a Messenger profile
 * kept in memory), or fails on demand with a status, Meta's error body and a `Retry-After`.
 *
 * ```ts
 * const graph = await createFakeGraphApi();
 * MessengerWebhookModule.forRoot({ verifyToken, appSecret, pageAccessToken: 'test-token', graphApiUrl: graph.url });
 * await client.send(MessengerEvents.text('hi'));
 * expect(graph.messages[0]).toMatchObject({ recipient: { id: 'USER_1' }, message: { text: 'Hello!' } });
 * await graph.close();
 * ```
 */
export async function createFakeGraphApi(options: FakeGraphApiOptions = {}): Promise<FakeGraphApi> {
  const calls: GraphCall[] = [];
  const plan: Planned[] = [];
  const waiters = new Set<() => void>();
  const timers = new Set<NodeJS.Timeout>();
  const state: FakeGraphState = { sequence: 0, profiles: new Map(), messengerProfiles: new Map() };

  const server: Server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: `fake Graph API failed: ${error instanceof Error ? error.message : String(error)}`, code: 1 } }));
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const receivedAt = Date.now();
    const raw = await readBody(request);
    const url = new URL(request.url ?? '/', 'http://fake');
    const query = Object.fromEntries(url.searchParams);
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    const accessToken = bearer ?? query.access_token;
    const { body, files } = await parseBody(raw, request.headers['content-type'] ?? '');
    const segments = url.pathname.split('/').filter(Boolean);
    const version = segments[0] && /^v\d+\.\d+$/.test(segments[0]) ? segments.shift() : undefined;
    const endpoint = segments.map(decodeURIComponent).join('/');
    const call: GraphCall = { method: request.method ?? 'GET', path: url.pathname, version, endpoint, query, accessToken, body, files, receivedAt, response: NOT_ANSWERED };
    // Recorded on arrival, so `calls` is in arrival order even when answers are delayed.
    calls.push(call);
    for (const notify of waiters) notify();
    const planned = plan.shift();
    if (planned?.kind === 'delay') await wait(planned.ms);
    const { status, answer, headers } =
      planned?.kind === 'fail'
        ? failureAnswer(planned.failure)
        : authProblem(accessToken, query.appsecret_proof) ?? { status: 200, answer: defaultAnswer(state, call.method, endpoint, query, body), headers: {} };
    (call as { response: GraphCall['response'] }).response = { status, body: answer };
    if (response.destroyed) return;
    response.writeHead(status, { 'content-type': typeof answer === 'string' ? 'text/plain' : 'application/json', ...headers });
    response.end(typeof answer === 'string' ? answer : JSON.stringify(answer));
  }

  function authProblem(token: string | undefined, proof: string | undefined): { status: number; answer: unknown; headers: Record<string, string> } | null {
    if (!token) return failureAnswer({ status: 400, code: 190, message: 'An access token is required to request this resource.' });
    if (options.accessTokens && !options.accessTokens.includes(token)) return failureAnswer({ status: 400, code: 190, message: 'Invalid OAuth access token - Cannot parse access token' });
    if (options.appSecret) {
      const expected = createHmac('sha256', options.appSecret).update(token).digest('hex');
      if (!proof || proof.length !== expected.length || !timingSafeEqual(Buffer.from(proof), Buffer.from(expected))) {
        return failureAnswer({ status: 400, code: 100, type: 'GraphMethodException', message: 'Invalid appsecret_proof provided in the API argument' });
      }
    }
    return null;
  }

  function wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const fake: FakeGraphApi = {
    url: `http://127.0.0.1:${port}`,
    calls,
    get messages() {
      return calls
        .filter((call) => call.method === 'POST' && /(^|\/)messages$/.test(call.endpoint) && isRecord(call.body) && !('sender_action' in call.body))
        .map((call) => call.body as Record<string, unknown>);
    },
    failNext(failure) {
      const spec = typeof failure === 'number' ? { status: failure } : failure;
      for (let i = 0; i < (spec.times ?? 1); i++) plan.push({ kind: 'fail', failure: spec });
      return fake;
    },
    delayNext(ms, times = 1) {
      for (let i = 0; i < times; i++) plan.push({ kind: 'delay', ms });
      return fake;
    },
    setUserProfile(userId, profile) {
      state.profiles.set(userId, profile);
      return fake;
    },
    waitForCalls(count, waitOptions = {}) {
      const timeout = waitOptions.timeout ?? 5_000;
      if (calls.length >= count) return Promise.resolve(calls);
      return new Promise((resolve, reject) => {
        const check = () => {
          if (calls.length < count) return;
          cleanup();
          resolve(calls);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`fake Graph API: expected ${count} calls within ${timeout} ms, got ${calls.length}: ${calls.map((call) => `${call.method} ${call.endpoint}`).join(', ') || 'none'}`));
        }, timeout);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
      });
    },
    reset() {
      calls.length = 0;
      plan.length = 0;
      state.profiles.clear();
      state.messengerProfiles.clear();
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}

function failureAnswer(failure: GraphFailure): { status: number; answer: unknown; headers: Record<string, string> } {
  const headers: Record<string, string> = failure.retryAfter === undefined ? {} : { 'retry-after': String(failure.retryAfter) };
  if (failure.body !== undefined) return { status: failure.status, answer: failure.body, headers };
  const error: Record<string, unknown> = {
    message: failure.message ?? `Fake failure with HTTP ${failure.status}`,
    type: failure.type ?? 'OAuthException',
  };
  if (failure.code !== undefined) error.code = failure.code;
  if (failure.subcode !== undefined) error.error_subcode = failure.subcode;
  if (failure.isTransient !== undefined) error.is_transient = failure.isTransient;
  error.fbtrace_id = `FAKE${Math.random().toString(36).slice(2, 10)}`;
  return { status: failure.status, answer: { error }, headers };
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/** JSON, form-encoded or multipart bodies, the way the Graph API accepts them. */
async function parseBody(raw: Buffer, contentType: string): Promise<{ body: unknown; files: GraphCallFile[] }> {
  if (raw.length === 0) return { body: undefined, files: [] };
  if (contentType.startsWith('multipart/form-data') || contentType.startsWith('application/x-www-form-urlencoded')) {
    // Undici's own multipart parser, through the Fetch API's Response.
    const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
    const fields: Record<string, unknown> = {};
    const files: GraphCallFile[] = [];
    for (const [field, value] of form) {
      if (typeof value === 'string') fields[field] = /^\s*[[{]/.test(value) ? parseJson(value) ?? value : value;
      else files.push({ field, filename: value.name, contentType: value.type, data: Buffer.from(await value.arrayBuffer()) });
    }
    return { body: fields, files };
  }
  const text = raw.toString('utf8');
  return { body: parseJson(text) ?? text, files: [] };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
