import type { ListenerName } from '../../events/event-kinds.js';
import { MESSENGER_LISTENERS_METADATA } from '../../messenger-webhook.constants.js';
import type {
  AccountLinkingEvent,
  DeliveryEvent,
  FeedbackEvent,
  GamePlayEvent,
  MessageEditEvent,
  PolicyEnforcementEvent,
  ReadEvent,
  ResponseFeedbackEvent,
  SendCartEvent,
  TemplateStatusUpdateEvent,
} from '../../events/index.js';
import type {
  AnyEventFilter,
  CommonFilter,
  EchoFilter,
  HandoverFilter,
  MessageFilter,
  OptinFilter,
  PostbackFilter,
  ReactionFilter,
  ReferralFilter,
} from '../route-filter.js';
import type { StringMatcher } from '../string-matcher.js';

/** What a listener decorator records on its method; several stack on one method. */
export interface ListenerMetadata {
  /** Which decorator family. */
  readonly listener: ListenerName;
  /** The decorator's name, for logs and start-up errors. */
  readonly decorator: string;
  /** Its filters, as written (compiled at start-up). */
  readonly options: object;
}

/** Records a listener on a method: the list grows, so decorators stack instead of overwriting each other. */
function addListener(listener: ListenerName, decorator: string, options: object): MethodDecorator {
  return (_target, _key, descriptor) => {
    const method = descriptor.value as object;
    const list: ListenerMetadata[] = Reflect.getMetadata(MESSENGER_LISTENERS_METADATA, method) ?? [];
    // Decorators apply bottom-up; unshift keeps the list in the order they are written.
    Reflect.defineMetadata(MESSENGER_LISTENERS_METADATA, [{ listener, decorator, options }, ...list], method);
    return descriptor;
  };
}

function listener<O extends object>(name: ListenerName, decorator: string): (options?: O) => MethodDecorator {
  return (options) => addListener(name, decorator, options ?? {});
}

function listenerWithShorthand<O extends object>(
  name: ListenerName,
  decorator: string,
  shorthand: keyof O & string,
): (options?: O | StringMatcher) => MethodDecorator {
  return (options) =>
    addListener(name, decorator, typeof options === 'string' || options instanceof RegExp ? { [shorthand]: options } : options ?? {});
}

/** Handles incoming messages (never echoes). `@OnMessage('hi')` / `@OnMessage(/^hi/i)` filter on the text. */
export const OnMessage = listenerWithShorthand<MessageFilter>('message', 'OnMessage', 'text');
/** Handles echoes of messages the Page sent (`message.is_echo`); they never reach `@OnMessage`. */
export const OnEcho = listenerWithShorthand<EchoFilter>('echo', 'OnEcho', 'text');
/** Handles message reactions (`reaction`, react and unreact). */
export const OnReaction = listener<ReactionFilter>('reaction', 'OnReaction');
/** Handles delivery receipts (`delivery`). */
export const OnDelivery = listener<CommonFilter<DeliveryEvent>>('delivery', 'OnDelivery');
/** Handles reads: Messenger `read.watermark` and Instagram seen `read.mid`. */
export const OnRead = listener<CommonFilter<ReadEvent>>('read', 'OnRead');
/** Handles message edits (`message_edit`). */
export const OnMessageEdit = listener<CommonFilter<MessageEditEvent>>('message_edit', 'OnMessageEdit');
/** Handles postbacks; `@OnPostback('GET_STARTED')` filters on the payload. */
export const OnPostback = listenerWithShorthand<PostbackFilter>('postback', 'OnPostback', 'payload');
/** Handles opt-ins (plugins, one-time and recurring notification requests); a string filters on the payload. */
export const OnOptin = listenerWithShorthand<OptinFilter>('optin', 'OnOptin', 'payload');
/** Handles referrals (m.me / ig.me links, ads, chat plugin); a string filters on `ref`. */
export const OnReferral = listenerWithShorthand<ReferralFilter>('referral', 'OnReferral', 'ref');
/** Handles account linking and unlinking. */
export const OnAccountLinking = listener<CommonFilter<AccountLinkingEvent>>('account_linking', 'OnAccountLinking');
/** Handles customer feedback forms (`messaging_feedback`). */
export const OnFeedback = listener<CommonFilter<FeedbackEvent>>('feedback', 'OnFeedback');
/** Handles feedback on a response (`response_feedback`). */
export const OnResponseFeedback = listener<CommonFilter<ResponseFeedbackEvent>>('response_feedback', 'OnResponseFeedback');
/** Handles Instant Game plays (`game_play`). */
export const OnGamePlay = listener<CommonFilter<GamePlayEvent>>('game_play', 'OnGamePlay');
/** Handles the four Handover Protocol events: pass, take, request thread control and app roles. */
export const OnHandover = listener<HandoverFilter>('handover', 'OnHandover');
/** Handles policy enforcement notices (`policy_enforcement` and the older `policy-enforcement`). */
export const OnPolicyEnforcement = listener<CommonFilter<PolicyEnforcementEvent>>('policy_enforcement', 'OnPolicyEnforcement');
/** Handles carts sent by customers (`order`, webhook field `send_cart`). */
export const OnSendCart = listener<CommonFilter<SendCartEvent>>('send_cart', 'OnSendCart');
/** Handles utility template review updates (`changes[]` with field `messenger_template_status_update`). */
export const OnTemplateStatusUpdate = listener<CommonFilter<TemplateStatusUpdateEvent>>('template_status_update', 'OnTemplateStatusUpdate');
/** Handles every event of `standby[]` (this app is not the thread owner); they reach no other listener but `@OnEvent`. */
export const OnStandby = listener<AnyEventFilter>('standby', 'OnStandby');
/** Handles every event: all types, standby and unknown ones included. */
export const OnEvent = listener<AnyEventFilter>('event', 'OnEvent');
