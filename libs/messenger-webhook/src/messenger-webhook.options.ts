import type { WebhookVersion } from './http/webhook-route.js';
import type { DedupeStore } from './dispatch/dedupe-store.js';
import { InMemoryDedupeStore } from './dispatch/dedupe-store.js';
import { META_TIMEOUT_MS } from './dispatch/delivery-deadline.js';
import type { HandlerFailure } from './dispatch/handler-failure.js';
import type { InvalidEventReport } from './dispatch/invalid-event-reporter.js';
import { resolveQueueOptions, type MessengerQueueOptions, type ResolvedQueueOptions } from './queue/queue-options.js';
import { resolveClientOptions, type MessengerClientOptions, type ResolvedClientConfig } from './client/client-options.js';

/** How the `POST` answers relative to the handlers: after they settle, or at once. */
export type DispatchMode = 'await' | 'background';

/**
 * Options of {@link MessengerWebhookModule.forRoot} and of the factory of `forRootAsync` (the Send API client's
 * included): `appSecret` is required unless `verifySignature: false`.
 */
export type MessengerWebhookOptions = MessengerWebhookCommonOptions & (SignedDeliveryOptions | UnsignedDeliveryOptions);

/** The usual case: every delivery's signature is checked against the App Secret. */
export interface SignedDeliveryOptions {
  /** The App Secret that signs every delivery; an array accepts any of several while a secret is rotated. */
  appSecret: string | readonly string[];
  /** Check `X-Hub-Signature-256` on every POST (default `true`). `false` is for local experiments only. */
  verifySignature?: boolean;
}

/** Local experiments only: unsigned deliveries are accepted, so no secret is needed. */
export interface UnsignedDeliveryOptions {
  /** Optional here: with `verifySignature: false` nothing is checked against it. */
  appSecret?: string | readonly string[];
  /** `false` accepts unsigned deliveries (a warning is logged at start-up). */
  verifySignature: false;
}

/** The options that do not depend on whether signatures are checked. */
export interface MessengerWebhookCommonOptions extends MessengerClientOptions {
  /** The Verify Token you typed in the app dashboard's webhook settings; the GET handshake must present it. */
  verifyToken: string;
  /** Also accept the legacy sha1 `X-Hub-Signature` when no sha256 header is sent (default `false`). */
  allowSha1Signature?: boolean;
  /** Validate each event against its class (default `true`); one that fails becomes an `InvalidEvent`. `false` delivers it as read. */
  validateEvents?: boolean;
  /** What becomes of an event that cannot be read: `'deliver'` it as an `InvalidEvent` to `@OnInvalidEvent` and `@OnEvent` (default), or `'skip'` it. */
  invalidEvents?: InvalidEventsMode;
  /** Largest accepted body in bytes; larger ones get `413` (default 1 MiB). */
  bodyLimit?: number;
  /** `'await'`: answer `200` once every handler settled (default). `'background'`: answer at once. */
  dispatch?: DispatchMode;
  /** How many conversations are handled at the same time (default 16); one conversation is always sequential. */
  concurrency?: number;
  /** Milliseconds after which a handler is logged as timed out and stops holding the delivery (default 10 000; 0 = never). */
  handlerTimeout?: number;
  /** Milliseconds `app.close()` waits for handlers still running (default 10 000). */
  shutdownTimeout?: number;
  /** `dispatch: 'await'`: milliseconds after which a delivery is answered `200` anyway, its handlers going on (default 15 000, below Meta's 20 s). */
  deliveryDeadline?: number;
  /** Events taken in and not yet handled beyond which deliveries are answered `503`, so Meta delivers them later (default 1000). */
  maxPendingEvents?: number;
  /** Drop events Meta delivers again (default on: 1 hour, 50 000 keys, in memory); `false` turns it off. */
  dedupe?: false | DedupeOptions;
  /** Longest value (in UTF-16 units) a RegExp filter is run on; longer values do not match it (default 4096; 0 = no bound). */
  maxRegExpInputLength?: number;
  /** Called with every handler failure no exception filter handled (after it was logged), e.g. to report it. */
  onHandlerError?: (failure: HandlerFailure) => void;
  /** Called with every event that could not be read (delivered or skipped), e.g. to report it. */
  onInvalidEvent?: (report: InvalidEventReport) => void;
  /** Queue mode: events go through Redis (BullMQ) to workers; durable, ordered and deduplicated across instances. */
  queue?: MessengerQueueOptions;
}

/** What becomes of an event that cannot be read: delivered as an `InvalidEvent`, or skipped (counted, logged, reported either way). */
export type InvalidEventsMode = 'deliver' | 'skip';

/** Settings of redelivery detection. */
export interface DedupeOptions {
  /** How long an event is remembered, in milliseconds (default 3 600 000). */
  ttl?: number;
  /** Bound of the default in-memory store (default 50 000 keys). Ignored when `store` is given. */
  maxEntries?: number;
  /** A store shared by several instances of the app (default: in memory, per process). */
  store?: DedupeStore;
}

/** Options read when the module is defined rather than at run time, because they shape its routes. */
export interface MessengerWebhookExtras {
  /** Route of the webhook controller (default `'webhook'`), under the app's global prefix if any. */
  path?: string;
  /** Decorators applied to the webhook controller, e.g. a `Public()` marker that your global auth guard honours. */
  controllerDecorators?: readonly ClassDecorator[];
  /** Version of the webhook route under `app.enableVersioning()` (default `VERSION_NEUTRAL`: the URL stays as registered at Meta). */
  version?: WebhookVersion;
  /**
   * Register the module globally (default `false`): every module can then inject `MessengerClient` (and the
   * dispatcher) without importing `MessengerWebhookModule`, as `ConfigModule.forRoot({ isGlobal: true })` does.
   */
  isGlobal?: boolean;
}

/** The options after defaults and checks: what the rest of the module reads. */
export interface ResolvedMessengerWebhookConfig {
  readonly verifyToken: string;
  readonly appSecrets: readonly string[];
  readonly verifySignature: boolean;
  readonly allowSha1Signature: boolean;
  readonly validateEvents: boolean;
  readonly invalidEvents: InvalidEventsMode;
  readonly bodyLimit: number;
  readonly dispatch: DispatchMode;
  readonly concurrency: number;
  readonly handlerTimeout: number;
  readonly shutdownTimeout: number;
  readonly deliveryDeadline: number;
  readonly maxPendingEvents: number;
  readonly dedupe: { readonly ttl: number; readonly store: DedupeStore } | null;
  readonly maxRegExpInputLength: number;
  readonly onHandlerError?: (failure: HandlerFailure) => void;
  readonly onInvalidEvent?: (report: InvalidEventReport) => void;
  readonly queue: ResolvedQueueOptions | null;
  readonly client: ResolvedClientConfig;
}

const PREFIX = 'MessengerWebhookModule:';

/** Applies defaults and fails fast, naming the option, on anything missing or out of range. */
export function resolveOptions(options: MessengerWebhookOptions | undefined): ResolvedMessengerWebhookConfig {
  if (!options || typeof options !== 'object') throw new Error(`${PREFIX} options are required ({ verifyToken, appSecret })`);
  if (typeof options.verifyToken !== 'string' || options.verifyToken.length === 0) {
    throw new Error(`${PREFIX} verifyToken is required (the Verify Token you set in the app dashboard's webhook settings)`);
  }
  const verifySignature = options.verifySignature ?? true;
  const appSecrets = secretsOf(options.appSecret);
  if (verifySignature && appSecrets.length === 0) {
    throw new Error(`${PREFIX} appSecret is required (or set verifySignature: false)`);
  }
  const dispatch = options.dispatch ?? 'await';
  if (dispatch !== 'await' && dispatch !== 'background') {
    throw new Error(`${PREFIX} dispatch must be 'await' or 'background'`);
  }
  const invalidEvents = options.invalidEvents ?? 'deliver';
  if (invalidEvents !== 'deliver' && invalidEvents !== 'skip') {
    throw new Error(`${PREFIX} invalidEvents must be 'deliver' or 'skip'`);
  }
  const dedupe = options.dedupe === false ? null : options.dedupe ?? {};
  const concurrency = positive('concurrency', options.concurrency, 16);
  return {
    verifyToken: options.verifyToken,
    appSecrets,
    verifySignature,
    allowSha1Signature: options.allowSha1Signature ?? false,
    validateEvents: options.validateEvents ?? true,
    invalidEvents,
    bodyLimit: positive('bodyLimit', options.bodyLimit, 1024 * 1024),
    dispatch,
    concurrency,
    handlerTimeout: nonNegative('handlerTimeout', options.handlerTimeout, 10_000),
    shutdownTimeout: nonNegative('shutdownTimeout', options.shutdownTimeout, 10_000),
    deliveryDeadline: belowMetaTimeout(positive('deliveryDeadline', options.deliveryDeadline, 15_000)),
    maxPendingEvents: positive('maxPendingEvents', options.maxPendingEvents, 1_000),
    dedupe: dedupe && {
      ttl: positive('dedupe.ttl', dedupe.ttl, 3_600_000),
      store: dedupe.store ?? new InMemoryDedupeStore(positive('dedupe.maxEntries', dedupe.maxEntries, 50_000)),
    },
    maxRegExpInputLength: nonNegative('maxRegExpInputLength', options.maxRegExpInputLength, 4_096) || Number.POSITIVE_INFINITY,
    onHandlerError: options.onHandlerError,
    onInvalidEvent: options.onInvalidEvent,
    queue: options.queue === undefined ? null : resolveQueueOptions(options.queue, concurrency),
    client: resolveClientOptions(options, appSecrets[0]),
  };
}

function belowMetaTimeout(deliveryDeadline: number): number {
  if (deliveryDeadline >= META_TIMEOUT_MS) {
    throw new Error(`${PREFIX} deliveryDeadline must be below ${META_TIMEOUT_MS} ms: Meta stops waiting after 20 s and delivers again`);
  }
  return deliveryDeadline;
}

function secretsOf(appSecret: MessengerWebhookOptions['appSecret']): string[] {
  if (appSecret === undefined) return [];
  const list = typeof appSecret === 'string' ? [appSecret] : Array.isArray(appSecret) ? [...appSecret] : null;
  if (!list || list.some((secret) => typeof secret !== 'string' || secret.length === 0)) {
    // The value itself is never echoed: it is a secret.
    throw new Error(`${PREFIX} appSecret must be a non-empty string or an array of non-empty strings`);
  }
  return list;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${PREFIX} ${name} must be a positive number`);
  return value;
}

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) throw new Error(`${PREFIX} ${name} must be a number >= 0`);
  return value;
}
