import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { ValidateBy, buildMessage, validateSync, type ValidationOptions } from 'class-validator';

/** Meta sends app ids and timestamps as numbers in one place and as strings in another, so both must pass. */
export function IsStringOrNumber(validationOptions?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isStringOrNumber',
      validator: {
        validate: (value: unknown): boolean =>
          typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)),
        defaultMessage: buildMessage((each) => `${each}$property must be a string or a finite number`, validationOptions),
      },
    },
    validationOptions,
  );
}

/** True for a JSON object (not an array, not null); records keyed by ids need this check before walking them. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `@ValidateNested` cannot walk an id-keyed record of objects, so this checks every value of one. */
export function IsRecordOf(cls: ClassConstructor<object>, validationOptions?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isRecordOf',
      constraints: [cls.name],
      validator: {
        validate: (value: unknown): boolean =>
          isJsonObject(value) &&
          Object.values(value).every(
            (item) => item instanceof cls && validateSync(item, { forbidUnknownValues: false }).length === 0,
          ),
        defaultMessage: buildMessage(
          (each) => `${each}$property must be an object whose values are valid $constraint1 objects`,
          validationOptions,
        ),
      },
    },
    validationOptions,
  );
}

/** `app_roles` maps an app id to its roles; no built-in validator describes that shape. */
export function IsRecordOfStringArrays(validationOptions?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isRecordOfStringArrays',
      validator: {
        validate: (value: unknown): boolean =>
          isJsonObject(value) &&
          Object.values(value).every((item) => Array.isArray(item) && item.every((v) => typeof v === 'string')),
        defaultMessage: buildMessage(
          (each) => `${each}$property must be an object whose values are arrays of strings`,
          validationOptions,
        ),
      },
    },
    validationOptions,
  );
}

/** For `@Transform` on id-keyed records: `@Type` would turn the record itself into `cls`, not its values. */
export function toRecordOf<T extends object>(cls: ClassConstructor<T>, value: unknown): unknown {
  if (!isJsonObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    // A JSON-parsed "__proto__" key is an own property; assigning it would swap the record's prototype.
    if (key === '__proto__') continue;
    out[key] = isJsonObject(item) ? plainToInstance(cls, item) : item;
  }
  return out;
}
