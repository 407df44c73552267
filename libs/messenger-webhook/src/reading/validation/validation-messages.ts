import type { ValidationArguments, ValidatorConstraintInterface } from 'class-validator';
import type { ValidationMetadata } from './validation-plan.js';

// A port of class-validator 0.15's `ValidationExecutor.createValidationError` and
// `ValidationUtils.replaceMessageSpecialTokens`: neither is exported from the package root, and error messages
// must read exactly as class-validator's do (the differential test compares them). Only failures come here.

/** The text of one failed constraint, built as class-validator builds it (custom message, else the default one). */
export function constraintMessage(
  object: unknown,
  value: unknown,
  metadata: ValidationMetadata,
  instance?: ValidatorConstraintInterface,
): string {
  const args: ValidationArguments = {
    targetName: targetNameOf(object) as string,
    property: metadata.propertyName,
    object: object as object,
    value,
    constraints: metadata.constraints,
  };
  let message: ValidationMetadata['message'] = metadata.message || '';
  // `dismissDefaultMessages` is never set by the options this validator accepts, so the default always applies.
  if (!metadata.message && instance && instance.defaultMessage instanceof Function) message = instance.defaultMessage(args);
  return replaceTokens(message, args);
}

// As class-validator computes it; for a nested value that is not an object it passes the decorated class itself.
function targetNameOf(object: unknown): string | undefined {
  const constructor = (object as { constructor?: { name?: string } }).constructor;
  return constructor ? constructor.name : undefined;
}

function replaceTokens(message: ValidationMetadata['message'], args: ValidationArguments): string {
  let text: string | undefined;
  if (message instanceof Function) text = message(args);
  else if (typeof message === 'string') text = message;
  if (text && Array.isArray(args.constraints)) {
    args.constraints.forEach((constraint: unknown, index: number) => {
      text = (text as string).replace(new RegExp(`\\$constraint${index + 1}`, 'g'), constraintToString(constraint));
    });
  }
  const value: unknown = args.value;
  if (text && value !== undefined && value !== null && ['string', 'boolean', 'number'].includes(typeof value)) {
    // A string (not a function) replacement on purpose: class-validator's, `$&`-style patterns included.
    text = text.replace(/\$value/g, value as string);
  }
  if (text) text = text.replace(/\$property/g, args.property);
  if (text) text = text.replace(/\$target/g, args.targetName);
  return text as string;
}

function constraintToString(constraint: unknown): string {
  if (Array.isArray(constraint)) return constraint.join(', ');
  if (typeof constraint === 'symbol') return `${constraint.description}`;
  return `${constraint as string}`;
}
