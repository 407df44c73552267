/** A class whose instances the reader builds: any class with a no-argument constructor. */
export type ReadableClass<T = object> = abstract new () => T;

/** What a field may hold, as declared by a `@Field.*()` decorator. Plain data: the reader is compiled from it. */
export type FieldType =
  | { readonly type: 'string' }
  | { readonly type: 'id' }
  | { readonly type: 'number'; readonly integer: boolean; readonly coerce: boolean }
  | { readonly type: 'timestamp' }
  | { readonly type: 'boolean' }
  | { readonly type: 'literal'; readonly values: readonly (string | number | boolean)[] }
  | { readonly type: 'json'; readonly object: boolean }
  | { readonly type: 'nested'; readonly cls: () => ReadableClass; readonly loose: boolean }
  | { readonly type: 'array'; readonly item: FieldType }
  | { readonly type: 'record'; readonly item: FieldType }
  | {
      readonly type: 'union';
      readonly discriminator: string;
      readonly classes: () => Readonly<Record<string, ReadableClass>>;
      readonly fallback: () => ReadableClass;
    };

/** How absent and `null` values are treated. */
export interface FieldPresence {
  /** The field may be absent, or `null` (kept as `null`: nothing Meta sends is dropped). Default: required. */
  readonly optional?: boolean;
  /** `null` is accepted (and kept) even where the field is required. */
  readonly nullable?: boolean;
}

/** One declared field of a class. */
export interface FieldDeclaration extends FieldPresence {
  /** The property name, exactly as Meta spells the key. */
  readonly name: string;
  /** What it holds. */
  readonly field: FieldType;
}

/** One thing wrong with a raw event: where (a dotted path from the event, e.g. `message.attachments.0.type`) and what. */
export interface EventProblem {
  /** Dotted path inside the event; `''` for the event itself. */
  readonly path: string;
  /** What is wrong, e.g. `must be a string`. */
  readonly message: string;
}
