import { Field } from '../reading/field.decorators.js';
import { AttachmentField, type Attachment } from './attachments.js';
import { PersonEvent } from './common.js';
import { MessageReferral } from './referral.js';

/** Set only when the person tapped a quick reply button rather than typing. */
export class QuickReply {
  /** The developer payload you gave the button. */
  @Field.string()
  payload!: string;
}

/** Instagram story the person replied to. */
export class ReplyToStory {
  /** CDN URL of the story media; expires with the story. */
  @Field.string({ optional: true })
  url?: string;

  /** Story id (numbers read as strings). */
  @Field.id({ optional: true })
  id?: string;
}

/** What a message replies to: another message (`mid`) or, on Instagram, a story (`story`, no `mid`). */
export class ReplyTo {
  /** Quoted message id; absent for Instagram story replies. */
  @Field.id({ optional: true })
  mid?: string;

  /** Echoes: whether the Page replied to its own message. */
  @Field.boolean({ optional: true })
  is_self_reply?: boolean;

  /** Instagram story replies. */
  @Field.nested(() => ReplyToStory, { optional: true })
  story?: ReplyToStory;
}

/** A bot command (`/name`) the person picked from the composer menu. */
export class MessageCommand {
  /** Command name without the slash. */
  @Field.string()
  name!: string;
}

/** Fields an incoming message and its echo share. */
export class BaseMessage {
  /** Message id: the key to deduplicate at-least-once deliveries with; always sent (numbers read as strings). */
  @Field.id()
  mid!: string;

  /** Text of the message; absent for attachment-only messages. */
  @Field.string({ optional: true })
  text?: string;

  /** Attachments, each of the class its `type` names (`UnknownAttachment` for a type not modelled yet). */
  @Field.array(AttachmentField(), { optional: true })
  attachments?: Attachment[];

  /** The message or story this one replies to. */
  @Field.nested(() => ReplyTo, { optional: true })
  reply_to?: ReplyTo;
}

/** A message a person sent to the Page / IG account. */
export class Message extends BaseMessage {
  /** Present when the text came from a quick reply tap. */
  @Field.nested(() => QuickReply, { optional: true })
  quick_reply?: QuickReply;

  /** Ad click or Shops product page the message started from. */
  @Field.nested(() => MessageReferral, { optional: true })
  referral?: MessageReferral;

  /** Bot commands used in the message. */
  @Field.array(Field.nested(() => MessageCommand), { optional: true })
  commands?: MessageCommand[];

  /** Built-in NLP results; free-form JSON whose shape Meta changes, kept as sent. */
  @Field.object({ optional: true })
  nlp?: Record<string, unknown>;

  /** Instagram: the person unsent this message; only `mid` is meaningful then. */
  @Field.boolean({ optional: true })
  is_deleted?: boolean;

  /** Instagram: content the API cannot deliver (e.g. some media); only `mid` is meaningful then. */
  @Field.boolean({ optional: true })
  is_unsupported?: boolean;
}

/** A message the Page / IG account sent (by this app, another app, or the inbox), echoed back. */
export class EchoMessage extends BaseMessage {
  /** Always true: it is what makes this an echo rather than an incoming message. */
  @Field.literal([true])
  is_echo!: true;

  /** App that sent it (the Page inbox has its own app id); a number in payloads, read as a string. */
  @Field.id({ optional: true })
  app_id?: string;

  /** The `metadata` string given to the Send API, to recognise your own sends. */
  @Field.string({ optional: true })
  metadata?: string;
}

/** `messages`: a person wrote to the Page / IG account. */
export class MessageEvent extends PersonEvent {
  /** The message. */
  @Field.nested(() => Message)
  message!: Message;

  /** Attachment types in order (empty for text-only), for quick routing without instanceof checks. */
  get attachmentTypes(): string[] {
    return this.message?.attachments?.map((attachment) => attachment.type) ?? [];
  }

  /** Ignores writes so a raw `attachmentTypes` key cannot make class-transformer throw (see `senderId`). */
  set attachmentTypes(_ignored: never) {
    // intentionally empty
  }
}

/** `message_echoes` (or IG `messages` with `is_echo`): something the Page sent. Never answer it, or the bot loops. */
export class EchoEvent extends PersonEvent {
  /** The echoed message. */
  @Field.nested(() => EchoMessage)
  message!: EchoMessage;
}
