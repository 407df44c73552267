import { Type } from 'class-transformer';
import { IsDefined, IsOptional, IsString, ValidateIf, ValidateNested } from 'class-validator';
import { MessagingEvent } from './common.js';

/** Actions Meta documents; `(string & {})` keeps the event valid if Meta adds one, since missing a block is worse. */
export type PolicyEnforcementAction = 'warning' | 'block' | 'unblock' | (string & {});

/** A policy warning, block or unblock of the Page's messaging by Meta. */
export class PolicyEnforcement {
  /** `warning`, `block` or `unblock`. */
  @IsString()
  action!: PolicyEnforcementAction;

  /** Meta's explanation; absent on `unblock`. */
  @IsOptional()
  @IsString()
  reason?: string;
}

/** `messaging_policy_enforcement` (no `sender`): Meta used two key spellings, so both are fields and `enforcement` picks one. */
export class PolicyEnforcementEvent extends MessagingEvent {
  /** Current spelling; required only when the hyphenated one is absent. */
  @ValidateIf((event: PolicyEnforcementEvent) => event['policy-enforcement'] === undefined)
  @IsDefined()
  @ValidateNested()
  @Type(() => PolicyEnforcement)
  policy_enforcement?: PolicyEnforcement;

  /** Older spelling still found in Meta's reference pages. */
  @IsOptional()
  @ValidateNested()
  @Type(() => PolicyEnforcement)
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
