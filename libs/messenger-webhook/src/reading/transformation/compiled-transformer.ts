import {
  plainToInstance,
  TransformationType,
  type ClassConstructor,
  type ClassTransformOptions,
  type DiscriminatorDescriptor,
  type TypeMetadata,
} from 'class-transformer';
import { findClassTransformerInternals } from './class-transformer-internals.js';
import { planTransformation, type PropertyPlan } from './transformation-plan.js';

/** A drop-in for class-transformer's `plainToInstance(cls, plain)` (no options) with each class's metadata read once. */
export interface CompiledTransformer {
  /** Same object graph as `plainToInstance(cls, plain)`: same classes, keys, key order, values and errors. */
  plainToInstance(cls: ClassConstructor<unknown>, plain: unknown): unknown;
  /** The compiled path alone: undefined where it would hand the input to class-transformer (for tests and diagnostics). */
  compiledOnly(cls: ClassConstructor<unknown>, plain: unknown): { readonly value: unknown } | undefined;
  /** Whether `cls` runs on the compiled path (false: it is handed to class-transformer); for tests and diagnostics. */
  isCompiled(cls: Function): boolean;
}

type PlainObject = Record<string, unknown>;

/** Builds one instance of a compiled class from a plain object. */
type ClassBuilder = (value: PlainObject, run: Run) => object;

/** The `@Type` metadata class-transformer passes down as the "type" of an array whose items it discriminates. */
class DiscriminatedItems {
  constructor(
    readonly metadata: TypeMetadata,
    readonly discriminator: DiscriminatorDescriptor,
  ) {}
}

/** What a value is built as: nothing (a plain deep copy), a compiled class, or discriminated array items. */
type Target = ClassBuilder | DiscriminatedItems | undefined;

/** A property of a compiled class, with what the builder needs at hand. */
interface CompiledProperty extends PropertyPlan {
  /** Passed down for array values, as `@Type` metadata is when the items are discriminated. */
  readonly items: DiscriminatedItems | undefined;
  /** The type the type function last returned, and its target: type functions nearly always return one class. */
  lastType: unknown;
  lastTarget: Target;
}

/** Thrown inside the compiled path when class-transformer must handle the input itself; never leaves this module. */
class HandOver {}
const HAND_OVER = new HandOver();

/** One top-level call: class-transformer hands every `@Transform` of a call the same fresh options object. */
class Run {
  private options: ClassTransformOptions | undefined;
  constructor(private readonly defaults: ClassTransformOptions) {}
  transformOptions(): ClassTransformOptions {
    return (this.options ??= { ...this.defaults });
  }
}

// Types class-transformer special-cases before building an object (conversions, Buffer, Map, Set): values typed so are
// left to it. Anything else it builds with `new type()` and fills key by key, which is what a compiled class does.
const SPECIAL_TYPES = new Set<unknown>([String, Number, Boolean, Date, Map, Set, (globalThis as { Buffer?: unknown }).Buffer].filter(Boolean));

// Why: `plainToInstance` re-reads the metadata storage for every key of every object (ancestor walks, array copies,
// filters), which profiling showed to be the largest cost per event. This reads each class once, on first use, and
// then repeats class-transformer's steps for plain JSON input in the same order: `new cls()`, then each own key of the
// input (skipping `__proto__`, `constructor` and members class-transformer will not assign), its `@Type` (called with
// the same arguments, discriminators included), the value built recursively, its `@Transform`s, and the assignment.
// Getters, setters, constructors, type functions and `@Transform`s run at the same points, so what they do or throw is
// the same too. Anything else (non-JSON values, special types such as Date, classes with `@Expose`/`@Exclude`, and the
// inputs class-transformer throws on by itself: a null item in a discriminated array, an untyped object with a truthy
// own `constructor`) is handed to `plainToInstance`, so the result is its result, error included. Decorators added to a
// class after its first use are not seen. On a hand-over, type functions and `@Transform`s that already ran run again.
/** Builds a `plainToInstance` equivalent that reads each class's class-transformer metadata only once. */
export function createCompiledTransformer(): CompiledTransformer {
  const lookup = findClassTransformerInternals();
  const internals = lookup.found ? lookup.internals : undefined;
  const builders = new Map<unknown, ClassBuilder | null>();

  function builderFor(cls: Function): ClassBuilder | null {
    let builder = builders.get(cls);
    if (builder === undefined) {
      builder = null;
      if (internals && !SPECIAL_TYPES.has(cls)) {
        const plan = planTransformation(internals, cls);
        if (plan.supported) builder = compileClass(cls as new () => object, plan.properties);
      }
      builders.set(cls, builder);
    }
    return builder;
  }

  /** The target for a type a `@Type` function or discriminator gave; hands over for any type not compiled. */
  function targetOf(type: unknown): ClassBuilder | undefined {
    // class-transformer treats a falsy type as no type at all.
    if (!type) return undefined;
    if (typeof type !== 'function') throw HAND_OVER;
    const builder = builders.get(type) ?? builderFor(type);
    if (builder === null) throw HAND_OVER;
    return builder;
  }

  /** `TransformOperationExecutor.transform` for plain-to-class, JSON input and no options. */
  function transformValue(value: unknown, target: Target, arrayType: unknown, run: Run): unknown {
    if (typeof value !== 'object' || value === null) return value;
    if (Array.isArray(value)) return transformArray(value, target, arrayType, run);
    // Dates, Maps, Sets, Buffers, promises and class instances each have their own branch in class-transformer.
    if (Object.getPrototypeOf(value) !== Object.prototype) throw HAND_OVER;
    if (target === undefined) return copyPlain(value as PlainObject, run);
    // Discriminated items are only ever passed down with an array value.
    if (target instanceof DiscriminatedItems) throw HAND_OVER;
    return target(value as PlainObject, run);
  }

  function transformArray(value: readonly unknown[], target: Target, arrayType: unknown, run: Run): unknown {
    const out = newArray(arrayType);
    // forEach, as class-transformer, so holes are skipped the same way.
    value.forEach((item) => {
      let itemTarget: Target = target;
      if (target instanceof DiscriminatedItems) {
        // class-transformer reads the discriminator of a null / undefined item without a check, and throws.
        if (item === null || item === undefined) throw HAND_OVER;
        const { metadata, discriminator } = target;
        const name = (item as PlainObject)[discriminator.property];
        const subType = discriminator.subTypes.find((candidate) => candidate.name === name);
        const base: unknown = metadata.typeFunction({ newObject: out, object: item as PlainObject, property: undefined as unknown as string });
        itemTarget = targetOf(subType === undefined ? base : subType.value);
      }
      const built = transformValue(item, itemTarget, undefined, run);
      if (out instanceof Set) out.add(built);
      else out.push(built);
    });
    return out;
  }

  /** `instantiateArrayType`: the `design:type` of the property, unless it is not a list (then a plain array). */
  function newArray(arrayType: unknown): { push(item: unknown): unknown } | Set<unknown> {
    if (!arrayType || arrayType === Array) return [];
    if (typeof arrayType !== 'function') throw HAND_OVER;
    const array = new (arrayType as new () => object)();
    return !(array instanceof Set) && !('push' in array) ? [] : (array as { push(item: unknown): unknown } | Set<unknown>);
  }

  /** An object with no type: class-transformer copies it key by key into a plain object. */
  function copyPlain(value: PlainObject, run: Run): PlainObject {
    // With no type, class-transformer takes an own `constructor` value as the class to build, and throws on a truthy one.
    const guessed = value.constructor;
    if (guessed !== Object && guessed) throw HAND_OVER;
    const out: PlainObject = {};
    for (const key of Object.keys(value)) {
      if (key === '__proto__' || key === 'constructor') continue;
      // Keys inherited from Object.prototype (`toString`, `hasOwnProperty`...) are skipped as members.
      if (key in out && isSkippedMember(Object.prototype, out, key)) continue;
      out[key] = transformValue(value[key], undefined, undefined, run);
    }
    return out;
  }

  function compileClass(cls: new () => object, plans: ReadonlyMap<string, PropertyPlan>): ClassBuilder {
    const properties = new Map<string, CompiledProperty>();
    for (const [name, plan] of plans) {
      const items = plan.type && plan.discriminator ? new DiscriminatedItems(plan.type, plan.discriminator) : undefined;
      properties.set(name, { ...plan, items, lastType: undefined, lastTarget: undefined });
    }
    return (value, run) => {
      const out = new cls() as PlainObject;
      for (const key of Object.keys(value)) {
        if (key === '__proto__' || key === 'constructor') continue;
        const item = value[key];
        const property = properties.get(key);
        if (property === undefined) {
          // No metadata and no own member: only an inherited member (a getter runs here, as in class-transformer) skips it.
          if (out[key] instanceof Function) continue;
          out[key] = transformValue(item, undefined, undefined, run);
          continue;
        }
        // The type function runs before the skip check and whatever the value, as in class-transformer.
        let type: unknown;
        let discriminated = false;
        const metadata = property.type;
        if (metadata) {
          const newType: unknown = metadata.typeFunction
            ? metadata.typeFunction({ newObject: out, object: value, property: key })
            : metadata.reflectedType;
          const discriminator = property.discriminator;
          if (discriminator === undefined) {
            type = newType;
          } else if (item instanceof Array) {
            discriminated = true;
          } else {
            const { property: field } = discriminator;
            const subType = discriminator.subTypes.find((candidate) =>
              item && item instanceof Object && field in item ? candidate.name === (item as PlainObject)[field] : undefined,
            );
            type = subType === undefined ? newType : subType.value;
          }
        }
        if (property.skipped || out[key] instanceof Function) continue;
        let target: Target;
        if (discriminated) target = property.items;
        else if (type === property.lastType) target = property.lastTarget;
        else {
          target = targetOf(type);
          property.lastType = type;
          property.lastTarget = target;
        }
        const arrayType: unknown = Array.isArray(item) ? metadata?.reflectedType : undefined;
        let built = transformValue(item, target, arrayType, run);
        for (const transform of property.transforms) {
          built = transform({ value: built, key, obj: value, type: TransformationType.PLAIN_TO_CLASS, options: run.transformOptions() });
        }
        out[key] = built;
      }
      return out;
    };
  }

  function compiledOnly(cls: ClassConstructor<unknown>, plain: unknown): { readonly value: unknown } | undefined {
    if (!internals) return undefined;
    try {
      return { value: transformValue(plain, targetOf(cls), undefined, new Run(internals.defaultOptions)) };
    } catch (error) {
      if (error === HAND_OVER) return undefined;
      throw error;
    }
  }

  return {
    plainToInstance(cls, plain) {
      let result: { readonly value: unknown } | undefined;
      try {
        result = compiledOnly(cls, plain);
      } catch (error) {
        // Out of stack on deep nesting (frames differ in size): class-transformer decides, building it or throwing its own.
        if (!(error instanceof RangeError)) throw error;
      }
      return result ? result.value : plainToInstance(cls, plain);
    },
    compiledOnly,
    isCompiled: (cls) => builderFor(cls) !== null,
  };
}

/** class-transformer's test for a key it must not assign: an own non-settable member of the prototype, or a function. */
function isSkippedMember(prototype: object, out: PlainObject, key: string): boolean {
  const descriptor = Object.getOwnPropertyDescriptor(prototype, key);
  return (descriptor !== undefined && !descriptor.set) || out[key] instanceof Function;
}
