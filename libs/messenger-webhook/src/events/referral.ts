import { Type } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, ValidateNested } from 'class-validator';
import { IsStringOrNumber } from './validators.js';

/** What the person saw in the ad they clicked (click-to-Messenger / click-to-Instagram ads). */
export class AdsContextData {
  /** Ad headline. */
  @IsOptional()
  @IsString()
  ad_title?: string;

  /** Ad image. */
  @IsOptional()
  @IsString()
  photo_url?: string;

  /** Ad video thumbnail. */
  @IsOptional()
  @IsString()
  video_url?: string;

  /** Page post behind the ad. */
  @IsOptional()
  @IsString()
  post_id?: string;

  /** Catalog product the ad was about. */
  @IsOptional()
  @IsString()
  product_id?: string;

  /** Instant form / flow the ad opened. */
  @IsOptional()
  @IsString()
  flow_id?: string;
}

/** Catalog product the conversation started from (Facebook Shops product page). */
export class ReferralProduct {
  /** Product id in the Facebook catalog. */
  @IsString()
  id!: string;
}

/** Referral fields shared by every place a referral appears; `source` / `type` rules differ per place. */
export class ReferralBase {
  /** `ref` parameter of the m.me / ig.me link, ad or plugin: your own tracking data. */
  @IsOptional()
  @IsString()
  ref?: string;

  /** Id of the clicked ad. */
  @IsOptional()
  @IsStringOrNumber()
  ad_id?: string | number;

  /** Snapshot of the clicked ad. */
  @IsOptional()
  @ValidateNested()
  @Type(() => AdsContextData)
  ads_context_data?: AdsContextData;

  /** Page the chat plugin was embedded in. */
  @IsOptional()
  @IsString()
  referer_uri?: string;

  /** Shops product the person messaged about. */
  @IsOptional()
  @ValidateNested()
  @Type(() => ReferralProduct)
  product?: ReferralProduct;

  /** Chat plugin: true when the person chats as a guest (no Facebook login). */
  @IsOptional()
  @IsBoolean()
  is_guest_user?: boolean;
}

/** Referral of a `referral` event or a postback, where `source` and `type` are always sent. */
export class Referral extends ReferralBase {
  /** Where the person came from: SHORTLINK, ADS, CUSTOMER_CHAT_PLUGIN, IG_ME, ... */
  @IsString()
  source!: string;

  /** `OPEN_THREAD` today. */
  @IsString()
  type!: string;
}

/** Referral attached to a message: a Shops product page sends only `{ product: { id } }`, so nothing is required. */
export class MessageReferral extends ReferralBase {
  /** ADS for click-to-message ads; absent for Shops product referrals. */
  @IsOptional()
  @IsString()
  source?: string;

  /** `OPEN_THREAD` for ad referrals; absent for Shops product referrals. */
  @IsOptional()
  @IsString()
  type?: string;
}
