import { Field } from '../reading/field.decorators.js';
import { MessagingEvent } from './common.js';

/** Actions Meta documents; `(string & {})` keeps the event valid if Meta adds one, since missing a block is worse. */
export type PolicyEnforcementAction = 'warning' | 'block' | 'unblock' | (string & {});

/** A policy warning, block or unblock of the Page's messaging by Meta. */
export class PolicyEnforcement {
  /** `warning`, `block` or `unblock`. */
  @Field.string()
  action!: PolicyEnforcementAction;

  /** Meta's explanation; absent on `unblock`. */
  @Field.string({ optional: true })
  reason?: string;
}

/** `messaging_policy_enforcement` (no `sender`): Meta used two key spellings, so both are fields and `enforcement` picks one. */
export class PolicyEnforcementEvent extends MessagingEvent {
  /** Current spelling (the event is classified only when one of the two spellings holds an object). */
  @Field.nested(() => PolicyEnforcement, { optional: true })
  policy_enforcement?: PolicyEnforcement;

  /** Older spelling still found in Meta's reference pages. */
  @Field.nested(() => PolicyEnforcement, { optional: true })
  'policy-enforcement'?: PolicyEnforcement;

  /** Whichever spelling Meta used; handlers should read this. */
  get enforcement(): PolicyEnforcement | undefined {
    return this.policy_enforcement ?? this['policy-enforcement'];
  }

  /** Ignores writes so a raw `enforcement` key cannot make class-transformer throw (see `senderId`). */
  set enforcement(_ignored: never) {
    // intentionally empty
  }
}
