import type { DedupeStore } from './dispatch/dedupe-store.js';
import { InMemoryDedupeStore } from './dispatch/dedupe-store.js';
import type { HandlerFailure } from './dispatch/handler-failure.js';
import type { InvalidEventReport } from './dispatch/invalid-event-reporter.js';

/** How the `POST` answers relative to the handlers: after they settle, or at once. */
export type DispatchMode = 'await' | 'background';

/** Options of {@link MessengerWebhookModule.forRoot} and of the factory of `forRootAsync`. */
export interface MessengerWebhookOptions {
  /** The Verify Token you typed in the app dashboard's webhook settings; the GET handshake must present it. */
  verifyToken: string;
  /** The App Secret that signs every delivery; an array accepts any of several while a secret is rotated. */
  appSecret?: string | readonly string[];
  /** Check `X-Hub-Signature-256` on every POST (default `true`). `false` is for local experiments only. */
  verifySignature?: boolean;
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
  readonly maxPendingEvents: number;
  readonly dedupe: { readonly ttl: number; readonly store: DedupeStore } | null;
  readonly maxRegExpInputLength: number;
  readonly onHandlerError?: (failure: HandlerFailure) => void;
  readonly onInvalidEvent?: (report: InvalidEventReport) => void;
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
  return {
    verifyToken: options.verifyToken,
    appSecrets,
    verifySignature,
    allowSha1Signature: options.allowSha1Signature ?? false,
    validateEvents: options.validateEvents ?? true,
    invalidEvents,
    bodyLimit: positive('bodyLimit', options.bodyLimit, 1024 * 1024),
    dispatch,
    concurrency: positive('concurrency', options.concurrency, 16),
    handlerTimeout: nonNegative('handlerTimeout', options.handlerTimeout, 10_000),
    shutdownTimeout: nonNegative('shutdownTimeout', options.shutdownTimeout, 10_000),
    maxPendingEvents: positive('maxPendingEvents', options.maxPendingEvents, 1_000),
    dedupe: dedupe && {
      ttl: positive('dedupe.ttl', dedupe.ttl, 3_600_000),
      store: dedupe.store ?? new InMemoryDedupeStore(positive('dedupe.maxEntries', dedupe.maxEntries, 50_000)),
    },
    maxRegExpInputLength: nonNegative('maxRegExpInputLength', options.maxRegExpInputLength, 4_096) || Number.POSITIVE_INFINITY,
    onHandlerError: options.onHandlerError,
    onInvalidEvent: options.onInvalidEvent,
  };
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
