import type {
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
} from './events/index.js';

/** Any event a handler can receive: the union of every event class. */
export type MessengerEvent =
  | MessageEvent
  | EchoEvent
  | MessageEditEvent
  | ReactionEvent
  | ReadEvent
  | DeliveryEvent
  | PostbackEvent
  | ReferralEvent
  | OptinEvent
  | AccountLinkingEvent
  | FeedbackEvent
  | ResponseFeedbackEvent
  | GamePlayEvent
  | PassThreadControlEvent
  | TakeThreadControlEvent
  | RequestThreadControlEvent
  | AppRolesEvent
  | PolicyEnforcementEvent
  | SendCartEvent
  | TemplateStatusUpdateEvent
  | UnknownEvent;

/** The events `@OnHandover` receives. */
export type HandoverEvent = PassThreadControlEvent | TakeThreadControlEvent | RequestThreadControlEvent | AppRolesEvent;
