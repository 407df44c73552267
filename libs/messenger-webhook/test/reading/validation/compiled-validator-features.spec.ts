import 'reflect-metadata';
import {
  IsDefined,
  IsIn,
  IsNumber,
  IsOptional,
  IsString,
  Validate,
  ValidateIf,
  ValidateNested,
  ValidatePromise,
  ValidatorConstraint,
  validateSync,
  type ValidationArguments,
  type ValidationError,
  type ValidatorConstraintInterface,
  type ValidatorOptions,
} from 'class-validator';
import { describe, expect, it } from 'vitest';
import { createCompiledValidator } from '../../../src/reading/validation/compiled-validator.js';
import { prng } from '../../support/prng.js';

// Decorator features the event classes do not use today, so a future event class cannot silently diverge.

const OPTIONS: ValidatorOptions = { forbidUnknownValues: false, validationError: { target: false, value: false } };
const compiled = createCompiledValidator(OPTIONS);

@ValidatorConstraint({ name: 'isEven' })
class IsEvenConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'number' && value % 2 === 0;
  }

  defaultMessage(args: ValidationArguments): string {
    return `${args.property} of ${args.targetName} must be even`;
  }
}

@ValidatorConstraint({ name: 'remoteCheck', async: true })
class RemoteConstraint implements ValidatorConstraintInterface {
  validate(): Promise<boolean> {
    return Promise.resolve(false);
  }
}

// Not flagged async, yet answers with a promise for one value: validateSync then ignores the whole check.
@ValidatorConstraint({ name: 'maybeLater' })
class MaybeLaterConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean | Promise<boolean> {
    return value === 'later' ? Promise.resolve(false) : typeof value === 'string';
  }
}

class Leaf {
  @IsString()
  name!: unknown;
}

class Base {
  // Overridden below by a constraint of the same metadata type, so class-validator drops this one.
  @IsNumber()
  shared!: unknown;

  @IsString()
  baseOnly!: unknown;
}

class Child extends Base {
  @IsString()
  override shared!: unknown;

  @IsOptional()
  @IsString({ each: true, message: '$property[$value] of $target must hold text ($constraint1)' })
  tags?: unknown;

  @IsOptional()
  @ValidateNested({ each: true })
  leaves?: unknown;

  @Validate(IsEvenConstraint)
  even!: unknown;

  @IsIn(['a', 'b'], { message: (args: ValidationArguments) => `${args.property} must be one of ${String(args.constraints[0])} (got $value)` })
  choice!: unknown;

  @IsString({ validateIf: (object: Child) => object.choice === 'a' })
  onlyWhenA?: unknown;

  @IsString({ groups: ['admin'] })
  grouped?: unknown;

  @IsString({ always: true })
  always?: unknown;

  @ValidateIf((object: Child) => object.choice !== 'b')
  @IsDefined()
  neededUnlessB?: unknown;

  @ValidateNested()
  @ValidateNested()
  twice?: unknown;

  @IsDefined()
  @IsOptional()
  definedButOptional?: unknown;

  @IsOptional()
  @Validate(MaybeLaterConstraint, { each: true })
  eventually?: unknown;
}

class WithContext {
  @IsString({ context: { code: 7 } })
  name!: unknown;
}

class WithAsync {
  @IsString()
  @Validate(RemoteConstraint)
  name!: unknown;
}

class WithPromise {
  @ValidatePromise()
  @IsString()
  name!: unknown;
}

class Holder {
  @ValidateNested({ each: true })
  inner!: unknown;
}

function leaf(name: unknown): Leaf {
  return Object.assign(new Leaf(), { name });
}

type Outcome = { readonly errors: ValidationError[] } | { readonly threw: string };

function outcome(run: () => ValidationError[]): Outcome {
  try {
    return { errors: run() };
  } catch (error) {
    return { threw: String(error) };
  }
}

function expectSame(object: object, label: string): ValidationError[] {
  const expected = outcome(() => validateSync(object, OPTIONS));
  expect(outcome(() => compiled.validate(object)), label).toEqual(expected);
  return 'errors' in expected ? expected.errors : [];
}


// Fresh values per draw: class-validator never mutates them, but a shared Set would hide nothing either way.
const VALUES: readonly (() => unknown)[] = [
  () => undefined,
  () => null,
  () => 'a',
  () => 'b',
  () => 'x$&y',
  () => 2,
  () => 3,
  () => true,
  () => [],
  () => ['s', 1],
  () => ['s', 't'],
  () => 'later',
  () => ['later', 1],
  () => new Set(['s']),
  () => new Set([1]),
  () => new Map([['k', 's']]),
  () => new Map([['k', leaf(1)]]),
  () => leaf('ok'),
  () => leaf(5),
  () => [leaf('ok'), leaf(5)],
  () => [[leaf(5)], [leaf('ok')]],
  () => new Set([leaf(5), 'x', null, undefined]),
  () => [undefined, null, 5],
  () => ({}),
  () => ({ name: 5 }),
  () => Object.assign(new WithContext(), { name: 1 }),
];

const PROPERTIES = [
  'shared', 'baseOnly', 'tags', 'leaves', 'even', 'choice', 'onlyWhenA', 'grouped', 'always', 'neededUnlessB', 'twice',
  'definedButOptional', 'eventually',
] as const;

describe('compiled validator on decorator features beyond the event classes', () => {
  it('compiles what it reproduces and leaves context, async and promise metadata to class-validator', () => {
    expect([Leaf, Base, Child, Holder].map((cls) => compiled.isCompiled(cls))).toEqual([true, true, true, true]);
    expect([WithContext, WithAsync, WithPromise].map((cls) => compiled.isCompiled(cls))).toEqual([false, false, false]);
  });

  it('agrees with validateSync on 3000 random instances of an inheriting class', () => {
    const random = prng(7);
    const failing = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      const object = new Child();
      const picks: Record<string, number> = {};
      for (const property of PROPERTIES) {
        const index = Math.floor(random() * VALUES.length);
        picks[property] = index;
        (object as unknown as Record<string, unknown>)[property] = (VALUES[index] as () => unknown)();
      }
      for (const error of expectSame(object, `instance ${i}: value indexes ${JSON.stringify(picks)}`)) failing.add(error.property);
    }
    // Every rule was broken at least once, so each was compared; `@IsOptional` always wins over `@IsDefined`.
    expect([...failing].sort()).toEqual(PROPERTIES.filter((property) => property !== 'definedButOptional').sort());
  });

  it('agrees on a valid instance and names each failing path of an invalid one', () => {
    const good = Object.assign(new Child(), {
      shared: 's', baseOnly: 's', even: 4, choice: 'b', grouped: 'g', always: 'yes', twice: leaf('ok'), definedButOptional: null,
    });
    expect(expectSame(good, 'good')).toEqual([]);
    const bad = Object.assign(new Child(), { ...good, shared: 1, leaves: [leaf('ok'), leaf(5)], tags: ['s', 1], choice: 'c' });
    const errors = expectSame(bad, 'bad');
    expect(errors.map((error) => error.property)).toEqual(expect.arrayContaining(['shared', 'leaves', 'tags', 'choice']));
    expect(errors.find((error) => error.property === 'leaves')?.children?.[0]?.property).toBe('1');
  });

  it('hands unsupported classes to class-validator, contexts and all, even when nested in a compiled one', () => {
    for (const [label, object] of [
      ['context', Object.assign(new WithContext(), { name: 1 })],
      ['async', Object.assign(new WithAsync(), { name: 1 })],
      ['promise', Object.assign(new WithPromise(), { name: 1 })],
      ['nested', Object.assign(new Holder(), { inner: [Object.assign(new WithContext(), { name: 1 }), leaf(2), 'x'] })],
    ] as const) {
      expect(expectSame(object, label).length, label).toBeGreaterThan(0);
    }
  });

  it('falls back to validateSync for options it does not reproduce', () => {
    const strict = createCompiledValidator({ forbidUnknownValues: true });
    expect(strict.isCompiled(Child)).toBe(false);
    const plain = {};
    expect(strict.validate(plain)).toEqual(validateSync(plain, { forbidUnknownValues: true }));
    expect(strict.validate(plain)).toHaveLength(1);
  });
});
