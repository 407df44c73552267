/** `sender` / `recipient` of a raw event: a PSID (or IGSID) in `id`, or a plugin `user_ref`. */
export type RawParty = { id?: string; user_ref?: string };

/** One raw item of `messaging[]` / `standby[]` whose payload sits under key `K`, as Meta sends it. */
export type RawMessagingEvent<K extends string = string, P = Record<string, unknown>> = {
  sender?: RawParty;
  recipient: RawParty;
  timestamp: number;
} & { [key in K]: P };

/** One raw item of `changes[]` (a template status update, a comment, a messaging event of Instagram, ...). */
export type RawChange<V = Record<string, unknown>> = { field: string; value: V };

/** The `value` of an Instagram `comments` / `live_comments` change. */
export type RawComment = {
  id: string;
  from: { id: string; username?: string };
  text: string;
  media: { id: string; media_product_type?: string };
  parent_id?: string;
};

/** The `value` of an Instagram `mentions` change. */
export type RawMention = { media_id: string; comment_id?: string };

/** The `value` of an Instagram `story_insights` change. */
export type RawStoryInsights = {
  media_id: string;
  exits?: number;
  replies?: number;
  reach?: number;
  taps_forward?: number;
  taps_back?: number;
  impressions?: number;
};

/** One attachment of a raw message. */
export type RawAttachment = { type: string; payload: Record<string, unknown> | null; title?: string; url?: string };

/** The `message` object of a raw incoming message or echo. */
export type RawMessage = {
  mid: string;
  text?: string;
  quick_reply?: { payload: string };
  attachments?: RawAttachment[];
  reply_to?: { mid: string } | { story: { url: string; id: string } };
  is_deleted?: true;
  is_echo?: true;
  app_id?: number | string;
  metadata?: string;
};

/** One line of a cart (`order.products[]`). */
export type RawCartProduct = {
  id: string;
  retailer_id: string;
  name: string;
  unit_price: number;
  currency: string;
  quantity: number;
};
