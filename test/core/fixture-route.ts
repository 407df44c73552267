import { webhookBody, type WebhookBody, type WebhookObject } from 'nestjs-messenger-webhook/testing';

/** A parsed JSON object, as Meta sends it. */
export type Json = Record<string, unknown>;

/** The Instagram professional account of the shared raw-event fixtures; events naming it came over Instagram. */
const FIXTURE_IG_ACCOUNT_ID = '17841400000000001';
/** The Page of the shared raw-event fixtures. */
const FIXTURE_PAGE_ID = '106000000000001';

/** How a raw fixture event is delivered: over which product, for which page, in which list. */
export interface FixtureRoute {
  object: WebhookObject;
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

/** The delivery Meta would make of one raw fixture event (the kit's `webhookBody` puts field items in `changes[]`). */
export function fixtureDelivery(raw: Json): WebhookBody {
  const { object, pageId } = fixtureRoute(raw);
  return webhookBody(raw, { object, pageId });
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
