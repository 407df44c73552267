import {
  ValidationTypes,
  getMetadataStorage,
  type MetadataStorage,
  type ValidatorConstraintInterface,
} from 'class-validator';

/** One decorator's entry in class-validator's metadata storage (the class itself is not exported from its root). */
export type ValidationMetadata = ReturnType<MetadataStorage['getTargetValidationMetadatas']>[number];

/** A registered constraint implementation (`@ValidatorConstraint` class, or the wrapper `registerDecorator` makes). */
export type ConstraintMetadata = ReturnType<MetadataStorage['getTargetValidatorConstraints']>[number];

/** One constraint implementation to run for one decorator, resolved once instead of on every call. */
export interface ConstraintCheck {
  /** The decorator (propertyName, constraints, each, message, validateIf). */
  readonly metadata: ValidationMetadata;
  /** The key of the failure in `ValidationError.constraints`: the constraint's name, else the metadata type. */
  readonly type: string;
  /** The registered implementation, kept to resolve its instance when it is not cached. */
  readonly constraint: ConstraintMetadata;
  /** The implementation, cached when class-validator itself would always hand back this very object. */
  readonly instance: ValidatorConstraintInterface | undefined;
}

/** What class-validator does for one property, split the way `ValidationExecutor.performValidations` splits it. */
export interface PropertyPlan {
  /** The property read from the object. */
  readonly name: string;
  /** `@IsOptional` / `@ValidateIf` conditions: all are called, and any false one skips the property. */
  readonly conditions: readonly ((object: object, value: unknown) => boolean)[];
  /** `@IsDefined` checks, which run before the others. */
  readonly defined: readonly ConstraintCheck[];
  /** Every other constraint (`@IsString`, `@IsIn`, custom ones...). */
  readonly custom: readonly ConstraintCheck[];
  /** `@ValidateNested` entries, each walked as class-validator walks them (duplicates included). */
  readonly nested: readonly ValidationMetadata[];
}

/** The validation of one class, or why it must be left to class-validator. */
export type ClassPlan =
  | { readonly supported: true; readonly targetName: string; readonly properties: readonly PropertyPlan[] }
  | { readonly supported: false; readonly reason: string };

// registerDecorator({ validator: { validate } }) wraps the object in a fresh class of this name and class-validator
// resolves it from its container on every call: the wrapper is stateless, so one instance is as good as any.
const WRAPPER_CLASS_NAME = 'CustomConstraint';

// class-validator's own `getTargetValidationMetadatas` does the inheritance walk and the groups / `always`
// filtering, so the plan holds exactly the metadata validateSync would use with no groups.
/** Reads the validation rules of `cls` as validateSync would, or says why the compiled path must not take it. */
export function planValidation(cls: Function): ClassPlan {
  const storage = getMetadataStorage();
  // Same arguments as ValidationExecutor.execute with `always`, `strictGroups` and `groups` unset; the schema
  // name only matters for string-named schemas, which are never stored under a class.
  const metadatas = storage.getTargetValidationMetadatas(cls, '', false, false, undefined);
  const grouped = storage.groupByPropertyName(metadatas);
  const properties: PropertyPlan[] = [];
  for (const name of Object.keys(grouped)) {
    const conditions: PropertyPlan['conditions'][number][] = [];
    const defined: ConstraintCheck[] = [];
    const custom: ConstraintCheck[] = [];
    const nested: ValidationMetadata[] = [];
    for (const metadata of grouped[name] ?? []) {
      // `context` is copied onto errors (`contexts`), which this validator does not build.
      if (metadata.context !== undefined) return unsupported(cls, name, 'a `context` option');
      switch (metadata.type) {
        case ValidationTypes.CONDITIONAL_VALIDATION: {
          const condition: unknown = metadata.constraints?.[0];
          if (typeof condition !== 'function') return unsupported(cls, name, 'a condition that is not a function');
          conditions.push(condition as PropertyPlan['conditions'][number]);
          break;
        }
        case ValidationTypes.IS_DEFINED:
        case ValidationTypes.CUSTOM_VALIDATION: {
          const checks = constraintChecks(storage, metadata);
          if (typeof checks === 'string') return unsupported(cls, name, checks);
          (metadata.type === ValidationTypes.IS_DEFINED ? defined : custom).push(...checks);
          break;
        }
        case ValidationTypes.NESTED_VALIDATION:
          nested.push(metadata);
          break;
        case ValidationTypes.WHITELIST:
          // `@Allow` only matters to the `whitelist` option, which this validator never runs with.
          break;
        default:
          // PROMISE_VALIDATION (awaited by class-validator, even in validateSync's own odd way) and anything newer.
          return unsupported(cls, name, `metadata of type ${metadata.type}`);
      }
    }
    properties.push({ name, conditions, defined, custom, nested });
  }
  return { supported: true, targetName: cls.name, properties };
}

function constraintChecks(storage: MetadataStorage, metadata: ValidationMetadata): ConstraintCheck[] | string {
  if (typeof metadata.constraintCls !== 'function') return 'a constraint without a class';
  const checks: ConstraintCheck[] = [];
  for (const constraint of storage.getTargetValidatorConstraints(metadata.constraintCls)) {
    // validateSync skips async constraints; leaving such a class to class-validator keeps that rule in one place.
    if (constraint.async) return `the async constraint ${constraint.name}`;
    const type = constraint.name ? constraint.name : metadata.type;
    // Any other constraint class may come from a user container (`useContainer`), so it is resolved per call.
    const instance = constraint.target.name === WRAPPER_CLASS_NAME ? constraint.instance : undefined;
    checks.push({ metadata, type, constraint, instance });
  }
  return checks;
}

function unsupported(cls: Function, property: string, what: string): ClassPlan {
  return { supported: false, reason: `${cls.name}.${property} has ${what}` };
}
