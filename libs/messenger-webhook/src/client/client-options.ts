import type { MessengerPlatform } from '../events/messenger-context.js';

/** Meta's Graph API version used when `graphApiVersion` is not set: v25.0, released 18 Feb 2026, available until 29 Jul 2028. */
export const DEFAULT_GRAPH_API_VERSION = 'v25.0';

/** Returns the token of one Page (or Instagram account), or `undefined` when this app has none for it. */
export type AccessTokenLookup = (pageId: string, platform: MessengerPlatform) => string | undefined | Promise<string | undefined>;

/** One token for every Page, a map of page id to token, or a function of the page id. */
export type AccessTokenSource = string | Readonly<Record<string, string>> | ReadonlyMap<string, string> | AccessTokenLookup;

/** Retry settings of Graph API calls (exponential backoff with jitter; `Retry-After` always honoured). */
export interface GraphApiRetryOptions {
  /** Retries after the first attempt (default 3). */
  retries?: number;
  /** Delay before the first retry, in milliseconds; each retry doubles it, with jitter (default 500). */
  minDelay?: number;
  /** Longest wait before a retry, in milliseconds; a `Retry-After` asking for more ends the retries (default 30 000). */
  maxDelay?: number;
}

/** The options of the Send API client, given to `MessengerWebhookModule.forRoot` with the webhook's own. */
export interface MessengerClientOptions {
  /**
   * Page access token(s) for the Send API: one string, a map of page id to token, or a function of the page id (and
   * platform) returning a token or a promise of one. Instagram accounts linked to a Page use their Page's token, keyed
   * by the Instagram account id (the webhook entry's id).
   */
  pageAccessToken?: AccessTokenSource;
  /** Instagram User access token(s) of the Instagram API with Instagram Login; Instagram replies then go to `instagramApiUrl`. */
  instagramAccessToken?: AccessTokenSource;
  /** Base URL of the Graph API (default `https://graph.facebook.com`); point it at a fake Graph API in tests. */
  graphApiUrl?: string;
  /** Base URL of the Instagram Graph API used with `instagramAccessToken` (default `https://graph.instagram.com`). */
  instagramApiUrl?: string;
  /** Graph API version of every call (default {@link DEFAULT_GRAPH_API_VERSION}). */
  graphApiVersion?: string;
  /** Milliseconds one attempt of a call may take before it is aborted (default 15 000). */
  graphApiTimeout?: number;
  /** Retry settings, or `false` to never retry. */
  graphApiRetry?: false | GraphApiRetryOptions;
  /** Log each call instead of making it, and resolve with a made-up answer: for running without a Meta account. */
  graphApiDryRun?: boolean;
  /**
   * Whether client calls inside a handler that name no page default to the event's page (default `true`). `false`
   * spares the process the promise hooks this needs on Node 20 (see README, Performance); calls then name their page
   * (or pass `ctx`) unless `pageAccessToken` is a single string.
   */
  eventPageDefault?: boolean;
}

/** The client options after defaults and checks. */
export interface ResolvedClientConfig {
  readonly pageTokens: AccessTokenSource | null;
  readonly instagramTokens: AccessTokenSource | null;
  readonly graphApiUrl: string;
  readonly instagramApiUrl: string;
  readonly version: string;
  readonly timeout: number;
  readonly retry: { readonly retries: number; readonly minDelay: number; readonly maxDelay: number };
  readonly dryRun: boolean;
  /** Whether handlers may run in the scope that gives page-less calls the event's page. */
  readonly eventPageDefault: boolean;
  /** The secret `appsecret_proof` is computed with (the first `appSecret`), if any. */
  readonly appSecret: string | undefined;
}

const PREFIX = 'MessengerWebhookModule:';

/** Applies the client's defaults and fails fast, naming the option, on anything malformed. Never echoes a token. */
export function resolveClientOptions(options: MessengerClientOptions, appSecret: string | undefined): ResolvedClientConfig {
  const retry = options.graphApiRetry === false ? { retries: 0 } : options.graphApiRetry ?? {};
  if (typeof retry !== 'object' || retry === null) throw new Error(`${PREFIX} graphApiRetry must be false or { retries?, minDelay?, maxDelay? }`);
  const minDelay = count('graphApiRetry.minDelay', retry.minDelay, 500);
  const maxDelay = count('graphApiRetry.maxDelay', retry.maxDelay, 30_000);
  if (maxDelay < minDelay) throw new Error(`${PREFIX} graphApiRetry.maxDelay must be >= graphApiRetry.minDelay`);
  if (options.graphApiDryRun !== undefined && typeof options.graphApiDryRun !== 'boolean') {
    throw new Error(`${PREFIX} graphApiDryRun must be a boolean`);
  }
  if (options.eventPageDefault !== undefined && typeof options.eventPageDefault !== 'boolean') {
    throw new Error(`${PREFIX} eventPageDefault must be a boolean`);
  }
  return {
    pageTokens: tokenSource('pageAccessToken', options.pageAccessToken),
    instagramTokens: tokenSource('instagramAccessToken', options.instagramAccessToken),
    graphApiUrl: baseUrl('graphApiUrl', options.graphApiUrl, 'https://graph.facebook.com'),
    instagramApiUrl: baseUrl('instagramApiUrl', options.instagramApiUrl, 'https://graph.instagram.com'),
    version: version(options.graphApiVersion),
    timeout: positive('graphApiTimeout', options.graphApiTimeout, 15_000),
    retry: { retries: Math.floor(count('graphApiRetry.retries', retry.retries, 3)), minDelay, maxDelay },
    dryRun: options.graphApiDryRun ?? false,
    eventPageDefault: options.eventPageDefault ?? true,
    appSecret,
  };
}

function tokenSource(name: string, source: AccessTokenSource | undefined): AccessTokenSource | null {
  if (source === undefined) return null;
  const problem = `${PREFIX} ${name} must be a non-empty string, a map of page id to non-empty token, or a function of the page id`;
  if (typeof source === 'function') return source;
  if (typeof source === 'string') {
    if (source.length === 0) throw new Error(problem);
    return source;
  }
  if (source instanceof Map) {
    if ([...source].some(([id, token]) => typeof id !== 'string' || typeof token !== 'string' || token.length === 0)) throw new Error(problem);
    return source;
  }
  if (typeof source === 'object' && source !== null && !Array.isArray(source)) {
    if (Object.values(source).some((token) => typeof token !== 'string' || token.length === 0)) throw new Error(problem);
    return source;
  }
  throw new Error(problem);
}

function baseUrl(name: string, value: string | undefined, fallback: string): string {
  if (value === undefined) return fallback;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${PREFIX} ${name} must be an absolute http(s) URL such as ${fallback}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`${PREFIX} ${name} must be an absolute http(s) URL such as ${fallback}`);
  return value.replace(/\/+$/, '');
}

function version(value: string | undefined): string {
  if (value === undefined) return DEFAULT_GRAPH_API_VERSION;
  if (typeof value !== 'string' || !/^v\d+\.\d+$/.test(value)) throw new Error(`${PREFIX} graphApiVersion must look like '${DEFAULT_GRAPH_API_VERSION}'`);
  return value;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new Error(`${PREFIX} ${name} must be a positive number`);
  return value;
}

function count(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new Error(`${PREFIX} ${name} must be a number >= 0`);
  return value;
}
