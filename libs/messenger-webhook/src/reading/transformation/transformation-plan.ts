import { TransformationType, type DiscriminatorDescriptor, type TransformFnParams, type TypeMetadata } from 'class-transformer';
import type { ClassTransformerInternals } from './class-transformer-internals.js';

/** A `@Transform` function, called as class-transformer calls it. */
export type TransformFn = (params: TransformFnParams) => unknown;

/** What `TransformOperationExecutor` looks up for one key of a plain object it turns into this class. */
export interface PropertyPlan {
  /** `findTypeMetadata(cls, name)`: the `@Type` of the class or of its nearest ancestor that has one. */
  readonly type: TypeMetadata | undefined;
  /** The discriminator of `type` when it is complete (class-transformer ignores one without property or subTypes). */
  readonly discriminator: DiscriminatorDescriptor | undefined;
  /** The plain-to-class `@Transform` functions without groups, in the order class-transformer applies them. */
  readonly transforms: readonly TransformFn[];
  /** An own member of the class prototype with no setter (method, getter, data): class-transformer never assigns it. */
  readonly skipped: boolean;
}

/** How to build one class from a plain object, or why class-transformer must do it. */
export type ClassPlan =
  | { readonly supported: true; readonly properties: ReadonlyMap<string, PropertyPlan> }
  | { readonly supported: false; readonly reason: string };

// Keys absent from `properties` have no `@Type`, no `@Transform` and no own member on the prototype: the builder
// copies them untyped, after the inherited-member check class-transformer makes for every key.
/** Reads what class-transformer uses to build `cls` from a plain object with no options, or why the compiled path must not. */
export function planTransformation(internals: ClassTransformerInternals, cls: Function): ClassPlan {
  const { storage } = internals;
  const prototype: unknown = cls.prototype;
  if (typeof prototype !== 'object' || prototype === null) return unsupported(cls, 'no prototype');
  // class-transformer checks skipped members on `instance.constructor.prototype`, which is this only when it points back.
  if ((prototype as { constructor?: unknown }).constructor !== cls) return unsupported(cls, 'a prototype whose constructor is another function');
  // Instances of a Map are filled with `set` rather than by assignment.
  if (prototype instanceof Map) return unsupported(cls, 'Map instances');
  // `@Expose` / `@Exclude` change which keys are read and under which name; no event class needs them.
  if (storage.getStrategy(cls) !== 'none') return unsupported(cls, 'a class-level @Expose or @Exclude');
  if (storage.getExposedMetadatas(cls).length > 0) return unsupported(cls, '@Expose properties');
  if (storage.getExcludedMetadatas(cls).length > 0) return unsupported(cls, '@Exclude properties');

  const names = new Set<string>();
  for (const target of [cls, ...ancestorsOf(cls)]) {
    for (const name of internals.typeMetadatas.get(target)?.keys() ?? []) names.add(name);
    for (const name of internals.transformMetadatas.get(target)?.keys() ?? []) names.add(name);
  }
  const ownMembers = Object.getOwnPropertyNames(prototype);
  for (const name of ownMembers) names.add(name);

  const properties = new Map<string, PropertyPlan>();
  for (const name of names) {
    const type = storage.findTypeMetadata(cls, name) as TypeMetadata | undefined;
    let discriminator: DiscriminatorDescriptor | undefined;
    if (type) {
      // `isSubValueMap`: the value would be built as a Map, a branch the compiled path does not have.
      if (type.reflectedType === Map) return unsupported(cls, `@Type on the Map property ${name}`);
      const candidate = type.options?.discriminator;
      if (candidate?.property && candidate.subTypes) {
        // Without `keepDiscriminatorProperty` class-transformer deletes the key from the input object itself.
        if (!type.options.keepDiscriminatorProperty) return unsupported(cls, `a discriminator on ${name} that drops its property`);
        if (typeof type.typeFunction !== 'function') return unsupported(cls, `a discriminator on ${name} with no type function`);
        discriminator = candidate;
      }
    }
    // Same filter as `applyCustomTransformations` with `groups` and `version` unset.
    const transforms = storage
      .findTransformMetadatas(cls, name, TransformationType.PLAIN_TO_CLASS)
      .filter((metadata) => !metadata.options || !metadata.options.groups || !metadata.options.groups.length)
      .map((metadata) => metadata.transformFn as TransformFn);
    const descriptor = Object.getOwnPropertyDescriptor(prototype, name);
    properties.set(name, { type, discriminator, transforms, skipped: descriptor !== undefined && !descriptor.set });
  }
  return { supported: true, properties };
}

/** The superclasses class-transformer's `getAncestors` walks, nearest first. */
function ancestorsOf(cls: Function): Function[] {
  const ancestors: Function[] = [];
  const next = (of: Function): unknown => Object.getPrototypeOf((of.prototype as { constructor: unknown }).constructor);
  for (let base = next(cls); typeof base === 'function' && base.prototype !== undefined; base = next(base)) ancestors.push(base);
  return ancestors;
}

function unsupported(cls: Function, what: string): ClassPlan {
  return { supported: false, reason: `${cls.name} has ${what}` };
}
