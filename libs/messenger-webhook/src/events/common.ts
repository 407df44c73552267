import { Type } from 'class-transformer';
import { IsOptional, IsString, ValidateNested } from 'class-validator';
import { IsStringOrNumber } from './validators.js';

/** Who triggered the event: a PSID / IGSID in `id`, or only a `user_ref` when it came from the chat plugin. */
export class EventSender {
  /** Page-scoped (or Instagram-scoped) id; absent for chat-plugin guests, who only have `user_ref`. */
  @IsOptional()
  @IsString()
  id?: string;

  /** Set instead of `id` by the customer chat plugin and the checkbox plugin. */
  @IsOptional()
  @IsString()
  user_ref?: string;
}

/** Who received the event: usually your Page / IG account id, or the PSID for echoes sent by the Page. */
export class EventRecipient {
  /** Page id, Instagram account id, or (for echoes) the person's PSID. */
  @IsOptional()
  @IsString()
  id?: string;

  /** Present when a message was addressed to a plugin `user_ref` rather than a PSID. */
  @IsOptional()
  @IsString()
  user_ref?: string;
}

/** Base of every `messaging[]` / `standby[]` event; all optional since app_roles, policy and checkbox opt-ins lack `sender`. */
export class MessagingEvent {
  /** Absent on app_roles, policy_enforcement and checkbox-plugin opt-ins: never assume it is set. */
  @IsOptional()
  @ValidateNested()
  @Type(() => EventSender)
  sender?: EventSender;

  /** Your Page / IG account for incoming events; the person for echoes. */
  @IsOptional()
  @ValidateNested()
  @Type(() => EventRecipient)
  recipient?: EventRecipient;

  /** Epoch milliseconds; a number in practice, but one reference page shows strings, so both pass. */
  @IsOptional()
  @IsStringOrNumber()
  timestamp?: number | string;

  /** One id to key conversations by, whether the person came with a PSID or only a plugin `user_ref`. */
  get senderId(): string | undefined {
    return this.sender?.id ?? this.sender?.user_ref;
  }

  /** No-op so a raw `senderId` key cannot throw in class-transformer (getter-only in strict mode); `never` keeps TS read-only. */
  set senderId(_ignored: never) {
    // intentionally empty
  }
}
