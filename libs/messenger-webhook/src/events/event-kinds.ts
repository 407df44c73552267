import type { Type } from '@nestjs/common';
import {
  AccountLinkingEvent,
  AppRolesEvent,
  DeliveryEvent,
  EchoEvent,
  FeedbackEvent,
  GamePlayEvent,
  MessageEditEvent,
  MessageEvent,
  OptinEvent,
  PassThreadControlEvent,
  PolicyEnforcementEvent,
  PostbackEvent,
  ReactionEvent,
  ReadEvent,
  ReferralEvent,
  RequestThreadControlEvent,
  ResponseFeedbackEvent,
  SendCartEvent,
  TakeThreadControlEvent,
  TemplateStatusUpdateEvent,
  UnknownEvent,
} from './index.js';
import { isJsonObject, type JsonObject } from '../delivery/json.js';

/**
 * The one table of event types. Adding an event type is one row here plus its DTO class (and, when it gets a
 * decorator of its own, one line in `decorators/listener.decorators.ts`). Rows are tried in order: the echo row
 * stands before the message row because an echo is a `message` with `is_echo: true`.
 */
export const EVENT_KINDS = [
  kind('echo', 'message_echoes', 'echo', EchoEvent, ['message'], (raw) => isJsonObject(raw.message) && raw.message.is_echo === true),
  kind('message', 'messages', 'message', MessageEvent, ['message']),
  kind('message_edit', 'message_edits', 'message_edit', MessageEditEvent, ['message_edit']),
  kind('reaction', 'message_reactions', 'reaction', ReactionEvent, ['reaction']),
  kind('read', 'message_reads / messaging_seen', 'read', ReadEvent, ['read']),
  kind('delivery', 'message_deliveries', 'delivery', DeliveryEvent, ['delivery']),
  kind('postback', 'messaging_postbacks', 'postback', PostbackEvent, ['postback']),
  kind('referral', 'messaging_referrals', 'referral', ReferralEvent, ['referral']),
  kind('optin', 'messaging_optins', 'optin', OptinEvent, ['optin']),
  kind('account_linking', 'messaging_account_linking', 'account_linking', AccountLinkingEvent, ['account_linking']),
  kind('messaging_feedback', 'messaging_feedback', 'feedback', FeedbackEvent, ['messaging_feedback']),
  kind('response_feedback', 'response_feedback', 'response_feedback', ResponseFeedbackEvent, ['response_feedback']),
  kind('game_play', 'messaging_game_plays', 'game_play', GamePlayEvent, ['game_play']),
  kind('pass_thread_control', 'messaging_handovers', 'handover', PassThreadControlEvent, ['pass_thread_control']),
  kind('take_thread_control', 'messaging_handovers', 'handover', TakeThreadControlEvent, ['take_thread_control']),
  kind('request_thread_control', 'messaging_handovers', 'handover', RequestThreadControlEvent, ['request_thread_control']),
  kind('app_roles', 'messaging_handovers', 'handover', AppRolesEvent, ['app_roles']),
  kind('policy_enforcement', 'messaging_policy_enforcement', 'policy_enforcement', PolicyEnforcementEvent, ['policy_enforcement', 'policy-enforcement']),
  kind('send_cart', 'send_cart', 'send_cart', SendCartEvent, ['order']),
  kind('template_status_update', 'messenger_template_status_update', 'template_status_update', TemplateStatusUpdateEvent, [], (raw) => raw.field === 'messenger_template_status_update', 'changes'),
] as const;

/** The row used for anything no other row claims: new event types must never break a delivery. */
export const UNKNOWN_KIND = kind('unknown', 'unknown', 'unknown', UnknownEvent, []);

/** Every event type the library classifies, `'unknown'` included. */
export type EventKind = (typeof EVENT_KINDS)[number]['kind'] | 'unknown';

/** The name of a listener decorator's target: one per decorator (`OnHandover` covers four event kinds). */
export type ListenerName = (typeof EVENT_KINDS)[number]['listener'] | 'standby' | 'event';

/** One row of {@link EVENT_KINDS}. */
export interface EventKindDefinition<K extends string = string, L extends string = string, T = object> {
  /** The library's name of the event type, also `MessengerContext.kind`. */
  readonly kind: K;
  /** The webhook field that delivers it. */
  readonly field: string;
  /** The decorator family that receives it. */
  readonly listener: L;
  /** The DTO class the raw event becomes. */
  readonly eventClass: Type<T>;
  /** Keys of the raw event that hold its payload (the first present one is the discriminating key). */
  readonly keys: readonly string[];
  /** Which entry list carries it: messaging events also arrive in `standby[]`. */
  readonly source: 'messaging' | 'changes';
  /** Decides whether a raw event of the row's source is of this type. */
  readonly matches: (raw: JsonObject) => boolean;
}

function kind<const K extends string, const L extends string, T>(
  kindName: K,
  field: string,
  listener: L,
  eventClass: Type<T>,
  keys: readonly string[],
  matches?: (raw: JsonObject) => boolean,
  source: 'messaging' | 'changes' = 'messaging',
): EventKindDefinition<K, L, T> {
  return {
    kind: kindName,
    field,
    listener,
    eventClass,
    keys,
    source,
    matches: matches ?? ((raw) => keys.some((key) => isJsonObject(raw[key]))),
  };
}

/** The payload object under the row's discriminating key (`raw.message`, `raw.reaction`, ...), if any. */
export function payloadOf(definition: EventKindDefinition, raw: JsonObject): JsonObject | undefined {
  for (const key of definition.keys) {
    const value = raw[key];
    if (isJsonObject(value)) return value;
  }
  return undefined;
}
