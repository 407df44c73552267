import type { MessengerPlatform } from '../events/messenger-context.js';
import type { AccessTokenSource, ResolvedClientConfig } from './client-options.js';
import { MessengerClientError } from './messenger-api-error.js';

/**
 * Which Page (or Instagram account) a call speaks for. A handler's `MessengerContext` is one: pass `ctx` and the call
 * goes out from the event's page on the event's platform.
 */
export interface PageRef {
  /** The Page id (Messenger) or Instagram account id (the webhook entry's id); optional with a single token. */
  readonly pageId?: string;
  /** `'instagram'` for Instagram conversations (default `'messenger'`). */
  readonly platform?: MessengerPlatform;
}

/** Where one call goes and with which token. */
export interface GraphTarget {
  /** Base URL with the version, e.g. `https://graph.facebook.com/v25.0`. */
  readonly baseUrl: string;
  readonly token: string;
  readonly platform: MessengerPlatform;
  /** True for the Instagram API with Instagram Login (graph.instagram.com), false for Page-token calls. */
  readonly instagramLogin: boolean;
}

/**
 * Picks host and token for a call: Instagram conversations go through `instagramAccessToken` (Instagram Login,
 * graph.instagram.com) when it has a token for the account, else through the Page token of `pageAccessToken`
 * (the Page linked to the account), like Messenger conversations.
 */
export async function resolveTarget(config: ResolvedClientConfig, ref: PageRef): Promise<GraphTarget> {
  const platform = ref.platform ?? 'messenger';
  if (platform === 'instagram' && config.instagramTokens) {
    const token = await lookup(config.instagramTokens, ref.pageId, platform, 'instagramAccessToken', config.pageTokens !== null);
    if (token) return { baseUrl: `${config.instagramApiUrl}/${config.version}`, token, platform, instagramLogin: true };
  }
  if (!config.pageTokens) {
    throw new MessengerClientError(
      'MessengerClient: pageAccessToken is not configured (MessengerWebhookModule option pageAccessToken); ' +
        'set graphApiDryRun: true to log calls instead of making them',
    );
  }
  const token = await lookup(config.pageTokens, ref.pageId, platform, 'pageAccessToken', false);
  return { baseUrl: `${config.graphApiUrl}/${config.version}`, token: token!, platform, instagramLogin: false };
}

/** The token of one page; `undefined` only when `optional` and the source has none for it. */
async function lookup(
  source: AccessTokenSource,
  pageId: string | undefined,
  platform: MessengerPlatform,
  option: string,
  optional: boolean,
): Promise<string | undefined> {
  if (typeof source === 'string') return source;
  if (pageId === undefined || pageId === '') {
    throw new MessengerClientError(
      `MessengerClient: say which Page sends: ${option} holds tokens of several Pages and this call was made outside any handler ` +
        `(inside one it defaults to the event's page); pass { pageId: '<page id>' } in the call's options`,
    );
  }
  let token: unknown;
  if (typeof source === 'function') {
    token = await source(pageId, platform);
  } else if (source instanceof Map) {
    token = source.get(pageId);
  } else {
    // Own keys only: a page id such as "constructor" must not find Object.prototype's.
    token = Object.hasOwn(source, pageId) ? (source as Record<string, string>)[pageId] : undefined;
  }
  if (typeof token === 'string' && token.length > 0) return token;
  if (optional && token === undefined) return undefined;
  throw new MessengerClientError(`MessengerClient: ${option} has no token for page ${pageId}`);
}
