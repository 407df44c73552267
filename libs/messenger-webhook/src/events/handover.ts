import { Type } from 'class-transformer';
import { IsDefined, IsOptional, IsString, ValidateNested } from 'class-validator';
import { MessagingEvent } from './common.js';
import { IsRecordOfStringArrays, IsStringOrNumber } from './validators.js';

/** Another app passed thread control to this one (Handover Protocol). */
export class PassThreadControl {
  /** App that now owns the thread; app ids arrive as numbers or strings. */
  @IsStringOrNumber()
  new_owner_app_id!: number | string;

  /** App that passed control, when Meta says. */
  @IsOptional()
  @IsStringOrNumber()
  previous_owner_app_id?: number | string | null;

  /** Free text the passing app attached, e.g. why it handed over. */
  @IsOptional()
  @IsString()
  metadata?: string;
}

/** `messaging_handovers`: thread control was passed to this app. */
export class PassThreadControlEvent extends MessagingEvent {
  /** The hand-over. */
  @IsDefined()
  @ValidateNested()
  @Type(() => PassThreadControl)
  pass_thread_control!: PassThreadControl;
}

/** The primary receiver took thread control away from this app. */
export class TakeThreadControl {
  /** App that lost control; `null` when nobody owned the thread, hence optional and nullable. */
  @IsOptional()
  @IsStringOrNumber()
  previous_owner_app_id?: number | string | null;

  /** App that took control. */
  @IsOptional()
  @IsStringOrNumber()
  new_owner_app_id?: number | string;

  /** Free text the taking app attached. */
  @IsOptional()
  @IsString()
  metadata?: string;
}

/** `messaging_handovers`: thread control was taken from this app. */
export class TakeThreadControlEvent extends MessagingEvent {
  /** The take-over. */
  @IsDefined()
  @ValidateNested()
  @Type(() => TakeThreadControl)
  take_thread_control!: TakeThreadControl;
}

/** A secondary receiver asks the primary receiver (this app) for thread control. */
export class RequestThreadControl {
  /** App asking for control. */
  @IsStringOrNumber()
  requested_owner_app_id!: number | string;

  /** Free text the requesting app attached. */
  @IsOptional()
  @IsString()
  metadata?: string;
}

/** `messaging_handovers`: another app requests thread control. */
export class RequestThreadControlEvent extends MessagingEvent {
  /** The request. */
  @IsDefined()
  @ValidateNested()
  @Type(() => RequestThreadControl)
  request_thread_control!: RequestThreadControl;
}

/** `messaging_handovers`: roles of apps on the Page changed. Comes with no `sender`. */
export class AppRolesEvent extends MessagingEvent {
  /** App id -> roles (`primary_receiver`, `secondary_receiver`); keyed by id, so a record, not a class. */
  @IsDefined()
  @IsRecordOfStringArrays()
  app_roles!: Record<string, string[]>;
}
