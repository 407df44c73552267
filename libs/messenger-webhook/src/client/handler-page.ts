import { AsyncLocalStorage } from 'node:async_hooks';
import type { MessengerPlatform } from '../events/messenger-context.js';
import type { PageRef } from './graph-target.js';

/** The page and platform of the event whose handler is running. */
export interface HandlerPage {
  readonly pageId: string;
  readonly platform: MessengerPlatform;
}

// Created here, enabled only by the first `run`: Node 20 turns on promise hooks for the whole process then
// (1-2 µs per event), so the event runner runs handlers in it only when a client is configured.
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
