export { MessengerWebhookModule } from './messenger-webhook.module.js';
export { MESSENGER_WEBHOOK_OPTIONS, MESSENGER_WEBHOOK_ASYNC_OPTIONS_TYPE, MESSENGER_WEBHOOK_OPTIONS_TYPE } from './messenger-webhook.module-definition.js';
export type {
  DedupeOptions,
  DispatchMode,
  InvalidEventsMode,
  MessengerWebhookExtras,
  MessengerWebhookOptions,
} from './messenger-webhook.options.js';
export { MESSENGER_CONTEXT_TYPE, type MessengerContextType } from './messenger-webhook.constants.js';
export type { EventSource, MessengerContext, MessengerPlatform } from './events/messenger-context.js';
export type { EventOfKind, EventOfListener, HandoverEvent, KindOfListener, MessagingEventKind, MessengerEvent } from './events/messenger-event.js';
export {
  CHANGE_KIND,
  EVENT_KINDS,
  LISTENERS,
  MESSAGING_FIELDS,
  UNKNOWN_KIND,
  fieldOfKind,
  type AnyEventKind,
  type EventKind,
  type EventKindDefinition,
  type FieldName,
  type ListenerDefinition,
  type ListenerName,
} from './events/event-kinds.js';
export { classify, classifyChange, type ChangeTarget } from './events/classify.js';
export { Field, type FieldDecorator, type NestedFieldOptions, type NumberFieldOptions } from './reading/field.decorators.js';
export type { EventProblem, FieldPresence, FieldType } from './reading/field-types.js';
export { readInstance, readerOf, type ReadResult, type Reader } from './reading/class-reader.js';
export * from './events/index.js';
export * from './handlers/decorators/listener.decorators.js';
export { Ctx, Event, PageId, Param, Payload, Sender, Text } from './handlers/decorators/param.decorators.js';
export type {
  AnyEventFilter,
  ChangeFilter,
  CommentFilter,
  CommonFilter,
  EchoFilter,
  HandoverFilter,
  HandoverKind,
  MessageFilter,
  OptinFilter,
  PostbackFilter,
  ReactionFilter,
  ReferralFilter,
} from './handlers/route-filter.js';
export type { FilterValue, ListenerOptions, ShorthandOf, ShorthandValue } from './handlers/listener-options.js';
export type { Captures, StringMatcher } from './handlers/string-matcher.js';
export { MessengerExecutionContext, isEventOf, type EventClass } from './handlers/execution-context.js';
export { MessengerDispatcher, type DispatchSummary } from './dispatch/messenger-dispatcher.js';
export type { WebhookEnvelope } from './delivery/envelope.js';
export type { HandlerFailure } from './dispatch/handler-failure.js';
export type { InvalidEventReport } from './dispatch/invalid-event-reporter.js';
export { InMemoryDedupeStore, type DedupeStore } from './dispatch/dedupe-store.js';
export { checkSignature, signBody, type SignatureCheck, type SignatureInput } from './http/signature.js';
