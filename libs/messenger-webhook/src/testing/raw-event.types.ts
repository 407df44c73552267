/** `sender` / `recipient` of a raw event: a PSID (or IGSID) in `id`, or a plugin `user_ref`. */
export type RawParty = { id?: string; user_ref?: string };

/** One raw item of `messaging[]` / `standby[]` whose payload sits under key `K`, as Meta sends it. */
export type RawMessagingEvent<K extends string = string, P = Record<string, unknown>> = {
  sender?: RawParty;
  recipient: RawParty;
  timestamp: number;
} & { [key in K]: P };

/** One raw item of `changes[]`, e.g. a template status update. */
export type RawChange<V = Record<string, unknown>> = { field: string; value: V };

/** One attachment of a raw message. */
export type RawAttachment = { type: string; payload: Record<string, unknown> | null; title?: string; url?: string };

/** The `message` object of a raw incoming message or echo. */
export type RawMessage = {
  mid: string;
  text?: string;
  quick_reply?: { payload: string };
  attachments?: RawAttachment[];
  reply_to?: { mid: string };
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
