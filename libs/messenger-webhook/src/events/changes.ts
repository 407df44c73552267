import { Field } from '../reading/field.decorators.js';
import { MessagingEvent } from './common.js';

/** New review status of a utility message template. Shape *unverified*, so every field is optional. */
export class TemplateStatusUpdateValue {
  /** New status, e.g. `APPROVED`, `REJECTED`, `PENDING_DELETION`. */
  @Field.string({ optional: true })
  event?: string;

  /** Template id (numbers read as strings). */
  @Field.id({ optional: true })
  message_template_id?: string;

  /** Template name. */
  @Field.string({ optional: true })
  message_template_name?: string;

  /** Template language code, e.g. `en_US`. */
  @Field.string({ optional: true })
  message_template_language?: string;

  /** Why it was rejected; `NONE` or `null` otherwise. */
  @Field.string({ optional: true, nullable: true })
  reason?: string | null;
}

/** An `entry.changes[]` item with `field: 'messenger_template_status_update'`. Not a messaging event: no sender. */
export class TemplateStatusUpdateEvent {
  /** `messenger_template_status_update`. */
  @Field.string()
  field!: string;

  /** The status change. */
  @Field.nested(() => TemplateStatusUpdateValue)
  value!: TemplateStatusUpdateValue;
}

/**
 * A `changes[]` item of a webhook field this version does not model (a Page's `feed`, `leadgen`, ...), as sent:
 * `@OnChange('feed')` receives it, so you can handle any field without waiting for a new version.
 */
export class ChangeEvent {
  /** The webhook field, e.g. `feed`. */
  @Field.string()
  field!: string;

  /** The change, exactly as sent (free-form JSON). */
  @Field.json({ optional: true })
  value!: unknown;
}

/** A messaging event of a type this version does not know; all raw keys kept so a new Meta type never breaks delivery. */
export class UnknownEvent extends MessagingEvent {
  /** Raw keys as Meta sent them. */
  [key: string]: unknown;
}
