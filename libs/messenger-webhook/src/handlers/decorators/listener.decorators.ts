import { LISTENERS, type EventKind, type ListenerName } from '../../events/event-kinds.js';
import type { InvalidEvent } from '../../events/invalid-event.js';
import type { EventOfKind, EventOfListener, KindOfListener, MessagingEventKind, MessengerEvent } from '../../events/messenger-event.js';
import { MESSENGER_LISTENERS_METADATA } from '../../messenger-webhook.constants.js';
import type { ListenerOptions, ShorthandOf, ShorthandValue } from '../listener-options.js';

/** What a listener decorator records on its method; several stack on one method. */
export interface ListenerMetadata {
  /** Which decorator family. */
  readonly listener: ListenerName;
  /** The decorator's name, for logs and start-up errors. */
  readonly decorator: string;
  /** Its filters, as written (compiled at start-up). */
  readonly options: object;
}

/** The compile error a handler of the wrong event type gets: the message names the class the decorator delivers. */
export interface WrongHandlerEvent<E> {
  /** The event class (or union) the handler's first parameter must accept. */
  readonly 'the first parameter of this handler must accept the event the decorator delivers': E;
}

/**
 * Checks, at compile time, a decorated method against the events its decorator delivers: a first parameter typed as
 * an event class (or a union of them) must accept them all. A first parameter that is no event (a `@Sender()` string,
 * `unknown`, `object`) or no parameter at all passes: parameter decorators decide what it receives.
 */
export type HandlerCheck<E, M> = M extends (first: infer P, ...rest: never[]) => unknown
  ? unknown extends P
    ? void
    : [P] extends [MessengerEvent]
      ? [E] extends [P]
        ? void
        : WrongHandlerEvent<E>
      : void
  : void;

/** A method decorator whose handler receives events of type `E` (checked by {@link HandlerCheck}). */
export type HandlerDecorator<E> = <M>(target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<M>) => HandlerCheck<E, M>;

/** A listener decorator made from its row of `LISTENERS`: options typed from its filters, handler type from its events. */
export type ListenerDecorator<L extends ListenerName> = [ShorthandOf<L>] extends [never]
  ? (options?: ListenerOptions<L>) => HandlerDecorator<EventOfListener<L>>
  : (options?: ListenerOptions<L> | ShorthandValue<L>) => HandlerDecorator<EventOfListener<L>>;

/** Records a listener on a method: the list grows, so decorators stack instead of overwriting each other. */
function addListener(listener: ListenerName, options: object): (target: object, key: string | symbol, descriptor: PropertyDescriptor) => void {
  return (_target, _key, descriptor) => {
    const method = descriptor.value as object;
    const list: ListenerMetadata[] = Reflect.getMetadata(MESSENGER_LISTENERS_METADATA, method) ?? [];
    // Decorators apply bottom-up; unshift keeps the list in the order they are written.
    Reflect.defineMetadata(MESSENGER_LISTENERS_METADATA, [{ listener, decorator: LISTENERS[listener].decorator, options }, ...list], method);
  };
}

/** A shorthand is anything that is not an options object: a string, a RegExp, or a list of values. */
function optionsOf(listener: ListenerName, options: unknown): object {
  const { shorthand } = LISTENERS[listener] as { shorthand?: string };
  if (shorthand && (typeof options === 'string' || options instanceof RegExp || Array.isArray(options))) return { [shorthand]: options };
  return (options as object | undefined) ?? {};
}

function listenerDecorator<const L extends ListenerName>(listener: L): ListenerDecorator<L> {
  return ((options?: unknown) => addListener(listener, optionsOf(listener, options))) as unknown as ListenerDecorator<L>;
}

/** Handles incoming messages (never echoes). `@OnMessage('hi')` / `@OnMessage(/^hi/i)` filter on the text. */
export const OnMessage = listenerDecorator('message');
/** Handles echoes of messages the Page sent (`message.is_echo`); they never reach `@OnMessage`. */
export const OnEcho = listenerDecorator('echo');
/** Handles message reactions (`reaction`, react and unreact). */
export const OnReaction = listenerDecorator('reaction');
/** Handles delivery receipts (`delivery`). */
export const OnDelivery = listenerDecorator('delivery');
/** Handles reads: Messenger `read.watermark` and Instagram seen `read.mid`. */
export const OnRead = listenerDecorator('read');
/** Handles message edits (`message_edit`). */
export const OnMessageEdit = listenerDecorator('message_edit');
/** Handles postbacks; `@OnPostback('GET_STARTED')` filters on the payload. */
export const OnPostback = listenerDecorator('postback');
/** Handles opt-ins (plugins, one-time and recurring notification requests); a string filters on the payload. */
export const OnOptin = listenerDecorator('optin');
/** Handles referrals (m.me / ig.me links, ads, chat plugin); a string filters on `ref`. */
export const OnReferral = listenerDecorator('referral');
/** Handles account linking and unlinking. */
export const OnAccountLinking = listenerDecorator('account_linking');
/** Handles customer feedback forms (`messaging_feedback`). */
export const OnFeedback = listenerDecorator('feedback');
/** Handles feedback on a response (`response_feedback`). */
export const OnResponseFeedback = listenerDecorator('response_feedback');
/** Handles Instant Game plays (`game_play`). */
export const OnGamePlay = listenerDecorator('game_play');
/** Handles policy enforcement notices (`policy_enforcement` and the older `policy-enforcement`). */
export const OnPolicyEnforcement = listenerDecorator('policy_enforcement');
/** Handles carts sent by customers (`order`, webhook field `send_cart`). */
export const OnSendCart = listenerDecorator('send_cart');
/** Handles utility template review updates (`changes[]` with field `messenger_template_status_update`). */
export const OnTemplateStatusUpdate = listenerDecorator('template_status_update');
/** Handles Instagram comments and live comments (`comments`, `live_comments`); a string filters on the text. */
export const OnComment = listenerDecorator('comment');
/** Handles Instagram @mentions of your account in comments and captions (`mentions`). */
export const OnMention = listenerDecorator('mention');
/** Handles Instagram story metrics, sent when a story expires (`story_insights`). */
export const OnStoryInsights = listenerDecorator('story_insights');
/**
 * Handles `changes[]` items of webhook fields this version does not model, as sent: `@OnChange('feed')`,
 * `@OnChange(['feed', 'leadgen'])`, or `@OnChange()` for all of them.
 */
export const OnChange = listenerDecorator('change');

/** Handles the four Handover Protocol events; `{ kind: 'pass_thread_control' }` narrows the event type. */
export function OnHandover<const K extends KindOfListener<'handover'> = KindOfListener<'handover'>>(
  options?: ListenerOptions<'handover', K, EventOfKind<K>>,
): HandlerDecorator<EventOfKind<K>> {
  return addListener('handover', options ?? {}) as never;
}

/** Handles every event of `standby[]` (this app is not the thread owner); they reach no other listener but `@OnEvent`. */
export function OnStandby<const K extends MessagingEventKind = MessagingEventKind>(
  options?: ListenerOptions<'standby', K, EventOfKind<K>>,
): HandlerDecorator<EventOfKind<K>> {
  return addListener('standby', options ?? {}) as never;
}

/**
 * Handles events that could not be read into their class, as {@link InvalidEvent} (the kind it would have been, the raw
 * event, the problems); `{ kind: 'message' }` keeps those that would have been messages.
 */
export function OnInvalidEvent(options?: ListenerOptions<'invalid', Exclude<EventKind, 'invalid'>, InvalidEvent>): HandlerDecorator<InvalidEvent> {
  return addListener('invalid', options ?? {}) as never;
}

/** Handles every event: all types, standby, unknown and invalid ones included; `{ kind: 'message' }` narrows the event type. */
export function OnEvent<const K extends EventKind = EventKind>(options?: ListenerOptions<'event', K, EventOfKind<K>>): HandlerDecorator<EventOfKind<K>> {
  return addListener('event', options ?? {}) as never;
}
