import { Type } from 'class-transformer';
import { IsArray, IsDefined, IsIn, IsInt, IsNumber, IsOptional, IsString, ValidateNested } from 'class-validator';
import { MessagingEvent } from './common.js';

/** Reaction names Meta documents; `(string & {})` keeps autocompletion while accepting names Meta adds later. */
export type ReactionName = 'smile' | 'angry' | 'sad' | 'wow' | 'love' | 'like' | 'dislike' | 'other' | (string & {});

/** A reaction added to or removed from a message. */
export class Reaction {
  /** Message reacted to. */
  @IsString()
  mid!: string;

  /** Documented as a closed pair, so anything else is a malformed event. */
  @IsIn(['react', 'unreact'])
  action!: 'react' | 'unreact';

  /** Named reaction; not validated against a list because Meta adds reactions. */
  @IsOptional()
  @IsString()
  reaction?: ReactionName;

  /** The emoji itself, which is more precise than `reaction` (`other` covers most emojis). */
  @IsOptional()
  @IsString()
  emoji?: string;
}

/** `message_reactions`: a person reacted to (or un-reacted from) a message. */
export class ReactionEvent extends MessagingEvent {
  /** The reaction. */
  @IsDefined()
  @ValidateNested()
  @Type(() => Reaction)
  reaction!: Reaction;
}

/** Messages up to `watermark` reached the person's device. */
export class Delivery {
  /** Delivered message ids; often omitted, so rely on `watermark`. */
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  mids?: string[];

  /** Every message sent before this epoch-ms time has been delivered. */
  @IsNumber()
  watermark!: number;
}

/** `message_deliveries` (Messenger only). */
export class DeliveryEvent extends MessagingEvent {
  /** The delivery receipt. */
  @IsDefined()
  @ValidateNested()
  @Type(() => Delivery)
  delivery!: Delivery;
}

/** Read receipt: Messenger sends a `watermark`, Instagram (`messaging_seen`) the `mid` of the message seen. */
export class Read {
  /** Messenger: everything sent before this epoch-ms time has been read. */
  @IsOptional()
  @IsNumber()
  watermark?: number;

  /** Instagram: the last message seen. */
  @IsOptional()
  @IsString()
  mid?: string;
}

/** `message_reads` (Messenger) and `messaging_seen` (Instagram). */
export class ReadEvent extends MessagingEvent {
  /** The read receipt. */
  @IsDefined()
  @ValidateNested()
  @Type(() => Read)
  read!: Read;
}

/** New text of an edited message. */
export class MessageEdit {
  /** The edited message's id (same as the original). */
  @IsString()
  mid!: string;

  /** Text after the edit: replace what you stored for `mid`. */
  @IsString()
  text!: string;

  /** How many times it has been edited; lets you drop an out-of-order older edit. */
  @IsInt()
  num_edit!: number;
}

/** `message_edits` (Messenger only). */
export class MessageEditEvent extends MessagingEvent {
  /** The edit. */
  @IsDefined()
  @ValidateNested()
  @Type(() => MessageEdit)
  message_edit!: MessageEdit;
}
