import { classify } from '../events/classify.js';
import { fieldOf } from '../events/event-kinds.js';
import { defaultAttachmentPayload, type AttachmentKind } from './attachment-defaults.js';
import { DEFAULT_APP_ID, DEFAULT_PAGE_ID, DEFAULT_SENDER, freshMid, nextTimestamp } from './event-defaults.js';
import type {
  RawCartProduct,
  RawChange,
  RawComment,
  RawMention,
  RawMessage,
  RawMessagingEvent,
  RawParty,
  RawStoryInsights,
} from './raw-event.types.js';

/** Overrides every factory accepts. */
export interface EventOptions {
  /** The person's PSID / IGSID (default `'USER_1'`); the recipient of an echo. */
  sender?: string;
  /** The Page (or Instagram account) id the event is addressed to (default `'PAGE_1'`). */
  pageId?: string;
  /** Message id (default: a fresh unique one per call); for reactions and reads, the message acted on. */
  mid?: string;
  /** Epoch milliseconds (default: now, strictly increasing from call to call). */
  timestamp?: number;
}

/** Options of the message factories. */
export interface MessageOptions extends EventOptions {
  /** Makes the message a reply to this mid. */
  replyTo?: string;
  /** Makes the message an Instagram reply to this story (`reply_to.story`, no mid). */
  replyToStory?: { url: string; id: string };
}

/** Options of {@link MessengerEvents.postback}. */
export interface PostbackOptions extends Omit<EventOptions, 'mid'> {
  /** Message id (default: a fresh one); `null` leaves it out, as older postbacks and some Get Started taps come. */
  mid?: string | null;
  /** The button's title (default: the payload). */
  title?: string;
  /** The referral of a postback that opened the conversation (from an ad or a link). */
  referral?: { ref?: string; source?: string; type?: string };
}

/** Options of {@link MessengerEvents.echo}. */
export interface EchoOptions extends EventOptions {
  /** App that sent the message (default a fixed test app id). */
  appId?: number | string;
  /** The `metadata` string given to the Send API. */
  metadata?: string;
}

/** Options of the handover factories. */
export interface HandoverOptions extends EventOptions {
  /** App that receives thread control. */
  newOwnerAppId?: number | string;
  /** App that had thread control (`null`: nobody). */
  previousOwnerAppId?: number | string | null;
  /** App asking for thread control. */
  requestedOwnerAppId?: number | string;
  /** Free text attached by the other app. */
  metadata?: string;
}

/** Fields of {@link MessengerEvents.templateStatusUpdate}. */
export interface TemplateStatusOptions {
  /** New status (default `'APPROVED'`). */
  event?: string;
  /** Template id (default a fixed test id). */
  templateId?: number | string;
  /** Template name (default `'order_update'`). */
  templateName?: string;
  /** Template language (default `'en_US'`). */
  language?: string;
  /** Rejection reason (default `'NONE'`). */
  reason?: string | null;
}

/** Options of {@link MessengerEvents.comment}. */
export interface CommentOptions {
  /** Comment id (default: a fresh one). */
  commentId?: string;
  /** The media commented on (default a fixed test media id). */
  mediaId?: string;
  /** `FEED`, `REELS`, `LIVE`, ... (default `'FEED'`, `'LIVE'` for live comments). */
  mediaProductType?: string;
  /** Author's Instagram-scoped id (default `'USER_1'`). */
  from?: string;
  /** Author's username (default `'a_customer'`). */
  username?: string;
  /** Makes it a reply to this comment id. */
  parentId?: string;
  /** A comment on a live video (field `live_comments`). */
  live?: boolean;
}

/** Options of {@link MessengerEvents.asChange}. */
export interface AsChangeOptions {
  /** The webhook field (default: the field that delivers the event's kind, e.g. `messaging_postbacks`). */
  field?: string;
  /** Which platform's field name to use when they differ (default `'instagram'`: Instagram apps receive this form). */
  platform?: 'messenger' | 'instagram';
}

let commentCounter = 0;

function freshCommentId(): string {
  commentCounter += 1;
  return `1786500000${String(commentCounter).padStart(7, '0')}`;
}

const DEFAULT_MEDIA_ID = '17900000000000001';

// Meta sends the emoji with named reactions; non-ASCII here also exercises the `\uXXXX` escaping of metaStringify.
const REACTION_EMOJI: Record<string, string> = {
  love: '\u2764\uFE0F',
  like: '\u{1F44D}',
  dislike: '\u{1F44E}',
  smile: '\u{1F606}',
  wow: '\u{1F62E}',
  sad: '\u{1F622}',
  angry: '\u{1F620}',
};

function parties(options: EventOptions): { sender: RawParty; recipient: RawParty; timestamp: number } {
  return { sender: { id: options.sender ?? DEFAULT_SENDER }, recipient: { id: options.pageId ?? DEFAULT_PAGE_ID }, timestamp: options.timestamp ?? nextTimestamp() };
}

function event<K extends string, P>(key: K, payload: P, options: EventOptions): RawMessagingEvent<K, P> {
  return { ...parties(options), [key]: payload } as RawMessagingEvent<K, P>;
}

// app_roles, policy enforcement and checkbox opt-ins come without a sender: the factories must not invent one.
function senderless<K extends string, P>(key: K, payload: P, options: EventOptions): RawMessagingEvent<K, P> {
  const { sender: _sender, ...rest } = event(key, payload, options);
  return rest as RawMessagingEvent<K, P>;
}

function message(options: MessageOptions, fields: Omit<RawMessage, 'mid'>): RawMessagingEvent<'message', RawMessage> {
  const body: RawMessage = { mid: options.mid ?? freshMid(), ...fields };
  if (options.replyTo !== undefined) body.reply_to = { mid: options.replyTo };
  if (options.replyToStory !== undefined) body.reply_to = { story: { ...options.replyToStory } };
  return event('message', body, options);
}

function defined<T extends Record<string, unknown>>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/**
 * Factories of raw webhook events (items of `messaging[]`, or a `changes[]` item), as Meta sends them, with
 * sensible defaults: sender `'USER_1'`, page `'PAGE_1'`, a fresh `mid` and the current time. Wrap them with
 * `webhookBody()` or pass them straight to the test client.
 */
export const MessengerEvents = {
  /** A text message from the person. */
  text(text: string, options: MessageOptions = {}) {
    return message(options, { text });
  },

  /** A tap on a quick reply: the button's title as text plus its payload. */
  quickReply(text: string, payload: string, options: MessageOptions = {}) {
    return message(options, { text, quick_reply: { payload } });
  },

  /** A message with one attachment of `type`, its payload a realistic default merged with `payload` (`null` sends `payload: null`). */
  attachment(type: AttachmentKind, payload?: Record<string, unknown> | null, options: MessageOptions & { text?: string } = {}) {
    const merged = payload === null ? null : { ...defaultAttachmentPayload(type), ...payload };
    return message(options, { ...defined({ text: options.text }), attachments: [{ type, payload: merged }] });
  },

  /** A message with several attachments (`['file', 'image']`), each with its realistic default payload. */
  attachments(types: readonly AttachmentKind[], options: MessageOptions & { text?: string } = {}) {
    return message(options, { ...defined({ text: options.text }), attachments: types.map((type) => ({ type, payload: defaultAttachmentPayload(type) })) });
  },

  /** An Instagram message the person unsent: `message: { mid, is_deleted: true }` with the unsent message's mid. */
  unsend(mid: string, options: Omit<EventOptions, 'mid'> = {}) {
    return event('message', { mid, is_deleted: true as const }, options);
  },

  /** An echo of a message the Page sent: sender is the Page, recipient the person, `is_echo: true`. */
  echo(text: string, options: EchoOptions = {}) {
    const raw = message(options, { is_echo: true, app_id: options.appId ?? DEFAULT_APP_ID, text, ...defined({ metadata: options.metadata }) });
    return { ...raw, sender: { id: options.pageId ?? DEFAULT_PAGE_ID }, recipient: { id: options.sender ?? DEFAULT_SENDER } };
  },

  /** A reaction (default `love`) to message `mid`; `action: 'unreact'` removes it. */
  reaction(reaction = 'love', options: EventOptions & { action?: 'react' | 'unreact'; emoji?: string } = {}) {
    const emoji = options.emoji ?? REACTION_EMOJI[reaction];
    return event('reaction', { mid: options.mid ?? freshMid(), action: options.action ?? 'react', reaction, ...defined({ emoji }) }, options);
  },

  /** The removal of a reaction from message `mid`, as Meta sends it: `action: 'unreact'` with neither reaction name nor emoji. */
  unreact(mid: string, options: Omit<EventOptions, 'mid'> = {}) {
    return event('reaction', { mid, action: 'unreact' as const }, options);
  },

  /** A read receipt: Messenger's `watermark`, or Instagram's seen `mid` when `instagram` is set or a `mid` given. */
  read(options: EventOptions & { watermark?: number; instagram?: boolean } = {}) {
    const timestamp = options.timestamp ?? nextTimestamp();
    const read = options.instagram || options.mid !== undefined ? { mid: options.mid ?? freshMid() } : { watermark: options.watermark ?? timestamp };
    return event('read', read, { ...options, timestamp });
  },

  /** A delivery receipt for `mids` (default one fresh mid) up to `watermark` (default now). */
  delivery(options: EventOptions & { mids?: string[]; watermark?: number } = {}) {
    const timestamp = options.timestamp ?? nextTimestamp();
    return event('delivery', { mids: options.mids ?? [options.mid ?? freshMid()], watermark: options.watermark ?? timestamp }, { ...options, timestamp });
  },

  /** An edit of message `mid`: its new text and edit count (default 1). */
  messageEdit(mid: string, text: string, options: EventOptions & { numEdit?: number } = {}) {
    return event('message_edit', { mid, text, num_edit: options.numEdit ?? 1 }, options);
  },

  /** A tap on a postback button with `payload` (the title defaults to the payload). */
  postback(payload: string, options: PostbackOptions = {}) {
    const referral = options.referral && { source: 'SHORTLINK', type: 'OPEN_THREAD', ...options.referral };
    const mid = options.mid === null ? undefined : (options.mid ?? freshMid());
    return event('postback', { title: options.title ?? payload, payload, ...defined({ mid, referral }) }, { ...options, mid: undefined });
  },

  /**
   * An opt-in: a plugin opt-in with `ref` by default, a checkbox-plugin one (no sender) with `userRef`, or a
   * notification request with `type: 'one_time_notif_req' | 'notification_messages'`.
   */
  optin(options: EventOptions & { ref?: string; payload?: string; type?: string; userRef?: string; token?: string } = {}) {
    const { type, payload, token } = options;
    const fields: Record<string, unknown> =
      type === 'one_time_notif_req'
        ? { type, payload: payload ?? 'NOTIFY_ME', one_time_notif_token: token ?? 'OTN_TOKEN' }
        : type === 'notification_messages'
          ? {
              type,
              payload: payload ?? 'NOTIFY_ME',
              title: 'Updates',
              notification_messages_token: token ?? 'NM_TOKEN',
              notification_messages_frequency: 'DAILY',
              notification_messages_timezone: 'Europe/Paris',
              token_expiry_timestamp: Date.now() + 180 * 24 * 3_600_000,
              user_token_status: 'NOT_REFRESHED',
            }
          : defined({ type, payload, ref: options.ref ?? 'PASS_THROUGH_PARAM' });
    if (options.userRef === undefined) return event('optin', fields, options);
    return senderless('optin', { ...fields, user_ref: options.userRef }, options);
  },

  /** A referral from an m.me link (default), an ad (`source: 'ADS'`, `adId`) or the chat plugin (`userRef` replaces the sender id). */
  referral(options: EventOptions & { ref?: string; source?: string; adId?: string; refererUri?: string; userRef?: string } = {}) {
    const referral = { ref: options.ref ?? 'landing-page', source: options.source ?? 'SHORTLINK', type: 'OPEN_THREAD', ...defined({ ad_id: options.adId, referer_uri: options.refererUri }) };
    const raw = event('referral', referral, options);
    return options.userRef === undefined ? raw : { ...raw, sender: { user_ref: options.userRef } };
  },

  /** Account linking (default `'linked'`, with an authorization code) or unlinking. */
  accountLinking(status: 'linked' | 'unlinked' = 'linked', options: EventOptions & { authorizationCode?: string } = {}) {
    const code = status === 'linked' ? (options.authorizationCode ?? 'AUTHORIZATION_CODE') : options.authorizationCode;
    return event('account_linking', { status, ...defined({ authorization_code: code }) }, options);
  },

  /** A submitted customer feedback form (default one CSAT answer of 5 with a free-form follow-up). */
  feedback(options: EventOptions & { screens?: Array<{ screen_id: number; questions: Record<string, Record<string, unknown>> }> } = {}) {
    const screens = options.screens ?? [
      { screen_id: 0, questions: { satisfaction: { type: 'csat', payload: '5', follow_up: { type: 'free_form', payload: 'Quick and helpful' } } } },
    ];
    return event('messaging_feedback', { feedback_screens: screens }, options);
  },

  /** Feedback on one of the Page's responses (default `'Good response'` on a fresh mid). */
  responseFeedback(options: EventOptions & { feedback?: string } = {}) {
    return event('response_feedback', { feedback: options.feedback ?? 'Good response', mid: options.mid ?? freshMid() }, options);
  },

  /** A round of an Instant Game; an object `payload` is sent as the JSON string Meta uses. */
  gamePlay(
    options: EventOptions & { gameId?: string; playerId?: string; contextType?: string; contextId?: string; score?: number; payload?: string | object; locale?: string } = {},
  ) {
    const payload = typeof options.payload === 'object' ? JSON.stringify(options.payload) : options.payload;
    const contextType = options.contextType ?? 'SOLO';
    return event(
      'game_play',
      {
        game_id: options.gameId ?? '1200000000000001',
        player_id: options.playerId ?? '1300000000000001',
        context_type: contextType,
        ...defined({ context_id: options.contextId, score: options.score ?? 100, payload, locale: options.locale ?? 'en_US' }),
      },
      options,
    );
  },

  /** Thread control passed to this app (Handover Protocol). */
  passThreadControl(options: HandoverOptions = {}) {
    const fields = { new_owner_app_id: options.newOwnerAppId ?? DEFAULT_APP_ID, previous_owner_app_id: options.previousOwnerAppId === undefined ? 263902037430900 : options.previousOwnerAppId };
    return event('pass_thread_control', { ...fields, ...defined({ metadata: options.metadata }) }, options);
  },

  /** Thread control taken from this app (Handover Protocol). */
  takeThreadControl(options: HandoverOptions = {}) {
    const fields = { previous_owner_app_id: options.previousOwnerAppId === undefined ? DEFAULT_APP_ID : options.previousOwnerAppId, new_owner_app_id: options.newOwnerAppId ?? 263902037430900 };
    return event('take_thread_control', { ...fields, ...defined({ metadata: options.metadata }) }, options);
  },

  /** Another app asks this one for thread control (Handover Protocol). */
  requestThreadControl(options: HandoverOptions = {}) {
    return event('request_thread_control', { requested_owner_app_id: options.requestedOwnerAppId ?? 263902037430900, ...defined({ metadata: options.metadata }) }, options);
  },

  /** The apps' roles on the Page changed (Handover Protocol); comes with no sender. */
  appRoles(roles: Record<string, string[]> = { [String(DEFAULT_APP_ID)]: ['primary_receiver'] }, options: EventOptions = {}) {
    return senderless('app_roles', roles, options);
  },

  /** A policy notice from Meta (default `'warning'`); comes with no sender. */
  policyEnforcement(action: 'warning' | 'block' | 'unblock' | (string & {}) = 'warning', options: EventOptions & { reason?: string } = {}) {
    const reason = options.reason ?? (action === 'unblock' ? undefined : 'The bot may be sending spam.');
    return senderless('policy_enforcement', { action, ...defined({ reason }) }, options);
  },

  /** A cart sent from the Page's Shop; each product is completed with defaults. */
  sendCart(products: Array<Partial<RawCartProduct>> = [{}], options: EventOptions & { note?: string } = {}) {
    const lines: RawCartProduct[] = products.map((product, index) => ({
      id: `51435000000000${String(index + 1).padStart(2, '0')}`,
      retailer_id: `SKU-${index + 1}`,
      name: `Product ${index + 1}`,
      unit_price: 19.99,
      currency: 'USD',
      quantity: 1,
      ...product,
    }));
    return event('order', { products: lines, ...defined({ note: options.note }) }, options);
  },

  /** A `changes[]` item reporting a utility template's new review status (default `'APPROVED'`). */
  templateStatusUpdate(options: TemplateStatusOptions = {}): RawChange<Record<string, unknown>> {
    return {
      field: 'messenger_template_status_update',
      value: {
        event: options.event ?? 'APPROVED',
        message_template_id: options.templateId ?? 1200000000000002,
        message_template_name: options.templateName ?? 'order_update',
        message_template_language: options.language ?? 'en_US',
        reason: options.reason === undefined ? 'NONE' : options.reason,
      },
    };
  },

  /** An Instagram comment (`changes[]` item of field `comments`, or `live_comments` with `live: true`). */
  comment(text: string, options: CommentOptions = {}): RawChange<RawComment> {
    const value: RawComment = {
      id: options.commentId ?? freshCommentId(),
      from: { id: options.from ?? DEFAULT_SENDER, username: options.username ?? 'a_customer' },
      text,
      media: { id: options.mediaId ?? DEFAULT_MEDIA_ID, media_product_type: options.mediaProductType ?? (options.live ? 'LIVE' : 'FEED') },
      ...defined({ parent_id: options.parentId }),
    };
    return { field: options.live ? 'live_comments' : 'comments', value };
  },

  /** An Instagram @mention of your account: in a comment (`commentId`) or, without one, in a caption. */
  mention(options: { mediaId?: string; commentId?: string } = {}): RawChange<RawMention> {
    return { field: 'mentions', value: { media_id: options.mediaId ?? DEFAULT_MEDIA_ID, ...defined({ comment_id: options.commentId }) } };
  },

  /** The metrics of an expired Instagram story (values under 5 are -1, as Meta reports them). */
  storyInsights(metrics: Partial<Omit<RawStoryInsights, 'media_id'>> & { mediaId?: string } = {}): RawChange<RawStoryInsights> {
    const { mediaId, ...rest } = metrics;
    return { field: 'story_insights', value: { media_id: mediaId ?? DEFAULT_MEDIA_ID, exits: 3, replies: -1, reach: 120, taps_forward: 40, taps_back: -1, impressions: 130, ...rest } };
  },

  /** A `changes[]` item of any webhook field, e.g. a Page's `feed` (reaches `@OnChange('feed')`). */
  change<V>(field: string, value: V): RawChange<V> {
    return { field, value };
  },

  /**
   * A messaging event delivered the way Meta's current pages show and Instagram apps receive it: as a `changes[]`
   * item `{ field, value: event }`. It reaches the same decorator, as the same class, with `context.source === 'changes'`.
   */
  asChange<E extends object>(event: E, options: AsChangeOptions = {}): RawChange<E> {
    const field = options.field ?? fieldOf(classify(JSON.parse(JSON.stringify(event)) as Record<string, unknown>), options.platform ?? 'instagram');
    return { field, value: event };
  },
} as const;

/** The name of one of the {@link MessengerEvents} factories. */
export type MessengerEventFactory = keyof typeof MessengerEvents;
