import { Field } from '../reading/field.decorators.js';

/** What the person saw in the ad they clicked (click-to-Messenger / click-to-Instagram ads). */
export class AdsContextData {
  /** Ad headline. */
  @Field.string({ optional: true })
  ad_title?: string;

  /** Ad image. */
  @Field.string({ optional: true })
  photo_url?: string;

  /** Ad video thumbnail. */
  @Field.string({ optional: true })
  video_url?: string;

  /** Page post behind the ad. */
  @Field.id({ optional: true })
  post_id?: string;

  /** Catalog product the ad was about. */
  @Field.id({ optional: true })
  product_id?: string;

  /** Instant form / flow the ad opened. */
  @Field.id({ optional: true })
  flow_id?: string;
}

/** Catalog product the conversation started from (Facebook Shops product page). */
export class ReferralProduct {
  /** Product id in the Facebook catalog (numbers read as strings). */
  @Field.id()
  id!: string;
}

/** Referral fields shared by every place a referral appears. */
export class ReferralBase {
  /** `ref` parameter of the m.me / ig.me link, ad or plugin: your own tracking data. */
  @Field.string({ optional: true })
  ref?: string;

  /** Id of the clicked ad (numbers read as strings). */
  @Field.id({ optional: true })
  ad_id?: string;

  /** Snapshot of the clicked ad. */
  @Field.nested(() => AdsContextData, { optional: true })
  ads_context_data?: AdsContextData;

  /** Page the chat plugin was embedded in. */
  @Field.string({ optional: true })
  referer_uri?: string;

  /** Shops product the person messaged about. */
  @Field.nested(() => ReferralProduct, { optional: true })
  product?: ReferralProduct;

  /** Chat plugin: true when the person chats as a guest (no Facebook login). */
  @Field.boolean({ optional: true })
  is_guest_user?: boolean;

  /** `OPEN_THREAD` today. */
  @Field.string({ optional: true })
  type?: string;
}

/** Referral of a `referral` event or a postback, where Meta always says where the person came from. */
export class Referral extends ReferralBase {
  /** Where the person came from: SHORTLINK, ADS, CUSTOMER_CHAT_PLUGIN, DISCOVER_TAB, IG_ME, ... */
  @Field.string()
  source!: string;
}

/** Referral attached to a message: a Shops product page sends only `{ product: { id } }`, so nothing is required. */
export class MessageReferral extends ReferralBase {
  /** ADS for click-to-message ads; absent for Shops product referrals. */
  @Field.string({ optional: true })
  source?: string;
}
