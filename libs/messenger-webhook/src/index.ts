export { MessengerWebhookModule } from './messenger-webhook.module.js';
export { MESSENGER_WEBHOOK_OPTIONS, MESSENGER_WEBHOOK_ASYNC_OPTIONS_TYPE, MESSENGER_WEBHOOK_OPTIONS_TYPE } from './messenger-webhook.module-definition.js';
export type {
  DedupeOptions,
  DispatchMode,
  MessengerWebhookExtras,
  MessengerWebhookOptions,
} from './messenger-webhook.options.js';
export { MESSENGER_CONTEXT_TYPE, type MessengerContextType } from './messenger-webhook.constants.js';
export type { EventSource, MessengerContext, MessengerPlatform } from './messenger-context.js';
export type { HandoverEvent, MessengerEvent } from './messenger-event.js';
export { EVENT_KINDS, type EventKind, type EventKindDefinition, type ListenerName } from './event-kinds.js';
export { classify } from './classify.js';
export * from './events/index.js';
export * from './decorators/listener.decorators.js';
export { Ctx, Event, PageId, Param, Payload, Sender, Text } from './decorators/param.decorators.js';
export type {
  AnyEventFilter,
  CommonFilter,
  EchoFilter,
  HandoverFilter,
  HandoverKind,
  MessageFilter,
  OptinFilter,
  PostbackFilter,
  ReactionFilter,
  ReferralFilter,
} from './route-filter.js';
export type { Captures, StringMatcher } from './string-matcher.js';
export { MessengerExecutionContext } from './execution-context.js';
export { MessengerDispatcher, type DispatchSummary } from './messenger-dispatcher.js';
export type { WebhookEnvelope } from './envelope.js';
export type { HandlerFailure } from './handler-failure.js';
export { InMemoryDedupeStore, type DedupeStore } from './dedupe-store.js';
export { checkSignature, signBody, type SignatureCheck, type SignatureInput } from './signature.js';
