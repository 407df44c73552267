export { metaStringify } from './meta-json.js';
export { signPayload, type SignatureAlgorithm } from './sign-payload.js';
export { DEFAULT_APP_ID, DEFAULT_PAGE_ID, DEFAULT_SENDER } from './event-defaults.js';
export { KNOWN_ATTACHMENT_KINDS, type AttachmentKind } from './attachment-defaults.js';
export type {
  RawAttachment,
  RawCartProduct,
  RawChange,
  RawComment,
  RawMention,
  RawMessage,
  RawMessagingEvent,
  RawParty,
  RawStoryInsights,
} from './raw-event.types.js';
export {
  MessengerEvents,
  type AsChangeOptions,
  type CommentOptions,
  type EchoOptions,
  type EventOptions,
  type HandoverOptions,
  type MessageOptions,
  type MessengerEventFactory,
  type PostbackOptions,
  type TemplateStatusOptions,
} from './events.factory.js';
export {
  WebhookBodyBuilder,
  isWebhookBody,
  toWebhookBody,
  webhookBody,
  type EntryLists,
  type EventsOrBody,
  type WebhookBody,
  type WebhookBodyOptions,
  type WebhookEntry,
  type WebhookObject,
} from './webhook-body.js';
export {
  MessengerTestClient,
  createMessengerTestClient,
  type MessengerTestClientOptions,
  type SendOptions,
  type TestResponse,
} from './test-client.js';
export {
  createFakeGraphApi,
  type FakeGraphApi,
  type FakeGraphApiOptions,
  type GraphCall,
  type GraphCallFile,
  type GraphFailure,
} from './fake-graph-api.js';
export { MessengerRecorder, type RecordedCall, type RecordedDecorator, type RecordedEvents } from './messenger-recorder.js';
