import { Type } from 'class-transformer';
import { IsDefined, IsOptional, IsString, ValidateNested } from 'class-validator';
import { MessagingEvent } from './common.js';
import { IsStringOrNumber } from './validators.js';

/** New review status of a utility message template. Shape *unverified*, so every field is optional. */
export class TemplateStatusUpdateValue {
  /** New status, e.g. `APPROVED`, `REJECTED`, `PENDING_DELETION`. */
  @IsOptional()
  @IsString()
  event?: string;

  /** Template id; may be a number or a string. */
  @IsOptional()
  @IsStringOrNumber()
  message_template_id?: number | string;

  /** Template name. */
  @IsOptional()
  @IsString()
  message_template_name?: string;

  /** Template language code, e.g. `en_US`. */
  @IsOptional()
  @IsString()
  message_template_language?: string;

  /** Why it was rejected; `NONE` or null otherwise. */
  @IsOptional()
  @IsString()
  reason?: string | null;
}

/** An `entry.changes[]` item with `field: 'messenger_template_status_update'`. Not a messaging event: no sender. */
export class TemplateStatusUpdateEvent {
  /** `messenger_template_status_update`. */
  @IsString()
  field!: string;

  /** The status change. */
  @IsDefined()
  @ValidateNested()
  @Type(() => TemplateStatusUpdateValue)
  value!: TemplateStatusUpdateValue;
}

/** An event or `changes[]` item this version does not know; all raw keys kept so a new Meta type never breaks delivery. */
export class UnknownEvent extends MessagingEvent {
  /** Raw keys as Meta sent them. */
  [key: string]: unknown;
}
