import { DEFAULT_PAGE_ID } from './event-defaults.js';

/** `object` of a delivery: `'page'` for Messenger, `'instagram'` for Instagram Messaging. */
export type WebhookObject = 'page' | 'instagram';

/** One entry of a delivery. */
export type WebhookEntry = {
  id: string;
  time: number;
  messaging?: object[];
  standby?: object[];
  changes?: object[];
  /** Instagram API with Instagram Login: one change put on the entry itself. */
  field?: string;
  /** The value of that change. */
  value?: unknown;
};

/** A whole delivery body, as Meta POSTs it. */
export type WebhookBody = { object: WebhookObject | (string & {}); entry: WebhookEntry[] };

/** Options of {@link webhookBody}. */
export interface WebhookBodyOptions {
  /** `'page'` (default) or `'instagram'`. */
  object?: WebhookObject;
  /** The entry's id (default `'PAGE_1'`). */
  pageId?: string;
  /** Put the events in `standby[]` (this app is not the thread owner) instead of `messaging[]`. */
  standby?: boolean;
  /** The entry's time in epoch ms (default now). */
  time?: number;
}

/** The lists of one entry, for {@link WebhookBodyBuilder.entry}. */
export interface EntryLists {
  /** Events of `messaging[]`. */
  messaging?: object[];
  /** Events of `standby[]`. */
  standby?: object[];
  /** Items of `changes[]`. */
  changes?: object[];
  /** One change put flat on the entry (`field` / `value`, no `changes[]`), as Instagram Login apps may receive it. */
  flat?: { field: string; value: unknown };
  /** The entry's time in epoch ms (default now). */
  time?: number;
}

/** True for a `changes[]` item (`{ field, value }`) rather than a messaging event. */
export function isChangeItem(item: object): boolean {
  const raw = item as Record<string, unknown>;
  return typeof raw.field === 'string' && 'value' in raw && !('sender' in raw) && !('recipient' in raw);
}

/** True when `value` is already a whole delivery body (`object` + `entry[]`) rather than events. */
export function isWebhookBody(value: unknown): value is WebhookBody {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const raw = value as Record<string, unknown>;
  return typeof raw.object === 'string' && Array.isArray(raw.entry);
}

function entryOf(pageId: string, events: readonly object[], standby: boolean, time: number | undefined): WebhookEntry {
  const changes = events.filter(isChangeItem);
  const messaging = events.filter((item) => !isChangeItem(item));
  const entry: WebhookEntry = { id: pageId, time: time ?? Date.now() };
  if (messaging.length > 0 || changes.length === 0) entry[standby ? 'standby' : 'messaging'] = messaging;
  if (changes.length > 0) entry.changes = changes;
  return entry;
}

/**
 * Wraps raw events into a one-entry delivery. `changes[]` items (such as `MessengerEvents.templateStatusUpdate()`)
 * go to the entry's `changes`, every other event to `messaging` (or `standby` with `standby: true`).
 */
export function webhookBody(events: object | readonly object[], options: WebhookBodyOptions = {}): WebhookBody {
  const list = Array.isArray(events) ? (events as readonly object[]) : [events as object];
  return { object: options.object ?? 'page', entry: [entryOf(options.pageId ?? DEFAULT_PAGE_ID, list, options.standby ?? false, options.time)] };
}

/** Builds a delivery of several entries: `new WebhookBodyBuilder('instagram').entry('PAGE_1', { messaging }).build()`. */
export class WebhookBodyBuilder {
  private readonly entries: WebhookEntry[] = [];

  /** Starts a delivery for `object` (default `'page'`). */
  constructor(private readonly object: WebhookObject = 'page') {}

  /** Adds an entry for `pageId` with the given lists, or with events sorted as {@link webhookBody} does. */
  entry(pageId: string = DEFAULT_PAGE_ID, lists: EntryLists | readonly object[] = {}): this {
    if (Array.isArray(lists)) {
      this.entries.push(entryOf(pageId, lists as readonly object[], false, undefined));
      return this;
    }
    const { messaging, standby, changes, flat, time } = lists as EntryLists;
    const entry: WebhookEntry = { id: pageId, time: time ?? Date.now() };
    if (messaging) entry.messaging = [...messaging];
    if (standby) entry.standby = [...standby];
    if (changes) entry.changes = [...changes];
    if (flat) Object.assign(entry, { field: flat.field, value: flat.value });
    this.entries.push(entry);
    return this;
  }

  /** The delivery body; the builder can go on adding entries for another body. */
  build(): WebhookBody {
    return { object: this.object, entry: this.entries.map((entry) => ({ ...entry })) };
  }
}

/** Events, a single event, or a whole body: what the test client and the CLI accept. */
export type EventsOrBody = object | readonly object[];

/** Turns events (or a body, kept as is) into a delivery body. */
export function toWebhookBody(input: EventsOrBody, options: WebhookBodyOptions = {}): WebhookBody {
  return isWebhookBody(input) ? input : webhookBody(input, options);
}
