import { createHmac } from 'node:crypto';

/** A parsed JSON object, as Meta sends it. */
export type Json = Record<string, unknown>;

/** The legacy `X-Hub-Signature` header value (sha1) Meta still sends beside the sha256 one. */
export function signSha1(raw: string, secret: string): string {
  return `sha1=${createHmac('sha1', secret).update(raw).digest('hex')}`;
}

/** A text message from `sender` to `pageId`, as one item of `entry.messaging[]`. */
export function textMessage(sender: string, mid: string, text: string, options: { timestamp?: number; pageId?: string } = {}): Json {
  return {
    sender: { id: sender },
    recipient: { id: options.pageId ?? 'PAGE_1' },
    timestamp: options.timestamp ?? 1_700_000_000_001,
    message: { mid, text },
  };
}

/** One entry of a delivery: the page it is for and its lists. */
export interface EntrySpec {
  id: string;
  messaging?: Json[];
  standby?: Json[];
  changes?: Json[];
}

/** A delivery of several entries (Meta batches), for `object: 'page'` unless told otherwise. */
export function batch(entries: EntrySpec[], object: 'page' | 'instagram' = 'page'): Json {
  return { object, entry: entries.map((entry, index) => ({ time: 1_700_000_000_000 + index, ...entry })) };
}

/** The Instagram professional account of the shared raw-event fixtures; events naming it came over Instagram. */
export const FIXTURE_IG_ACCOUNT_ID = '17841400000000001';
/** The Page of the shared raw-event fixtures. */
export const FIXTURE_PAGE_ID = '106000000000001';

/** How a raw fixture event is delivered: over which product, for which page, in which list. */
export interface FixtureRoute {
  object: 'page' | 'instagram';
  pageId: string;
  list: 'messaging' | 'changes';
}

/** Where Meta would deliver a raw fixture event: Instagram if it names the IG account, `changes[]` for field items. */
export function fixtureRoute(raw: Json): FixtureRoute {
  const instagram = JSON.stringify(raw).includes(FIXTURE_IG_ACCOUNT_ID);
  return {
    object: instagram ? 'instagram' : 'page',
    pageId: instagram ? FIXTURE_IG_ACCOUNT_ID : FIXTURE_PAGE_ID,
    list: typeof raw.field === 'string' && 'value' in raw ? 'changes' : 'messaging',
  };
}

/**
 * A JSON value with every number written as its decimal string, class instances as plain objects: compares what a
 * handler received with what Meta sent up to the lossless coercions (ids sent as numbers, quoted timestamps).
 */
export function numbersAsText(value: unknown): unknown {
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value.map(numbersAsText);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== null && item !== undefined).map(([key, item]) => [key, numbersAsText(item)]));
  }
  return value;
}
