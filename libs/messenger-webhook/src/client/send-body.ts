import type { MessengerPlatform } from '../events/messenger-context.js';
import type { PageRef } from './graph-target.js';
import type {
  MessageTag,
  MessagingType,
  NotificationType,
  OutgoingMessage,
  OutgoingQuickReply,
  Recipient,
  RecipientInput,
  SenderAction,
} from './message.types.js';
import { MessengerClientError } from './messenger-api-error.js';

/** Options of every send: which Page sends, and the Send API fields that go beside the message. */
export interface SendOptions extends PageRef {
  /** `'RESPONSE'` (default), `'UPDATE'`, or `'MESSAGE_TAG'` (implied by `tag`). */
  readonly messagingType?: MessagingType;
  /** A message tag, to send outside the 24-hour window (Instagram accepts only `HUMAN_AGENT`). */
  readonly tag?: MessageTag;
  /** Sends as one of the Page's personas (Messenger only). */
  readonly personaId?: string;
  /** Push notification type (Messenger; default `REGULAR`). */
  readonly notificationType?: NotificationType;
  /** The `mid` of the message this one answers (shown as a quoted reply). */
  readonly replyTo?: string;
}

/** Options of a sender action: which Page, and the persona shown typing. */
export interface SenderActionOptions extends PageRef {
  /** Shows the indicator as one of the Page's personas (Messenger only). */
  readonly personaId?: string;
}

/** The recipient object of a PSID / IGSID given as a string. */
export function toRecipient(input: RecipientInput): Recipient {
  if (typeof input === 'string') {
    if (input.length === 0) throw new MessengerClientError('MessengerClient: the recipient id is empty');
    return { id: input };
  }
  if (typeof input !== 'object' || input === null) throw new MessengerClientError('MessengerClient: the recipient must be an id or a recipient object');
  return input;
}

/** A stable key of the conversation a call belongs to, for per-recipient ordering. */
export function recipientKey(recipient: Recipient): string {
  const [field, value] = Object.entries(recipient)[0] ?? ['', ''];
  return `${field}:${String(value)}`;
}

/** Quick replies in Meta's shape: `content_type` defaults to `'text'`. */
export function quickReplies(replies: readonly OutgoingQuickReply[]): OutgoingQuickReply[] {
  return replies.map((reply) => (reply.content_type === undefined ? { content_type: 'text', ...reply } : reply));
}

/** A message from a string (text) or a message object, checked for the one thing it needs: text or an attachment. */
export function toMessage(message: string | OutgoingMessage): OutgoingMessage {
  if (typeof message === 'string') {
    if (message.length === 0) throw new MessengerClientError('MessengerClient: the message text is empty');
    return { text: message };
  }
  if (!isOutgoingMessage(message)) throw new MessengerClientError('MessengerClient: a message needs a non-empty text or an attachment');
  return message.quick_replies ? { ...message, quick_replies: quickReplies(message.quick_replies) } : message;
}

const MESSAGE_KEYS: ReadonlySet<string> = new Set(['text', 'attachment', 'quick_replies', 'metadata']);

/** True for a Send API message object: text or an attachment, and no key a message does not have. */
export function isOutgoingMessage(value: unknown): value is OutgoingMessage {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  const hasContent = (typeof record.text === 'string' && record.text.length > 0) || (typeof record.attachment === 'object' && record.attachment !== null);
  return hasContent && Object.keys(record).every((key) => MESSAGE_KEYS.has(key));
}

/** The body of `POST me/messages` for a message, with the options Meta allows on the platform. */
export function messageBody(recipient: Recipient, message: OutgoingMessage, options: SendOptions = {}): Record<string, unknown> {
  const platform = options.platform ?? 'messenger';
  const body: Record<string, unknown> = { recipient, messaging_type: messagingType(options, platform), message };
  if (options.tag) body.tag = options.tag;
  if (options.personaId) body.persona_id = persona(options.personaId, platform);
  if (options.notificationType) body.notification_type = options.notificationType;
  if (options.replyTo) body.reply_to = { mid: options.replyTo };
  return body;
}

/** The body of `POST me/messages` for a typing indicator or read receipt. */
export function senderActionBody(recipient: Recipient, action: SenderAction, options: SenderActionOptions = {}): Record<string, unknown> {
  if (action !== 'typing_on' && action !== 'typing_off' && action !== 'mark_seen') {
    throw new MessengerClientError(`MessengerClient: sender action must be typing_on, typing_off or mark_seen`);
  }
  const body: Record<string, unknown> = { recipient, sender_action: action };
  if (options.personaId) body.persona_id = persona(options.personaId, options.platform ?? 'messenger');
  return body;
}

function messagingType(options: SendOptions, platform: MessengerPlatform): MessagingType {
  if (options.tag !== undefined) {
    if (options.messagingType !== undefined && options.messagingType !== 'MESSAGE_TAG') {
      throw new MessengerClientError(`MessengerClient: a tagged message has messagingType MESSAGE_TAG, not ${options.messagingType}`);
    }
    if (platform === 'instagram' && options.tag !== 'HUMAN_AGENT') {
      throw new MessengerClientError(`MessengerClient: Instagram accepts only the HUMAN_AGENT message tag, not ${options.tag}`);
    }
    return 'MESSAGE_TAG';
  }
  if (options.messagingType === 'MESSAGE_TAG') throw new MessengerClientError('MessengerClient: messagingType MESSAGE_TAG needs a tag');
  return options.messagingType ?? 'RESPONSE';
}

function persona(personaId: string, platform: MessengerPlatform): string {
  if (platform === 'instagram') throw new MessengerClientError('MessengerClient: personas are a Messenger feature; Meta documents no persona_id for Instagram');
  return personaId;
}
