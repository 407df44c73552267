import { Type } from 'class-transformer';
import {
  Equals,
  IsArray,
  IsBoolean,
  IsDefined,
  IsObject,
  IsOptional,
  IsString,
  ValidateNested,
} from 'class-validator';
import { Attachment, attachmentTypeOptions } from './attachments.js';
import { MessagingEvent } from './common.js';
import { MessageReferral } from './referral.js';
import { IsStringOrNumber } from './validators.js';

/** Set only when the person tapped a quick reply button rather than typing. */
export class QuickReply {
  /** The developer payload you gave the button. */
  @IsString()
  payload!: string;
}

/** Instagram story the person replied to. */
export class ReplyToStory {
  /** CDN URL of the story media; expires with the story. */
  @IsOptional()
  @IsString()
  url?: string;

  /** Story id. */
  @IsOptional()
  @IsString()
  id?: string;
}

/** What a message replies to: another message (`mid`) or, on Instagram, a story (`story`, no `mid`). */
export class ReplyTo {
  /** Quoted message id; absent for Instagram story replies. */
  @IsOptional()
  @IsString()
  mid?: string;

  /** Echoes: whether the Page replied to its own message. */
  @IsOptional()
  @IsBoolean()
  is_self_reply?: boolean;

  /** Instagram story replies. */
  @IsOptional()
  @ValidateNested()
  @Type(() => ReplyToStory)
  story?: ReplyToStory;
}

/** A bot command (`/name`) the person picked from the composer menu. */
export class MessageCommand {
  /** Command name without the slash. */
  @IsString()
  name!: string;
}

/** Fields an incoming message and its echo share. */
export class BaseMessage {
  /** Message id: the key to deduplicate at-least-once deliveries with; always sent. */
  @IsString()
  mid!: string;

  /** Text of the message; absent for attachment-only messages. */
  @IsOptional()
  @IsString()
  text?: string;

  /** Attachments; each becomes the subclass matching its `type`, or `Attachment` for a type not modelled yet. */
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => Attachment, attachmentTypeOptions)
  attachments?: Attachment[];

  /** The message or story this one replies to. */
  @IsOptional()
  @ValidateNested()
  @Type(() => ReplyTo)
  reply_to?: ReplyTo;
}

/** A message a person sent to the Page / IG account. */
export class Message extends BaseMessage {
  /** Present when the text came from a quick reply tap. */
  @IsOptional()
  @ValidateNested()
  @Type(() => QuickReply)
  quick_reply?: QuickReply;

  /** Ad click or Shops product page the message started from. */
  @IsOptional()
  @ValidateNested()
  @Type(() => MessageReferral)
  referral?: MessageReferral;

  /** Bot commands used in the message. */
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => MessageCommand)
  commands?: MessageCommand[];

  /** Built-in NLP results; free-form JSON whose shape Meta changes. */
  @IsOptional()
  @IsObject()
  nlp?: Record<string, unknown>;

  /** Instagram: the person unsent this message; only `mid` is meaningful then. */
  @IsOptional()
  @IsBoolean()
  is_deleted?: boolean;

  /** Instagram: content the API cannot deliver (e.g. some media); only `mid` is meaningful then. */
  @IsOptional()
  @IsBoolean()
  is_unsupported?: boolean;
}

/** A message the Page / IG account sent (by this app, another app, or the inbox), echoed back. */
export class EchoMessage extends BaseMessage {
  /** Always true: it is what makes this an echo rather than an incoming message. */
  @Equals(true)
  is_echo!: true;

  /** App that sent it (the Page inbox has its own app id); a number in payloads, a string in the docs. */
  @IsOptional()
  @IsStringOrNumber()
  app_id?: number | string;

  /** The `metadata` string given to the Send API, to recognise your own sends. */
  @IsOptional()
  @IsString()
  metadata?: string;
}

/** `messages`: a person wrote to the Page / IG account. */
export class MessageEvent extends MessagingEvent {
  /** The message. */
  @IsDefined()
  @ValidateNested()
  @Type(() => Message)
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
export class EchoEvent extends MessagingEvent {
  /** The echoed message. */
  @IsDefined()
  @ValidateNested()
  @Type(() => EchoMessage)
  message!: EchoMessage;
}
