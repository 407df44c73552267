import type { FieldDeclaration, ReadableClass } from './field-types.js';

// Own declarations per class; the reader walks the prototype chain itself, so a subclass inherits and may redeclare.
const declarations = new WeakMap<Function, FieldDeclaration[]>();

/** Records a field of `cls` (called by the `@Field.*()` decorators). */
export function declareField(cls: Function, declaration: FieldDeclaration): void {
  const own = declarations.get(cls);
  if (own) {
    const at = own.findIndex((existing) => existing.name === declaration.name);
    if (at >= 0) own[at] = declaration;
    else own.push(declaration);
  } else {
    declarations.set(cls, [declaration]);
  }
}

/** Every field of `cls`, its ancestors' first; a redeclared field keeps its ancestor's place with the subclass's rule. */
export function fieldsOf(cls: ReadableClass | Function): FieldDeclaration[] {
  const chain: Function[] = [];
  for (let current: unknown = cls; typeof current === 'function' && current !== Function.prototype; current = Object.getPrototypeOf(current)) {
    chain.unshift(current as Function);
  }
  const byName = new Map<string, FieldDeclaration>();
  for (const target of chain) for (const declaration of declarations.get(target) ?? []) byName.set(declaration.name, declaration);
  return [...byName.values()];
}

/** Whether `cls` (or an ancestor) declares any field: the reader refuses classes it knows nothing about. */
export function hasFields(cls: Function): boolean {
  for (let current: unknown = cls; typeof current === 'function' && current !== Function.prototype; current = Object.getPrototypeOf(current)) {
    if (declarations.has(current as Function)) return true;
  }
  return false;
}
