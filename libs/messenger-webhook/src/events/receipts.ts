import { Field } from '../reading/field.decorators.js';
import { PersonEvent } from './common.js';

/** Reaction names Meta documents; `(string & {})` keeps autocompletion while accepting names Meta adds later. */
export type ReactionName = 'smile' | 'angry' | 'sad' | 'wow' | 'love' | 'like' | 'dislike' | 'other' | (string & {});

/** A reaction added to or removed from a message. */
export class Reaction {
  /** Message reacted to. */
  @Field.id()
  mid!: string;

  /** Documented as a closed pair, so anything else is a malformed event. */
  @Field.literal(['react', 'unreact'])
  action!: 'react' | 'unreact';

  /** Named reaction; not checked against a list because Meta adds reactions. */
  @Field.string({ optional: true })
  reaction?: ReactionName;

  /** The emoji itself, which is more precise than `reaction` (`other` covers most emojis). */
  @Field.string({ optional: true })
  emoji?: string;
}

/** `message_reactions`: a person reacted to (or un-reacted from) a message. */
export class ReactionEvent extends PersonEvent {
  /** The reaction. */
  @Field.nested(() => Reaction)
  reaction!: Reaction;
}

/** Messages up to `watermark` reached the person's device. */
export class Delivery {
  /** Delivered message ids; often omitted, so rely on `watermark`. */
  @Field.array(Field.id(), { optional: true })
  mids?: string[];

  /** Every message sent before this epoch-ms time has been delivered (numeric strings read as numbers). */
  @Field.number({ coerce: true })
  watermark!: number;
}

/** `message_deliveries` (Messenger only). Meta's own example carries no `timestamp`. */
export class DeliveryEvent extends PersonEvent {
  /** The delivery receipt. */
  @Field.nested(() => Delivery)
  delivery!: Delivery;
}

/** Read receipt: Messenger sends a `watermark`, Instagram (`messaging_seen`) the `mid` of the message seen. */
export class Read {
  /** Messenger: everything sent before this epoch-ms time has been read (numeric strings read as numbers). */
  @Field.number({ optional: true, coerce: true })
  watermark?: number;

  /** Instagram: the last message seen. */
  @Field.id({ optional: true })
  mid?: string;
}

/** `message_reads` (Messenger) and `messaging_seen` (Instagram). */
export class ReadEvent extends PersonEvent {
  /** The read receipt. */
  @Field.nested(() => Read)
  read!: Read;
}

/** New text of an edited message. */
export class MessageEdit {
  /** The edited message's id (same as the original). */
  @Field.id()
  mid!: string;

  /** Text after the edit: replace what you stored for `mid`. */
  @Field.string()
  text!: string;

  /** How many times it has been edited (Meta's page prints it quoted: `"37"` reads as 37). */
  @Field.number({ integer: true, coerce: true })
  num_edit!: number;
}

/** `message_edits` (Messenger only). */
export class MessageEditEvent extends PersonEvent {
  /** The edit. */
  @Field.nested(() => MessageEdit)
  message_edit!: MessageEdit;
}
