import { Field } from '../reading/field.decorators.js';

/** Who triggered the event: a PSID / IGSID in `id`, or only a `user_ref` when it came from the chat plugin. */
export class EventSender {
  /** Page-scoped (or Instagram-scoped) id; absent for chat-plugin guests, who only have `user_ref`. Numbers read as strings. */
  @Field.id({ optional: true })
  id?: string;

  /** Set instead of `id` by the customer chat plugin and the checkbox plugin. */
  @Field.id({ optional: true })
  user_ref?: string;
}

/** The sender of events that always come from someone with an id: messages, echoes, postbacks, reactions, receipts, edits. */
export class IdentifiedSender extends EventSender {
  /** The person's PSID / IGSID (for an echo: the Page or Instagram account). */
  @Field.id()
  declare id: string;
}

/** Who received the event: usually your Page / IG account id, or the PSID for echoes sent by the Page. */
export class EventRecipient {
  /** Page id, Instagram account id, or (for echoes) the person's PSID. */
  @Field.id({ optional: true })
  id?: string;

  /** Present when a message was addressed to a plugin `user_ref` rather than a PSID. */
  @Field.id({ optional: true })
  user_ref?: string;
}

/** Base of every messaging event (`messaging[]`, `standby[]`, or a messaging field of `changes[]`). */
export class MessagingEvent {
  /** Absent on app_roles, policy_enforcement and checkbox-plugin opt-ins; always set where the class says so. */
  @Field.nested(() => EventSender, { optional: true })
  sender?: EventSender;

  /** Your Page / IG account for incoming events; the person for echoes. */
  @Field.nested(() => EventRecipient, { optional: true })
  recipient?: EventRecipient;

  /** Epoch milliseconds, always a number once read (numeric strings and ISO dates are converted); Meta's delivery receipts omit it. */
  @Field.timestamp({ optional: true })
  timestamp?: number;

  /** One id to key conversations by, whether the person came with a PSID or only a plugin `user_ref`. */
  get senderId(): string | undefined {
    return this.sender?.id ?? this.sender?.user_ref;
  }

  /** No-op so a raw `senderId` key cannot throw in class-transformer (getter-only in strict mode); `never` keeps TS read-only. */
  set senderId(_ignored: never) {
    // intentionally empty
  }
}

/** Base of the messaging events that always carry a sender with an id, so `event.sender.id` is a `string`. */
export class PersonEvent extends MessagingEvent {
  /** Who triggered the event (the Page itself for echoes). */
  @Field.nested(() => IdentifiedSender)
  declare sender: IdentifiedSender;
}
