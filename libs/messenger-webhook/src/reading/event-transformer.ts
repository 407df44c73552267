import type { ValidationError, ValidatorOptions } from 'class-validator';
import type { EventKindDefinition } from '../events/event-kinds.js';
import type { JsonObject } from '../delivery/json.js';
import { createCompiledTransformer } from './transformation/compiled-transformer.js';
import { createCompiledValidator } from './validation/compiled-validator.js';

/** A raw event turned into its class, or the reasons it could not be. */
export type TransformResult = { readonly event: object; readonly problems?: undefined } | { readonly event?: undefined; readonly problems: string };

// Unknown keys stay (Meta adds fields over time); values are left out of errors so no content reaches the logs.
const VALIDATOR_OPTIONS: ValidatorOptions = {
  forbidUnknownValues: false,
  validationError: { target: false, value: false },
};

// Same result as validateSync with these options, without re-reading the decorator metadata for every object.
const validator = createCompiledValidator(VALIDATOR_OPTIONS);

// Same object graph as class-transformer's plainToInstance, without re-reading the decorator metadata for every key.
const transformer = createCompiledTransformer();

/** Builds the event instance (nested class instances all the way down) and, when asked, validates it. */
export function toEvent(definition: EventKindDefinition, raw: JsonObject, validate: boolean): TransformResult {
  let event: object;
  try {
    event = transformer.plainToInstance(definition.eventClass, raw) as object;
  } catch (error) {
    return { problems: `could not be read (${error instanceof Error ? error.message : String(error)})` };
  }
  if (!validate) return { event };
  let errors: ValidationError[];
  try {
    errors = validator.validate(event);
  } catch (error) {
    return { problems: `could not be validated (${error instanceof Error ? error.message : String(error)})` };
  }
  return errors.length === 0 ? { event } : { problems: describe(errors).join('; ') };
}

/** Flattens class-validator's tree into `message.mid: mid must be a string` lines. */
export function describe(errors: readonly ValidationError[], parent = ''): string[] {
  const lines: string[] = [];
  for (const error of errors) {
    const path = parent ? `${parent}.${error.property}` : error.property;
    for (const message of Object.values(error.constraints ?? {})) lines.push(`${path}: ${message}`);
    if (error.children?.length) lines.push(...describe(error.children, path));
  }
  return lines;
}
