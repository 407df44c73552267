import { declareField } from './field-registry.js';
import type { FieldPresence, FieldType, ReadableClass } from './field-types.js';
import { bridgeField } from './validation-bridge.js';

/** A property decorator that records a field for the event reader; its `field` lets it describe array items too. */
export type FieldDecorator = PropertyDecorator & {
  /** What the field holds. */
  readonly field: FieldType;
};

/** Options of `Field.number()`. */
export interface NumberFieldOptions extends FieldPresence {
  /** Only integers (`num_edit`). */
  readonly integer?: boolean;
  /** Also read numeric strings (`"37"`), which Meta's own pages print for some numbers. Default `false`. */
  readonly coerce?: boolean;
}

/** Options of `Field.nested()`. */
export interface NestedFieldOptions extends FieldPresence {
  /** A value that is not an object (a string, say) is kept as sent instead of being a problem. */
  readonly loose?: boolean;
}

function decorator(field: FieldType, presence: FieldPresence = {}): FieldDecorator {
  const apply: PropertyDecorator = (target, key) => {
    if (typeof key !== 'string') throw new Error('@Field decorators go on string-named properties');
    const declaration = { name: key, field, optional: presence.optional === true, nullable: presence.nullable === true };
    declareField(target.constructor, declaration);
    bridgeField(target, declaration);
  };
  return Object.assign(apply, { field });
}

/**
 * Field decorators of the event classes: each records what its property holds, and the reader compiled from them
 * coerces what is lossless, validates and builds instances in one pass. `optional` allows the key to be absent.
 */
export const Field = {
  /** A string. */
  string: (presence?: FieldPresence): FieldDecorator => decorator({ type: 'string' }, presence),
  /** An id: a string, or a JSON number read as its decimal string (many real payloads send numbers). */
  id: (presence?: FieldPresence): FieldDecorator => decorator({ type: 'id' }, presence),
  /** A finite number (`coerce`: numeric strings too; `integer`: integers only). */
  number: (options: NumberFieldOptions = {}): FieldDecorator =>
    decorator({ type: 'number', integer: options.integer === true, coerce: options.coerce === true }, options),
  /** Epoch milliseconds: a number, a numeric string or an ISO 8601 date-time, read as a number. */
  timestamp: (presence?: FieldPresence): FieldDecorator => decorator({ type: 'timestamp' }, presence),
  /** A boolean. */
  boolean: (presence?: FieldPresence): FieldDecorator => decorator({ type: 'boolean' }, presence),
  /** One of a closed set of values Meta documents as closed (`action: 'react' | 'unreact'`). */
  literal: (values: readonly (string | number | boolean)[], presence?: FieldPresence): FieldDecorator => decorator({ type: 'literal', values }, presence),
  /** Any JSON value, kept as sent (free-form data whose shape Meta changes). */
  json: (presence?: FieldPresence): FieldDecorator => decorator({ type: 'json', object: false }, presence),
  /** A free-form JSON object (not an array), kept as sent: any key, `constructor` and `__proto__` included, is harmless. */
  object: (presence?: FieldPresence): FieldDecorator => decorator({ type: 'json', object: true }, presence),
  /** An object read into `cls` (resolved lazily, so classes may be declared in any order). */
  nested: (cls: () => ReadableClass, options: NestedFieldOptions = {}): FieldDecorator =>
    decorator({ type: 'nested', cls, loose: options.loose === true }, options),
  /** An array whose items are what `item` (another field decorator, never applied itself) describes. */
  array: (item: FieldDecorator, presence?: FieldPresence): FieldDecorator => decorator({ type: 'array', item: item.field }, presence),
  /** An object keyed by ids (`app_roles`, feedback `questions`) whose values are what `item` describes. */
  record: (item: FieldDecorator, presence?: FieldPresence): FieldDecorator => decorator({ type: 'record', item: item.field }, presence),
  /**
   * An object whose class depends on its `discriminator` key (attachments by `type`); a value Meta added since reads
   * into `fallback`, so a new type never costs its event.
   */
  union: (
    discriminator: string,
    classes: () => Readonly<Record<string, ReadableClass>>,
    fallback: () => ReadableClass,
    presence?: FieldPresence,
  ): FieldDecorator => decorator({ type: 'union', discriminator, classes, fallback }, presence),
} as const;
