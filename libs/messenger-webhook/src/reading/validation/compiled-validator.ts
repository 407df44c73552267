import { ValidationError, validateSync, type ValidatorOptions } from 'class-validator';
import { constraintMessage } from './validation-messages.js';
import { planValidation, type ClassPlan, type ConstraintCheck, type PropertyPlan, type ValidationMetadata } from './validation-plan.js';

/** Validates one object as `validateSync(object, options)` would, returning the same error tree. */
export type ObjectValidator = (object: object) => ValidationError[];

/** A drop-in for `validateSync` with fixed options, with each class's metadata read once instead of per call. */
export interface CompiledValidator {
  /** Same result as `validateSync(object, options)`: same errors, same order, same messages. */
  validate(object: object): ValidationError[];
  /** Whether `cls` runs on the compiled path (false: it is handed to class-validator); for tests and diagnostics. */
  isCompiled(cls: Function): boolean;
}

/** A fully-built error (constraints and children), before it is known to belong to a property. */
interface Failure {
  constraints?: Record<string, string>;
  children?: ValidationError[];
}

// Why: `validateSync` re-reads the metadata storage for every object it visits (a walk over every decorated class
// to find inherited rules), which profiling showed to be most of its cost; the rules themselves are cheap. Only the
// options the event pipeline uses are reproduced (`forbidUnknownValues: false`, `validationError: { target: false,
// value: false }`); other options send every class through `validateSync` itself. Each class is planned on first
// use and cached by constructor, so decorators added to a class after its first validation are not seen. A class
// whose metadata uses anything the plan does not reproduce (see `planValidation`) is handed to class-validator.
/** Builds a `validateSync` equivalent for `options` that reads each class's decorator metadata only once. */
export function createCompiledValidator(options: ValidatorOptions): CompiledValidator {
  const fallback: ObjectValidator = (object) => validateSync(object, options);
  const compiledOnly = supportsOptions(options);
  const validators = new Map<Function, ObjectValidator>();
  const compiled = new Set<Function>();

  const validatorFor = (cls: Function): ObjectValidator => {
    let validator = validators.get(cls);
    if (validator === undefined) {
      validator = fallback;
      if (compiledOnly) {
        const plan = planOrUndefined(cls);
        if (plan?.supported) {
          validator = compileClass(plan.targetName, plan.properties, validateNestedObject);
          compiled.add(cls);
        }
      }
      validators.set(cls, validator);
    }
    return validator;
  };

  // class-validator picks the rules of a nested value from its runtime constructor, not from `@Type`.
  function validateNestedObject(object: object): ValidationError[] {
    const constructor: unknown = object.constructor;
    return typeof constructor === 'function' ? validatorFor(constructor)(object) : fallback(object);
  }

  return {
    validate: validateNestedObject,
    isCompiled: (cls) => {
      validatorFor(cls);
      return compiled.has(cls);
    },
  };
}

// Metadata class-validator itself could not read would make validateSync throw on every call; leaving the class to
// it keeps that behaviour (and its error) instead of inventing one here.
function planOrUndefined(cls: Function): ClassPlan | undefined {
  try {
    return planValidation(cls);
  } catch {
    return undefined;
  }
}

function supportsOptions(options: ValidatorOptions): boolean {
  const keys = Object.keys(options);
  const errorKeys = options.validationError ? Object.keys(options.validationError) : [];
  return (
    options.forbidUnknownValues === false &&
    options.validationError?.target === false &&
    options.validationError.value === false &&
    keys.every((key) => key === 'forbidUnknownValues' || key === 'validationError') &&
    errorKeys.every((key) => key === 'target' || key === 'value')
  );
}

/** Mirrors `ValidationExecutor.execute` + `performValidations` for one class, allocating only on failure. */
function compileClass(
  targetName: string,
  properties: readonly PropertyPlan[],
  validateNestedObject: ObjectValidator,
): ObjectValidator {
  // Mirrors `nestedValidations`: arrays, Sets and Maps are walked element by element with the same entries,
  // other objects validated by their own class, and anything else (null included) is a failure of the property.
  function nested(value: unknown, metadatas: readonly ValidationMetadata[]): Failure | undefined {
    if (value === undefined) return undefined;
    let failure: Failure | undefined;
    for (const metadata of metadatas) {
      if (Array.isArray(value) || value instanceof Set || value instanceof Map) {
        const items: { forEach(callback: (item: unknown, index: unknown) => void): void } =
          value instanceof Set ? Array.from(value) : value;
        items.forEach((item, index) => {
          const inner = nested(item, metadatas);
          if (inner) ((failure ??= {}).children ??= []).push(toError(String(index), inner));
        });
      } else if (value instanceof Object) {
        const errors = validateNestedObject(value);
        if (errors.length > 0) ((failure ??= {}).children ??= []).push(...errors);
      } else {
        ((failure ??= {}).constraints ??= {})[metadata.type] = constraintMessage(metadata.target, value, metadata);
      }
    }
    return failure;
  }

  return (object) => {
    let errors: ValidationError[] | undefined;
    const record = object as Record<string, unknown>;
    for (const property of properties) {
      const value = record[property.name];
      // Every condition is called, as class-validator maps them all before combining.
      let enabled = true;
      for (const condition of property.conditions) if (!condition(object, value)) enabled = false;
      if (!enabled) continue;
      let constraints = runChecks(property.defined, object, targetName, value, undefined);
      constraints = runChecks(property.custom, object, targetName, value, constraints);
      let failure: Failure | undefined;
      if (property.nested.length > 0) {
        failure = nested(value, property.nested);
        // Nested failures land in the same `constraints` object, after the property's own ones.
        if (failure?.constraints) constraints = Object.assign(constraints ?? {}, failure.constraints);
      }
      if (constraints || failure?.children) {
        (errors ??= []).push(toError(property.name, { constraints, children: failure?.children }));
      }
    }
    return errors ?? [];
  };
}

/** Mirrors `customValidations`; returns the constraints object, created on the first failure. */
function runChecks(
  checks: readonly ConstraintCheck[],
  object: object,
  targetName: string,
  value: unknown,
  constraints: Record<string, string> | undefined,
): Record<string, string> | undefined {
  // `validateIf` is asked once per decorator, as class-validator does, even if the decorator has several implementations.
  let asked: ValidationMetadata | undefined;
  let skip = false;
  for (const check of checks) {
    const { metadata } = check;
    if (metadata !== asked) {
      asked = metadata;
      skip = Boolean(metadata.validateIf) && !metadata.validateIf?.(object, value);
    }
    if (skip) continue;
    const instance = check.instance ?? check.constraint.instance;
    const args = { targetName, property: metadata.propertyName, object, value, constraints: metadata.constraints };
    let valid: boolean;
    if (!metadata.each || !(Array.isArray(value) || value instanceof Set || value instanceof Map)) {
      // A promise is truthy, which matches validateSync: it drops promises unawaited, so the value counts as valid.
      valid = Boolean(instance.validate(value, args));
    } else {
      const items: unknown[] = value instanceof Map ? Array.from(value.values()) : Array.isArray(value) ? value : Array.from(value);
      const results: unknown[] = items.map((item) => instance.validate(item, args));
      // One promise among the results sends validateSync down its async branch, which it never awaits.
      valid = results.some(isPromise) || results.every(Boolean);
    }
    if (!valid) (constraints ??= {})[check.type] = constraintMessage(object, value, metadata, instance);
  }
  return constraints;
}

function isPromise(value: unknown): boolean {
  return value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function';
}

// What `stripEmptyErrors` leaves: `constraints` only when some failed, `children` always (possibly empty).
function toError(property: string, failure: Failure): ValidationError {
  const error = new ValidationError();
  error.property = property;
  error.children = failure.children ?? [];
  if (failure.constraints) error.constraints = failure.constraints;
  return error;
}
