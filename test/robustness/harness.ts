import { Agent, request } from 'node:http';
import { Injectable } from '@nestjs/common';
import { OnEvent, type MessengerContext, type MessengerEvent } from 'nestjs-messenger-webhook';
import { signPayload } from 'nestjs-messenger-webhook/testing';
import { APP_SECRET } from '../support/app.js';
import { markerOf, POLLUTION_PROBES, type SignatureMode } from './bodies.js';

/** Statuses the webhook may answer to anything at all: never a 5xx. */
export const ALLOWED_STATUSES: readonly number[] = [200, 400, 401, 403, 413, 415];

/** Records every event the app's handlers receive, and how often each marked valid event arrived. */
@Injectable()
export class RecordingBot {
  /** Handler calls of any event. */
  calls = 0;
  /** Marker of a valid event -> how many times it reached the handler. */
  readonly markers = new Map<string, number>();
  /** Kinds seen, for the report. */
  readonly kinds = new Map<string, number>();

  /** Receives every event: all types, standby and unknown ones included. */
  @OnEvent()
  record(event: MessengerEvent, context: MessengerContext): void {
    this.calls++;
    this.kinds.set(context.kind, (this.kinds.get(context.kind) ?? 0) + 1);
    const marker = markerOf(event);
    if (marker !== undefined) this.markers.set(marker, (this.markers.get(marker) ?? 0) + 1);
  }
}

/** The `X-Hub-Signature-256` value for a signature mode: right, absent, keyed wrongly, or of a wrong shape. */
export function signatureHeader(body: Buffer, mode: SignatureMode): string | undefined {
  switch (mode) {
    case 'valid':
      return signPayload(body, APP_SECRET);
    case 'none':
      return undefined;
    case 'wrong-secret':
      return signPayload(body, 'not-the-app-secret');
    case 'malformed':
      return signPayload(body, APP_SECRET).slice(0, -2);
  }
}

/**
 * POSTs exact bytes: a `Uint8Array` body makes fetch add no `Content-Type` of its own, so `null` really sends none.
 * Fetch keeps connections alive between calls; `chunked` sends the body without a `Content-Length` instead. The kit's
 * `send()` always sends a content type and a length, which is what these cases take away.
 */
export async function postRaw(url: string, body: Buffer, contentType: string | null, signature: string | undefined, chunked = false): Promise<number> {
  const headers: Record<string, string> = {};
  if (contentType !== null) headers['content-type'] = contentType;
  if (signature !== undefined) headers['x-hub-signature-256'] = signature;
  if (chunked) return postChunked(url, body, headers);
  const response = await fetch(url, { method: 'POST', headers, body: new Uint8Array(body) });
  await response.arrayBuffer();
  return response.status;
}

function postChunked(url: string, body: Buffer, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method: 'POST', headers: { ...headers, 'transfer-encoding': 'chunked' } }, (response) => {
      response.on('error', reject);
      response.on('end', () => resolve(response.statusCode ?? 0));
      response.resume();
    });
    outgoing.on('error', reject);
    // Two chunks, so a parser that only looks at the first one is caught out.
    const middle = Math.floor(body.length / 2);
    if (middle > 0) outgoing.write(body.subarray(0, middle));
    outgoing.end(body.subarray(middle));
  });
}

/**
 * An HTTP client over at most `connections` keep-alive sockets: unlike fetch's pool, which may open a new socket
 * while a finished one is still being handed back, the number of connections is exactly what the test says.
 */
export class KeepAliveClient {
  private readonly agent: Agent;

  /** @param connections how many sockets at most, reused from one request to the next. */
  constructor(connections: number) {
    this.agent = new Agent({ keepAlive: true, maxSockets: connections });
  }

  /** POSTs `body` and resolves with the status once the whole response was read. */
  post(url: string, headers: Record<string, string>, body: string | Buffer): Promise<number> {
    return new Promise((resolve, reject) => {
      const outgoing = request(url, { method: 'POST', agent: this.agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (response) => {
        response.on('error', reject);
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.resume();
      });
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }

  /** Closes every socket. */
  close(): void {
    this.agent.destroy();
  }
}

/** Runs `task` over `items` with at most `limit` running at once; results keep the order of `items`. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Collects `unhandledRejection` and `uncaughtException` while installed: either one would kill a production server. */
export class CrashRecorder {
  /** What was caught, as text. */
  readonly crashes: string[] = [];
  private readonly onRejection = (reason: unknown): void => {
    this.crashes.push(`unhandledRejection: ${reason instanceof Error ? reason.stack : String(reason)}`);
  };
  private readonly onException = (error: Error): void => {
    this.crashes.push(`uncaughtException: ${error.stack ?? String(error)}`);
  };

  /** Starts listening on `process`. */
  install(): this {
    process.on('unhandledRejection', this.onRejection);
    process.on('uncaughtException', this.onException);
    return this;
  }

  /** Forgets what was caught so far. */
  clear(): void {
    this.crashes.length = 0;
  }

  /** Stops listening. */
  uninstall(): void {
    process.off('unhandledRejection', this.onRejection);
    process.off('uncaughtException', this.onException);
  }
}

const WATCHED_PROTOTYPES: ReadonlyArray<readonly [string, object]> = [
  ['Object.prototype', Object.prototype],
  ['Array.prototype', Array.prototype],
  ['Function.prototype', Function.prototype],
  ['String.prototype', String.prototype],
];

/** The own properties of the built-in prototypes (with their values), to compare before and after a run. */
export function prototypeSnapshot(): Map<string, unknown> {
  const snapshot = new Map<string, unknown>();
  for (const [name, proto] of WATCHED_PROTOTYPES) {
    for (const key of Reflect.ownKeys(proto)) {
      const descriptor = Object.getOwnPropertyDescriptor(proto, key)!;
      snapshot.set(`${name}.${String(key)}`, descriptor.value ?? descriptor.get);
    }
  }
  return snapshot;
}

/** Differences between two {@link prototypeSnapshot}s, plus any pollution probe now visible on a fresh object. */
export function pollutionSince(before: Map<string, unknown>): string[] {
  const after = prototypeSnapshot();
  const changes: string[] = [];
  for (const [key, value] of after) {
    if (!before.has(key)) changes.push(`added ${key}`);
    else if (before.get(key) !== value) changes.push(`changed ${key}`);
  }
  for (const key of before.keys()) if (!after.has(key)) changes.push(`removed ${key}`);
  const fresh: Record<string, unknown> = {};
  for (const probe of POLLUTION_PROBES) {
    if (fresh[probe] !== undefined) changes.push(`({}).${probe} is ${String(fresh[probe])}`);
    if (([] as unknown as Record<string, unknown>)[probe] !== undefined) changes.push(`[].${probe} is set`);
  }
  return changes;
}
