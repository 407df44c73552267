import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { readInstance, readerOf } from '../../src/reading/class-reader.js';
import { Field } from '../../src/reading/field.decorators.js';

class Point {
  @Field.number()
  x!: number;

  @Field.number({ optional: true, coerce: true })
  y?: number;
}

class Circle {
  @Field.string()
  kind!: 'circle';

  @Field.nested(() => Point)
  center!: Point;
}

class Square {
  @Field.string()
  kind!: 'square';

  @Field.number({ integer: true })
  side!: number;
}

class OtherShape {
  @Field.string()
  kind!: string;
}

class Base {
  @Field.id({ optional: true })
  id?: string;

  @Field.string({ optional: true })
  label?: string;

  get shout(): string {
    return (this.label ?? '').toUpperCase();
  }
}

class Drawing extends Base {
  // Redeclared: required here.
  @Field.id()
  declare id: string;

  @Field.array(Field.union('kind', () => ({ circle: Circle, square: Square }), () => OtherShape), { optional: true })
  shapes?: Array<Circle | Square | OtherShape>;

  @Field.record(Field.array(Field.string()), { optional: true })
  tags?: Record<string, string[]>;

  @Field.literal(['draft', 'final'], { optional: true })
  state?: 'draft' | 'final';

  @Field.id({ optional: true, nullable: true })
  owner?: string | null;

  @Field.object({ optional: true })
  meta?: Record<string, unknown>;

  @Field.json({ optional: true })
  anything?: unknown;

  @Field.nested(() => Point, { optional: true, loose: true })
  origin?: Point | string;

  @Field.timestamp({ optional: true })
  at?: number;

  @Field.boolean({ optional: true })
  shared?: boolean;
}

describe('the reader compiled from @Field declarations', () => {
  it('builds instances all the way down, inherited fields included, getters working', () => {
    const { value, problems } = readInstance(Drawing, {
      id: 7,
      label: 'plan',
      shapes: [{ kind: 'circle', center: { x: 1, y: '2' } }, { kind: 'square', side: 3 }, { kind: 'hexagon', sides: 6 }],
      tags: { a: ['x'], b: [] },
      state: 'final',
      owner: null,
      meta: { any: { thing: [1] } },
      anything: [1, 'a', null],
      origin: 'top-left',
      at: '2024-01-01T00:00:00Z',
      shared: true,
    });
    expect(problems).toBeUndefined();
    expect(value).toBeInstanceOf(Drawing);
    expect(value.id).toBe('7');
    expect(value.shout).toBe('PLAN');
    const [circle, square, other] = value.shapes ?? [];
    expect(circle).toBeInstanceOf(Circle);
    expect((circle as Circle).center).toBeInstanceOf(Point);
    expect((circle as Circle).center).toEqual({ x: 1, y: 2 });
    expect(square).toBeInstanceOf(Square);
    expect(other).toBeInstanceOf(OtherShape);
    expect((other as unknown as { sides: number }).sides).toBe(6);
    expect(value.tags).toEqual({ a: ['x'], b: [] });
    expect(value.owner).toBeNull();
    expect(value.origin).toBe('top-left');
    expect(value.at).toBe(Date.UTC(2024, 0, 1));
  });

  it('names every problem by its path, and keeps going after the first', () => {
    const { problems } = readInstance(Drawing, {
      shapes: [{ kind: 'circle', center: { x: 'one' } }, { kind: 'square', side: 1.5 }, 'round', { side: 1 }],
      tags: { a: 'x', b: [1] },
      state: 'published',
      meta: [1],
      at: 'soon',
      shared: 'yes',
    });
    expect(problems).toEqual([
      { path: 'id', message: 'is required' },
      { path: 'shapes.0.center.x', message: 'must be a number' },
      { path: 'shapes.1.side', message: 'must be an integer' },
      { path: 'shapes.2', message: 'must be an object' },
      { path: 'shapes.3.kind', message: 'is required' },
      { path: 'tags.a', message: 'must be an array' },
      { path: 'tags.b.0', message: 'must be a string' },
      { path: 'state', message: 'must be one of "draft", "final"' },
      { path: 'meta', message: 'must be an object' },
      { path: 'at', message: 'must be epoch milliseconds (a number, a numeric string or an ISO date)' },
      { path: 'shared', message: 'must be a boolean' },
    ]);
  });

  it('null is kept as sent where a field may be absent, and is a problem where it is required', () => {
    const { value, problems } = readInstance(Drawing, { id: '1', label: null, owner: null, shapes: null });
    expect(problems).toBeUndefined();
    expect(value).toMatchObject({ id: '1', label: null, owner: null, shapes: null });
    expect(readInstance(Drawing, { id: null }).problems).toEqual([{ path: 'id', message: 'must not be null' }]);
  });

  it('a raw value that is not an object is a problem of the event itself', () => {
    expect(readInstance(Drawing, 'drawing').problems).toEqual([{ path: '', message: 'must be an object' }]);
    expect(readInstance(Drawing, [1]).problems).toEqual([{ path: '', message: 'must be an object' }]);
  });

  it('ids: strings as sent, finite numbers as their decimal string, anything else a problem', () => {
    expect(readInstance(Drawing, { id: '00042' }).value.id).toBe('00042');
    expect(readInstance(Drawing, { id: 1.5 }).value.id).toBe('1.5');
    expect(readInstance(Drawing, { id: true }).problems).toEqual([{ path: 'id', message: 'must be a string or a number (an id)' }]);
    expect(readInstance(Drawing, { id: {} }).problems).toHaveLength(1);
  });

  it('compiles once per class and refuses a class that declares nothing', () => {
    expect(readerOf(Drawing)).toBe(readerOf(Drawing));
    class Bare {
      name?: string;
    }
    expect(() => readerOf(Bare)).toThrow('Bare declares no @Field');
  });

  it('never writes a raw key over a member of the class (a getter, a method, constructor)', () => {
    const { value, problems } = readInstance(Drawing, { id: '1', label: 'own', shout: 'spoofed', constructor: 'x', toString: 'y' });
    expect(problems).toBeUndefined();
    expect(value.shout).toBe('OWN');
    expect(value.constructor).toBe(Drawing);
    expect(typeof value.toString).toBe('function');
  });
});
