/**
 * Typed classes for every Messenger / Instagram webhook event shape (PROTOCOL.md section 5). Field names are
 * exactly Meta's (snake_case), so Meta's reference pages map one to one onto these classes.
 */
export { EventSender, IdentifiedSender, EventRecipient, MessagingEvent, PersonEvent } from './common.js';
export {
  type Attachment,
  type KnownAttachmentType,
  type UnmodelledAttachmentType,
  ATTACHMENT_CLASSES,
  AttachmentBase,
  MediaPayload,
  ImageAttachment,
  AudioAttachment,
  VideoAttachment,
  FileAttachment,
  StickerAttachment,
  Coordinates,
  LocationPayload,
  LocationAttachment,
  FallbackPayload,
  FallbackAttachment,
  TemplateButton,
  TemplateElement,
  ProductElement,
  ProductTemplate,
  TemplatePayload,
  TemplateAttachment,
  AppointmentBookingPayload,
  AppointmentBookingAttachment,
  ReelPayload,
  IgReelAttachment,
  ReelAttachment,
  UrlPayload,
  StoryMentionAttachment,
  ShareAttachment,
  IgStoryAttachment,
  IgPostPayload,
  IgPostAttachment,
  EphemeralAttachment,
  UnsupportedAttachment,
  UnknownAttachment,
} from './attachments.js';
export { AdsContextData, ReferralProduct, ReferralBase, Referral, MessageReferral } from './referral.js';
export {
  QuickReply,
  ReplyToStory,
  ReplyTo,
  MessageCommand,
  BaseMessage,
  Message,
  EchoMessage,
  MessageEvent,
  EchoEvent,
} from './message.js';
export {
  type ReactionName,
  Reaction,
  ReactionEvent,
  Delivery,
  DeliveryEvent,
  Read,
  ReadEvent,
  MessageEdit,
  MessageEditEvent,
} from './receipts.js';
export {
  Postback,
  PostbackEvent,
  ReferralEvent,
  Optin,
  OptinEvent,
  AccountLinking,
  AccountLinkingEvent,
  FeedbackFollowUp,
  FeedbackQuestion,
  FeedbackScreen,
  MessagingFeedback,
  FeedbackEvent,
  ResponseFeedback,
  ResponseFeedbackEvent,
  GamePlay,
  GamePlayEvent,
} from './interactions.js';
export {
  PassThreadControl,
  PassThreadControlEvent,
  TakeThreadControl,
  TakeThreadControlEvent,
  RequestThreadControl,
  RequestThreadControlEvent,
  AppRolesEvent,
} from './handover.js';
export { type PolicyEnforcementAction, PolicyEnforcement, PolicyEnforcementEvent } from './policy.js';
export { OrderProduct, Order, SendCartEvent } from './commerce.js';
export { TemplateStatusUpdateValue, TemplateStatusUpdateEvent, ChangeEvent, UnknownEvent } from './changes.js';
export { CommentAuthor, CommentMedia, Comment, CommentEvent, Mention, MentionEvent, StoryInsights, StoryInsightsEvent } from './instagram.js';
export { InvalidEvent } from './invalid-event.js';
