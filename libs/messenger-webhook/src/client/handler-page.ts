import { AsyncLocalStorage } from 'node:async_hooks';
import type { MessengerPlatform } from '../events/messenger-context.js';
import type { ResolvedClientConfig } from './client-options.js';
import type { PageRef } from './graph-target.js';

/** The page and platform of the event whose handler is running. */
export interface HandlerPage {
  readonly pageId: string;
  readonly platform: MessengerPlatform;
}

// Created here, enabled only by the first `run`: Node 20 then turns on promise hooks for the whole process, which costs
// every event a few µs (test/bench/handler-scope.mjs), so handlers run in it only when the page is not known otherwise.
const current = new AsyncLocalStorage<HandlerPage>();

/** Runs `fn` (a handler call, its guards and interceptors) so client calls made in its async flow default to `page`. */
export function runAsHandlerOf<T>(page: HandlerPage, fn: () => T): T {
  return current.run(page, fn);
}

/**
 * The page a call speaks for: the one it names, else the event's page when called inside a handler (awaited or not),
 * unless the call names another platform than the event's. Read when the call is made, never later.
 */
export function withHandlerPage(ref: PageRef): PageRef {
  if (ref.pageId !== undefined && ref.pageId !== '') return ref;
  const page = current.getStore();
  if (page === undefined || (ref.platform !== undefined && ref.platform !== page.platform)) return ref;
  return { pageId: page.pageId, platform: page.platform };
}

/**
 * Whether handlers of events on `platform` must run in the page scope for page-less calls to go out right. Not when
 * `eventPageDefault` is off or nothing can send; not for Messenger events when `pageAccessToken` is one string (one
 * Page: the call without a page already gets its token, platform and queue); always for Instagram events (the
 * platform decides host, token, checks and profile fields), for a map or function of tokens, and in dry run.
 */
export function needsHandlerPage(config: ResolvedClientConfig, platform: MessengerPlatform): boolean {
  if (!config.eventPageDefault) return false;
  if (config.dryRun) return true;
  if (config.pageTokens === null && config.instagramTokens === null) return false;
  return platform === 'instagram' || (config.pageTokens !== null && typeof config.pageTokens !== 'string');
}

/**
 * The page part of a conversation's queue key: with a single Messenger page token every Messenger call speaks for that
 * one Page, named or not, so a page-less call and `ctx.reply` to one person share a queue.
 */
export function queuePage(config: ResolvedClientConfig, ref: PageRef): string {
  const platform = ref.platform ?? 'messenger';
  if (platform === 'messenger' && typeof config.pageTokens === 'string') return 'messenger|*';
  return `${platform}|${ref.pageId ?? ''}`;
}
