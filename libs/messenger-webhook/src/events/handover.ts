import { Field } from '../reading/field.decorators.js';
import { MessagingEvent } from './common.js';

/** Another app passed thread control to this one (Handover Protocol). */
export class PassThreadControl {
  /** App that now owns the thread (numbers read as strings). */
  @Field.id()
  new_owner_app_id!: string;

  /** App that passed control; `null` when Meta does not say. */
  @Field.id({ optional: true, nullable: true })
  previous_owner_app_id?: string | null;

  /** Free text the passing app attached, e.g. why it handed over. */
  @Field.string({ optional: true })
  metadata?: string;
}

/** `messaging_handovers`: thread control was passed to this app. */
export class PassThreadControlEvent extends MessagingEvent {
  /** The hand-over. */
  @Field.nested(() => PassThreadControl)
  pass_thread_control!: PassThreadControl;
}

/** The primary receiver took thread control away from this app. */
export class TakeThreadControl {
  /** App that lost control; `null` when nobody owned the thread. */
  @Field.id({ optional: true, nullable: true })
  previous_owner_app_id?: string | null;

  /** App that took control. */
  @Field.id({ optional: true })
  new_owner_app_id?: string;

  /** Free text the taking app attached. */
  @Field.string({ optional: true })
  metadata?: string;
}

/** `messaging_handovers`: thread control was taken from this app. */
export class TakeThreadControlEvent extends MessagingEvent {
  /** The take-over. */
  @Field.nested(() => TakeThreadControl)
  take_thread_control!: TakeThreadControl;
}

/** A secondary receiver asks the primary receiver (this app) for thread control. */
export class RequestThreadControl {
  /** App asking for control. */
  @Field.id()
  requested_owner_app_id!: string;

  /** Free text the requesting app attached. */
  @Field.string({ optional: true })
  metadata?: string;
}

/** `messaging_handovers`: another app requests thread control. */
export class RequestThreadControlEvent extends MessagingEvent {
  /** The request. */
  @Field.nested(() => RequestThreadControl)
  request_thread_control!: RequestThreadControl;
}

/** `messaging_handovers`: roles of apps on the Page changed. Comes with no `sender`. */
export class AppRolesEvent extends MessagingEvent {
  /** App id -> roles (`primary_receiver`, `secondary_receiver`); keyed by id, so a record, not a class. */
  @Field.record(Field.array(Field.string()))
  app_roles!: Record<string, string[]>;
}
