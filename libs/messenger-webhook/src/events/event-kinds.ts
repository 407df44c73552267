import type { Type } from '@nestjs/common';
import { isJsonObject, readPath, type JsonObject } from '../delivery/json.js';
import { ChangeEvent, TemplateStatusUpdateEvent, UnknownEvent } from './changes.js';
import { SendCartEvent } from './commerce.js';
import { AppRolesEvent, PassThreadControlEvent, RequestThreadControlEvent, TakeThreadControlEvent } from './handover.js';
import { CommentEvent, MentionEvent, StoryInsightsEvent } from './instagram.js';
import {
  AccountLinkingEvent,
  FeedbackEvent,
  GamePlayEvent,
  OptinEvent,
  PostbackEvent,
  ReferralEvent,
  ResponseFeedbackEvent,
} from './interactions.js';
import type { InvalidEvent } from './invalid-event.js';
import { EchoEvent, MessageEvent } from './message.js';
import type { MessengerContext } from './messenger-context.js';
import { PolicyEnforcementEvent } from './policy.js';
import { DeliveryEvent, MessageEditEvent, ReactionEvent, ReadEvent } from './receipts.js';

// ---------------------------------------------------------------------------------------------------------------
// Filters: what a listener decorator's options can say, and where each reads its value.
// ---------------------------------------------------------------------------------------------------------------

/** Reads the value a filter tests, from the event or its context. */
export type FilterRead = (event: object, context: MessengerContext) => unknown;

/** A filter matching one string of the event: an exact string, a `{name}` pattern (captured) or a RegExp. */
export interface TextFilter {
  /** How the filter matches. */
  readonly match: 'text';
  /** Where it reads. */
  readonly read: FilterRead;
}

/** A filter matching one value, or a list of values (any of them), exactly; `V` types what the option accepts. */
export interface AnyOfFilter<V extends string = string> {
  /** How the filter matches. */
  readonly match: 'anyOf';
  /** Where it reads; an array read matches when any of its items is wanted. */
  readonly read: FilterRead;
  /** Says why a wanted value can never match (checked at start-up), or `undefined`. */
  readonly check?: (value: string) => string | undefined;
  /** Types the option's values (never set at run time). */
  readonly values?: V;
}

/** Which event kinds a listener's `kind` filter accepts: resolved from the table at type level. */
export interface KindFilter {
  /** How the filter matches. */
  readonly match: 'kind';
  /** Where it reads. */
  readonly read: FilterRead;
}

/** Any filter of a listener. */
export type FilterSpec = TextFilter | AnyOfFilter | KindFilter;

/** A text filter reading `path` of the event. */
function text(...path: string[]): TextFilter {
  return { match: 'text', read: (event) => readPath(event, ...path) };
}

/** An any-of filter reading `path` of the event. */
function anyOf<V extends string = string>(path: readonly string[], check?: (value: string) => string | undefined): AnyOfFilter<V> {
  return { match: 'anyOf', read: (event) => readPath(event, ...path), check };
}

/** A kind filter: on the context's kind, or (for invalid events) the kind the event would have been. */
const KIND_FILTER: KindFilter = { match: 'kind', read: (_event, context) => context.kind };
const WOULD_BE_KIND_FILTER: KindFilter = { match: 'kind', read: (event) => (event as InvalidEvent).kind };

const attachmentTypes: AnyOfFilter = {
  match: 'anyOf',
  read: (event) => {
    const attachments = readPath(event, 'message', 'attachments');
    return Array.isArray(attachments) ? attachments.map((attachment: unknown) => readPath(attachment, 'type')) : [];
  },
};

/** One listener decorator: its name, filters, shorthand, and where `@Text()` / `@Payload()` read. */
export interface ListenerDefinition {
  /** The decorator's name, for logs and start-up errors. */
  readonly decorator: string;
  /** Its filters by option name (`platform`, `pageId` and `where` come with every listener). */
  readonly filters: Readonly<Record<string, FilterSpec>>;
  /** The filter a plain string, RegExp or list given instead of an options object sets. */
  readonly shorthand?: string;
  /** Path of the text `@Text()` gives. */
  readonly text?: readonly string[];
  /** Path of the payload `@Payload()` gives. */
  readonly payload?: readonly string[];
}

function listener<const D extends ListenerDefinition>(definition: D): D {
  return definition;
}

/**
 * The listener decorators, by listener name: each `@OnX()` is made from its row (`handlers/decorators`), its options
 * type is derived from `filters`, and its handler's event type from the event kinds below that name it.
 */
export const LISTENERS = {
  message: listener({
    decorator: 'OnMessage',
    shorthand: 'text',
    filters: { text: text('message', 'text'), quickReply: text('message', 'quick_reply', 'payload'), attachment: attachmentTypes },
    text: ['message', 'text'],
    payload: ['message', 'quick_reply', 'payload'],
  }),
  echo: listener({ decorator: 'OnEcho', shorthand: 'text', filters: { text: text('message', 'text') }, text: ['message', 'text'] }),
  message_edit: listener({ decorator: 'OnMessageEdit', filters: { text: text('message_edit', 'text') }, text: ['message_edit', 'text'] }),
  reaction: listener({
    decorator: 'OnReaction',
    filters: { action: anyOf<'react' | 'unreact'>(['reaction', 'action']), reaction: text('reaction', 'reaction') },
  }),
  read: listener({ decorator: 'OnRead', filters: {} }),
  delivery: listener({ decorator: 'OnDelivery', filters: {} }),
  postback: listener({ decorator: 'OnPostback', shorthand: 'payload', filters: { payload: text('postback', 'payload') }, payload: ['postback', 'payload'] }),
  referral: listener({
    decorator: 'OnReferral',
    shorthand: 'ref',
    filters: { ref: text('referral', 'ref'), source: text('referral', 'source') },
    payload: ['referral', 'ref'],
  }),
  optin: listener({
    decorator: 'OnOptin',
    shorthand: 'payload',
    filters: { payload: text('optin', 'payload'), type: text('optin', 'type') },
    payload: ['optin', 'payload'],
  }),
  account_linking: listener({ decorator: 'OnAccountLinking', filters: {} }),
  feedback: listener({ decorator: 'OnFeedback', filters: {} }),
  response_feedback: listener({ decorator: 'OnResponseFeedback', filters: {} }),
  game_play: listener({ decorator: 'OnGamePlay', filters: {} }),
  handover: listener({ decorator: 'OnHandover', filters: { kind: KIND_FILTER } }),
  policy_enforcement: listener({ decorator: 'OnPolicyEnforcement', filters: {} }),
  send_cart: listener({ decorator: 'OnSendCart', filters: {} }),
  template_status_update: listener({ decorator: 'OnTemplateStatusUpdate', filters: {} }),
  comment: listener({
    decorator: 'OnComment',
    shorthand: 'text',
    filters: { text: text('value', 'text'), mediaId: anyOf(['value', 'media', 'id']) },
    text: ['value', 'text'],
  }),
  mention: listener({ decorator: 'OnMention', filters: { mediaId: anyOf(['value', 'media_id']) } }),
  story_insights: listener({ decorator: 'OnStoryInsights', filters: { mediaId: anyOf(['value', 'media_id']) } }),
  change: listener({
    decorator: 'OnChange',
    shorthand: 'field',
    filters: { field: anyOf(['field'], (field) => modelledFieldProblem(field)) },
  }),
  // No decorator of its own: messaging events of a type this version does not know reach `@OnEvent({ kind: 'unknown' })`.
  unknown: listener({ decorator: 'OnEvent', filters: {} }),
  invalid: listener({ decorator: 'OnInvalidEvent', filters: { kind: WOULD_BE_KIND_FILTER } }),
  standby: listener({ decorator: 'OnStandby', filters: { kind: KIND_FILTER } }),
  event: listener({ decorator: 'OnEvent', filters: { kind: KIND_FILTER } }),
} as const;

/** The name of a listener: one per decorator (`OnHandover` covers four event kinds). */
export type ListenerName = keyof typeof LISTENERS;

// ---------------------------------------------------------------------------------------------------------------
// Event kinds: how each is recognised, its class, its listener, the webhook fields that deliver it.
// ---------------------------------------------------------------------------------------------------------------

/** A webhook field, the same on both platforms or named apart. */
export type FieldName = string | { readonly messenger: string; readonly instagram: string };

/** One row of {@link EVENT_KINDS}. */
export interface EventKindDefinition<K extends string = string, L extends ListenerName = ListenerName, T = object> {
  /** The library's name of the event type, also `MessengerContext.kind`. */
  readonly kind: K;
  /** The listener that receives it (`@OnEvent` receives every kind too). */
  readonly listener: L;
  /** The class the raw event becomes. */
  readonly eventClass: Type<T>;
  /**
   * `'messaging'`: an item of `messaging[]` / `standby[]`, or the `value` of a messaging field's `changes[]` item,
   * recognised by its keys. `'changes'`: a `changes[]` item (or an entry's flat `field` / `value`) recognised by its field.
   */
  readonly source: 'messaging' | 'changes';
  /** Messaging kinds: keys of the raw event that hold its payload (the first present one is the discriminating key). */
  readonly keys: readonly string[];
  /** Messaging kinds: the webhook field that delivers it (`context.field` of a `messaging[]` item). */
  readonly field: FieldName;
  /** Changes kinds: the webhook fields it claims. */
  readonly fields: readonly string[];
  /** Decides whether a raw messaging event is of this kind. */
  readonly matches: (raw: JsonObject) => boolean;
}

interface MessagingKind<K extends string, L extends ListenerName, T> {
  readonly kind: K;
  readonly listener: L;
  readonly eventClass: Type<T>;
  readonly keys: readonly string[];
  readonly field: FieldName;
  readonly matches?: (raw: JsonObject) => boolean;
}

interface ChangesKind<K extends string, L extends ListenerName, T> {
  readonly kind: K;
  readonly listener: L;
  readonly eventClass: Type<T>;
  readonly fields: readonly string[];
}

function messaging<const K extends string, const L extends ListenerName, T>(row: MessagingKind<K, L, T>): EventKindDefinition<K, L, T> & { readonly source: 'messaging' } {
  const { keys } = row;
  // A key that is there decides, whatever it holds: `"message": "hi"` is a message that cannot be read (an
  // InvalidEvent that would have been a message, naming `message`), not an event of an unknown type.
  return { ...row, source: 'messaging', fields: [], matches: row.matches ?? ((raw) => hasAnyKey(raw, keys)) };
}

/** Whether `raw` has one of `keys` (a loop, not `some()`: no closure per event and row tried). */
function hasAnyKey(raw: JsonObject, keys: readonly string[]): boolean {
  for (const key of keys) if (raw[key] !== undefined) return true;
  return false;
}

function changes<const K extends string, const L extends ListenerName, T>(row: ChangesKind<K, L, T>): EventKindDefinition<K, L, T> & { readonly source: 'changes' } {
  return { ...row, source: 'changes', keys: [], field: row.fields[0] ?? row.kind, matches: () => false };
}

const isEcho = (raw: JsonObject): boolean => isJsonObject(raw.message) && raw.message.is_echo === true;

/**
 * The one table of event types. Adding an event type is one row here plus its class (and, for a decorator of its
 * own, one row of {@link LISTENERS} and one line in `handlers/decorators`). Messaging rows are tried in order: the
 * echo row stands before the message row because an echo is a `message` with `is_echo: true`.
 */
export const EVENT_KINDS = [
  messaging({ kind: 'echo', listener: 'echo', eventClass: EchoEvent, keys: ['message'], matches: isEcho, field: { messenger: 'message_echoes', instagram: 'messages' } }),
  messaging({ kind: 'message', listener: 'message', eventClass: MessageEvent, keys: ['message'], field: 'messages' }),
  messaging({ kind: 'message_edit', listener: 'message_edit', eventClass: MessageEditEvent, keys: ['message_edit'], field: 'message_edits' }),
  messaging({ kind: 'reaction', listener: 'reaction', eventClass: ReactionEvent, keys: ['reaction'], field: 'message_reactions' }),
  messaging({ kind: 'read', listener: 'read', eventClass: ReadEvent, keys: ['read'], field: { messenger: 'message_reads', instagram: 'messaging_seen' } }),
  messaging({ kind: 'delivery', listener: 'delivery', eventClass: DeliveryEvent, keys: ['delivery'], field: 'message_deliveries' }),
  messaging({ kind: 'postback', listener: 'postback', eventClass: PostbackEvent, keys: ['postback'], field: 'messaging_postbacks' }),
  messaging({ kind: 'referral', listener: 'referral', eventClass: ReferralEvent, keys: ['referral'], field: { messenger: 'messaging_referrals', instagram: 'messaging_referral' } }),
  messaging({ kind: 'optin', listener: 'optin', eventClass: OptinEvent, keys: ['optin'], field: 'messaging_optins' }),
  messaging({ kind: 'account_linking', listener: 'account_linking', eventClass: AccountLinkingEvent, keys: ['account_linking'], field: 'messaging_account_linking' }),
  messaging({ kind: 'messaging_feedback', listener: 'feedback', eventClass: FeedbackEvent, keys: ['messaging_feedback'], field: 'messaging_feedback' }),
  messaging({ kind: 'response_feedback', listener: 'response_feedback', eventClass: ResponseFeedbackEvent, keys: ['response_feedback'], field: 'response_feedback' }),
  messaging({ kind: 'game_play', listener: 'game_play', eventClass: GamePlayEvent, keys: ['game_play'], field: 'messaging_game_plays' }),
  messaging({ kind: 'pass_thread_control', listener: 'handover', eventClass: PassThreadControlEvent, keys: ['pass_thread_control'], field: 'messaging_handovers' }),
  messaging({ kind: 'take_thread_control', listener: 'handover', eventClass: TakeThreadControlEvent, keys: ['take_thread_control'], field: 'messaging_handovers' }),
  messaging({ kind: 'request_thread_control', listener: 'handover', eventClass: RequestThreadControlEvent, keys: ['request_thread_control'], field: 'messaging_handovers' }),
  messaging({ kind: 'app_roles', listener: 'handover', eventClass: AppRolesEvent, keys: ['app_roles'], field: 'messaging_handovers' }),
  messaging({
    kind: 'policy_enforcement',
    listener: 'policy_enforcement',
    eventClass: PolicyEnforcementEvent,
    keys: ['policy_enforcement', 'policy-enforcement'],
    field: 'messaging_policy_enforcement',
  }),
  messaging({ kind: 'send_cart', listener: 'send_cart', eventClass: SendCartEvent, keys: ['order'], field: 'send_cart' }),
  changes({ kind: 'template_status_update', listener: 'template_status_update', eventClass: TemplateStatusUpdateEvent, fields: ['messenger_template_status_update'] }),
  changes({ kind: 'comment', listener: 'comment', eventClass: CommentEvent, fields: ['comments', 'live_comments'] }),
  changes({ kind: 'mention', listener: 'mention', eventClass: MentionEvent, fields: ['mentions'] }),
  changes({ kind: 'story_insights', listener: 'story_insights', eventClass: StoryInsightsEvent, fields: ['story_insights'] }),
] as const;

/** The row of a messaging event no other row claims: new event types must never break a delivery. */
export const UNKNOWN_KIND = messaging({ kind: 'unknown', listener: 'unknown', eventClass: UnknownEvent, keys: [], field: 'unknown', matches: () => true });

/** The row of a `changes[]` item of a field no other row claims: it reaches `@OnChange(field)` as sent. */
export const CHANGE_KIND = changes({ kind: 'change', listener: 'change', eventClass: ChangeEvent, fields: [] });

/** Any row of the event table, the fallback rows included. */
export type AnyEventKind = (typeof EVENT_KINDS)[number] | typeof UNKNOWN_KIND | typeof CHANGE_KIND;

/** Every event type the library classifies; `'invalid'` is the kind of the context of an event that could not be read. */
export type EventKind = AnyEventKind['kind'] | 'invalid';

/** Every row, fallbacks last: what the handler registry routes. */
export const ALL_EVENT_KINDS: readonly AnyEventKind[] = [...EVENT_KINDS, UNKNOWN_KIND, CHANGE_KIND];

/**
 * Webhook fields whose `changes[]` items (or flat entry `field` / `value`) hold a messaging event in `value`, read like
 * an item of `messaging[]`: every messaging row's field, `standby`, and messaging fields not modelled yet.
 */
export const MESSAGING_FIELDS: ReadonlySet<string> = new Set([
  ...EVENT_KINDS.flatMap((row) => (row.source === 'messaging' ? fieldNames(row.field) : [])),
  'standby',
  // Instagram's webhook reference names the handover field in the singular.
  'messaging_handover',
  'messaging_referral',
  'messaging_referrals',
  'messaging_optouts',
  'messaging_payments',
  'messaging_pre_checkouts',
  'messaging_checkout_updates',
  'messaging_appointments',
  'messaging_customer_information',
  'messaging_in_thread_lead_form_submit',
]);

function fieldNames(field: FieldName): string[] {
  return typeof field === 'string' ? [field] : [field.messenger, field.instagram];
}

/** The webhook field of a `messaging[]` item of this kind on this platform. */
export function fieldOf(definition: AnyEventKind, platform: 'messenger' | 'instagram'): string {
  const { field } = definition as EventKindDefinition;
  return typeof field === 'string' ? field : field[platform];
}

/** The webhook field that delivers events of `kind` on `platform` (`fieldOfKind('read', 'instagram')` is `messaging_seen`). */
export function fieldOfKind(kind: AnyEventKind['kind'], platform: 'messenger' | 'instagram'): string {
  const row = ALL_EVENT_KINDS.find((candidate) => candidate.kind === kind);
  if (!row) throw new Error(`fieldOfKind: unknown event kind "${kind}"`);
  return fieldOf(row, platform);
}

/** Why `@OnChange(field)` would never fire for `field`, or `undefined` when it can. */
function modelledFieldProblem(field: string): string | undefined {
  if (MESSAGING_FIELDS.has(field)) return `"${field}" carries messaging events: they reach the decorator of their kind (@OnMessage, @OnPostback, ...), never @OnChange`;
  const row = EVENT_KINDS.find((candidate) => candidate.source === 'changes' && (candidate.fields as readonly string[]).includes(field));
  return row ? `"${field}" is delivered as ${row.eventClass.name} to @${LISTENERS[row.listener].decorator}, never to @OnChange` : undefined;
}

/** The payload object under the row's discriminating key (`raw.message`, `raw.reaction`, ...), if any. */
export function payloadOf(definition: AnyEventKind, raw: JsonObject): JsonObject | undefined {
  for (const key of definition.keys) {
    const value = raw[key];
    if (isJsonObject(value)) return value;
  }
  return undefined;
}
