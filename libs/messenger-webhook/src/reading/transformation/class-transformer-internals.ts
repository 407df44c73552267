import { Type, type ClassTransformOptions, type TransformMetadata, type TypeMetadata } from 'class-transformer';
import type { MetadataStorage } from 'class-transformer/types/MetadataStorage.js';
import { localRequire } from './local-require.cjs';

/** The parts of class-transformer 0.5 the compiled transformer reads: none is exported from the package root. */
export interface ClassTransformerInternals {
  /** `defaultMetadataStorage`, the singleton every `@Type` / `@Transform` / `@Expose` / `@Exclude` writes to. */
  readonly storage: MetadataStorage;
  /** The storage's `@Type` entries by class then property, to list the properties a class has entries for. */
  readonly typeMetadatas: ReadonlyMap<Function, ReadonlyMap<string, TypeMetadata>>;
  /** The storage's `@Transform` entries by class then property, for the same reason. */
  readonly transformMetadatas: ReadonlyMap<Function, ReadonlyMap<string, readonly TransformMetadata[]>>;
  /** The options `plainToInstance` runs with when given none; `@Transform` functions receive a copy of them. */
  readonly defaultOptions: ClassTransformOptions;
}

/** The internals, or why they could not be reached (then every class is left to `plainToInstance`). */
export type InternalsLookup =
  | { readonly found: true; readonly internals: ClassTransformerInternals }
  | { readonly found: false; readonly reason: string };

// The package has no `exports` map, so its CommonJS files can be required by path. `require` (not a static import)
// turns a layout change in a later class-transformer into a slow-but-correct fallback instead of a library that no
// longer loads.
const requireFromHere = localRequire;

/** Compared with what the decorators wrote, so a second copy of class-transformer is not mistaken for the real one. */
class StorageProbe {
  probe?: StorageProbe;
}

/** Reaches class-transformer's metadata storage and default options, checking it is the copy the decorators use. */
export function findClassTransformerInternals(): InternalsLookup {
  let storage: unknown;
  let defaultOptions: unknown;
  try {
    storage = (requireFromHere('class-transformer/cjs/storage.js') as { defaultMetadataStorage?: unknown }).defaultMetadataStorage;
    defaultOptions = (requireFromHere('class-transformer/cjs/constants/default-options.constant.js') as { defaultOptions?: unknown })
      .defaultOptions;
  } catch (error) {
    return { found: false, reason: `class-transformer internals not found (${error instanceof Error ? error.message : String(error)})` };
  }
  if (typeof storage !== 'object' || storage === null) return { found: false, reason: 'no defaultMetadataStorage' };
  if (typeof defaultOptions !== 'object' || defaultOptions === null) return { found: false, reason: 'no defaultOptions' };
  const fields = storage as Record<string, unknown>;
  const typeMetadatas = fields['_typeMetadatas'];
  const transformMetadatas = fields['_transformMetadatas'];
  if (!(typeMetadatas instanceof Map) || !(transformMetadatas instanceof Map)) {
    return { found: false, reason: 'the metadata storage no longer keeps its entries in Maps' };
  }
  // A bundler that loads the package twice (ESM build for the decorators, CommonJS here) would give an empty storage:
  // every class would then look undecorated and be built wrong, so that case must fail the check, not pass it.
  Type(() => StorageProbe)(StorageProbe.prototype, 'probe');
  const typed = storage as MetadataStorage;
  const probe = typed.findTypeMetadata(StorageProbe, 'probe') as TypeMetadata | undefined;
  if (probe === undefined || (typeMetadatas as Map<unknown, Map<unknown, unknown>>).get(StorageProbe)?.get('probe') !== probe) {
    return { found: false, reason: 'the metadata storage found is not the one the decorators write to' };
  }
  return {
    found: true,
    internals: {
      storage: typed,
      typeMetadatas: typeMetadatas as ClassTransformerInternals['typeMetadatas'],
      transformMetadatas: transformMetadatas as ClassTransformerInternals['transformMetadatas'],
      defaultOptions: defaultOptions as ClassTransformOptions,
    },
  };
}
