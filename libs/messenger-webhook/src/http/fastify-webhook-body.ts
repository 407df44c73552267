import { Readable } from 'node:stream';
import { Inject, Injectable, Logger, PayloadTooLargeException, RequestMethod, type OnModuleInit } from '@nestjs/common';
import { ApplicationConfig, HttpAdapterHost } from '@nestjs/core';
import { MESSENGER_WEBHOOK_PATH, MESSENGER_WEBHOOK_VERSION } from '../messenger-webhook.constants.js';
import { mayHoldPoisonedKeys, parseWithoutPoisonedKeys } from './poisoned-keys.js';
import { appRouting, webhookPaths, type WebhookVersion } from './webhook-route.js';

/** A delivery the Fastify hook read itself: the bytes Meta signed, and the body parsed from them without poisoned keys. */
export interface HeldBody {
  readonly raw: Buffer;
  readonly parsed: unknown;
}

/** Where the Fastify hook leaves a {@link HeldBody} on the request for the controller. */
export const HELD_BODY = Symbol('messenger-webhook:held-body');

/**
 * Set by the Fastify hook on a webhook request whose bytes it found free of `__proto__` / `constructor` spellings, so
 * the controller does not search the same bytes again.
 */
export const VETTED_BODY = Symbol('messenger-webhook:vetted-body');

/** What Fastify's parser gets instead of a body the hook holds: trivially valid JSON. */
const PLACEHOLDER = Buffer.from('{}');

/** The parts of a Fastify request the hook reads (the library does not depend on Fastify's types). */
interface HookRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  routeOptions?: { url?: string; bodyLimit?: number };
  [HELD_BODY]?: HeldBody;
  [VETTED_BODY]?: boolean;
}

/** The part of a Fastify reply the hook uses. */
interface HookReply {
  header(name: string, value: string): unknown;
}

/** Fastify's callback form of the hook: `done(error)`, or `done(null, stream)` with the stream its parser reads. */
type PreParsingDone = (error: unknown, payload?: NodeJS.ReadableStream) => void;
type PreParsingHook = (request: HookRequest, reply: HookReply, payload: NodeJS.ReadableStream, done: PreParsingDone) => void;

/** The parts of a Fastify instance the hook uses. */
interface FastifyInstanceLike {
  addHook(name: 'preParsing', hook: PreParsingHook): unknown;
  initialConfig?: { bodyLimit?: number };
}

const JSON_MEDIA_TYPE = /^application\/json\s*(;|$)/i;
const FASTIFY_DEFAULT_BODY_LIMIT = 1024 * 1024;

/**
 * Makes Fastify take a signed body with a `__proto__` (or `constructor.prototype`) key as Express does, on the
 * webhook route only: Fastify's parser refuses such a body whole with `400`, so its valid events are lost and Meta,
 * which does not retry a `4xx`, never sends them again. A `preParsing` hook reads the webhook's JSON body (within the
 * route's body limit); only when it holds such keys, the hook parses it without them, holds the signed bytes and that
 * body on the request, and gives Fastify's parser `{}` instead. The controller checks the signature over the held
 * bytes. The app's other routes keep Fastify's own rules.
 */
@Injectable()
export class FastifyWebhookBody implements OnModuleInit {
  private readonly logger = new Logger('MessengerWebhook');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly appConfig: ApplicationConfig,
    @Inject(MESSENGER_WEBHOOK_PATH) private readonly path: string,
    @Inject(MESSENGER_WEBHOOK_VERSION) private readonly version: WebhookVersion,
  ) {}

  /** Adds the hook on a Fastify app (before it listens); does nothing on Express or without HTTP. */
  onModuleInit(): void {
    const adapter = this.adapterHost?.httpAdapter;
    if (!adapter || adapter.getType() !== 'fastify') return;
    const fastify = adapter.getInstance() as FastifyInstanceLike;
    const urls = new Set(webhookPaths({ path: this.path, version: this.version }, appRouting(this.appConfig), RequestMethod.POST));
    // The callback form rather than an async hook: no promise chain per request, on every route of the app.
    fastify.addHook('preParsing', (request, reply, payload, done) => {
      if (request.method !== 'POST' || !urls.has(request.routeOptions?.url ?? '')) return done(null, payload);
      if (!JSON_MEDIA_TYPE.test(String(request.headers['content-type'] ?? ''))) return done(null, payload);
      const limit = request.routeOptions?.bodyLimit ?? fastify.initialConfig?.bodyLimit ?? FASTIFY_DEFAULT_BODY_LIMIT;
      // One turn of the microtask queue lets the connection's current read finish: a body that came in the same
      // packets as its headers (nearly every delivery) is then buffered whole in the request stream.
      queueMicrotask(() => {
        let buffered: Buffer | null;
        try {
          buffered = takeBuffered(payload, request.headers['content-length'], limit);
        } catch (error) {
          return done(error);
        }
        if (buffered) return this.finish(request, payload, done, buffered, buffered);
        readAll(payload, request.headers['content-length'], limit, reply).then((raw) => this.finish(request, payload, done, null, raw), done);
      });
    });
  }

  /** Hands Fastify the stream {@link vet} gives, or its error: `done` is called once, and outside the try (it runs the route). */
  private finish(request: HookRequest, payload: NodeJS.ReadableStream, done: PreParsingDone, buffered: Buffer | null, raw: Buffer): void {
    let stream: NodeJS.ReadableStream;
    try {
      stream = this.vet(request, payload, buffered, raw);
    } catch (error) {
      return done(error);
    }
    done(null, stream);
  }

  /**
   * What Fastify's parser reads once the hook has the body's bytes (`buffered` when they were taken from the request
   * stream, to be given back): the request itself when they hold no poisoned key, else `{}`, the body being held.
   */
  private vet(request: HookRequest, payload: NodeJS.ReadableStream, buffered: Buffer | null, raw: Buffer): NodeJS.ReadableStream {
    if (!mayHoldPoisonedKeys(raw)) {
      request[VETTED_BODY] = true;
      return unchanged(payload, buffered, raw);
    }
    let parsed: unknown;
    let removed: number;
    try {
      ({ value: parsed, removed } = parseWithoutPoisonedKeys(raw.toString('utf8')));
    } catch {
      // Not JSON: Fastify's parser says so, as for any other body.
      return unchanged(payload, buffered, raw);
    }
    // Only a key Fastify's parser would refuse (a plain "constructor" is fine) makes the hook keep the body.
    if (removed === 0) return unchanged(payload, buffered, raw);
    // Held rather than serialised again for the parser: a body can nest deeper than JSON.stringify recurses.
    request[HELD_BODY] = { raw, parsed };
    this.logger.debug(`Removed ${removed} __proto__ / constructor.prototype keys from a delivery before Fastify's parser saw it`);
    return replay(PLACEHOLDER, raw.length);
  }
}

/**
 * The whole body when the request stream already holds every byte its Content-Length announces (within `limit`), taken
 * out with `read()`; `null` otherwise (a body still arriving, a chunked one, or a stream that is not a Readable).
 */
function takeBuffered(payload: NodeJS.ReadableStream, contentLength: string | string[] | undefined, limit: number): Buffer | null {
  if (!(payload instanceof Readable) || typeof contentLength !== 'string') return null;
  const length = Number(contentLength);
  if (!(length > 0) || length > limit || payload.readableLength !== length) return null;
  const chunk: unknown = payload.read();
  if (Buffer.isBuffer(chunk) && chunk.length === length) return chunk;
  // Not what the buffer promised (an encoding set on the stream, say): give back what was taken and read it the slow way.
  if (chunk !== null) payload.unshift(chunk as Buffer | string);
  return null;
}

/**
 * What Fastify's parser reads when the hook keeps nothing: the request itself with the bytes {@link takeBuffered} took
 * given back to its front (the cheap path, as if the hook had not been there), or a copy of what the hook read.
 */
function unchanged(payload: NodeJS.ReadableStream, buffered: Buffer | null, raw: Buffer): NodeJS.ReadableStream {
  if (!buffered) return replay(raw, raw.length);
  payload.unshift(buffered);
  return payload;
}

/** A stream of `bytes` for Fastify's parser; `receivedEncodedLength` is how Fastify checks it against Content-Length. */
function replay(bytes: Buffer, received: number): NodeJS.ReadableStream {
  // A plain Readable rather than Readable.from(): it costs a third as much, per request, on the hot path.
  const stream = new Readable({
    read() {
      this.push(bytes);
      this.push(null);
    },
  });
  return Object.assign(stream, { receivedEncodedLength: received });
}

/**
 * Reads a request body whole, refusing past `limit` bytes with `413` as Fastify's parser does, connection closed
 * (the rest of the body is not read). Listeners rather than `for await`, which costs several µs per request.
 */
function readAll(payload: NodeJS.ReadableStream, contentLength: string | string[] | undefined, limit: number, reply: HookReply): Promise<Buffer> {
  const tooLarge = () => {
    reply.header('connection', 'close');
    return new PayloadTooLargeException('Request body is too large');
  };
  if (typeof contentLength === 'string' && Number(contentLength) > limit) return Promise.reject(tooLarge());
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer | string) => {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += buffer.length;
      if (size > limit) {
        payload.removeListener('data', onData);
        payload.removeListener('end', onEnd);
        reject(tooLarge());
        return;
      }
      chunks.push(buffer);
    };
    const onEnd = () => {
      payload.removeListener('error', reject);
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    payload.on('data', onData);
    payload.once('end', onEnd);
    payload.once('error', reject);
  });
}
