import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { parsePattern } from '../../src/handlers/placeholder-pattern.js';
import { compileStringMatcher } from '../../src/handlers/string-matcher.js';

const WHERE = '@OnPostback on Bot.handle filter "payload"';

describe('compileStringMatcher: exact strings', () => {
  const match = compileStringMatcher('GET_STARTED', WHERE);

  it('matches the whole value exactly, with no captures', () => {
    expect(match('GET_STARTED')).toEqual({});
  });

  it('matches no prefix, suffix, other case or other type', () => {
    expect(match('GET_STARTED_NOW')).toBeNull();
    expect(match('XGET_STARTED')).toBeNull();
    expect(match('get_started')).toBeNull();
    expect(match(undefined)).toBeNull();
    expect(match(42)).toBeNull();
  });

  it('treats RegExp metacharacters in a plain string literally', () => {
    const dotted = compileStringMatcher('a.b', WHERE);
    expect(dotted('a.b')).toEqual({});
    expect(dotted('axb')).toBeNull();
  });
});

describe('compileStringMatcher: {name} patterns', () => {
  const add = compileStringMatcher('ADD:{sku}:{qty}', WHERE);

  it('captures each placeholder', () => {
    expect(add('ADD:A1:3')).toEqual({ sku: 'A1', qty: '3' });
  });

  it('needs the whole value to match, each placeholder at least one character', () => {
    expect(add('ADD:A1')).toBeNull();
    expect(add('ADD::3')).toBeNull();
    expect(add('ADD:A1:')).toBeNull();
    expect(add('XADD:A1:3')).toBeNull();
    expect(add(3)).toBeNull();
  });

  it('takes the shortest match for each placeholder, left to right', () => {
    expect(add('ADD:A:1:2')).toEqual({ sku: 'A', qty: '1:2' });
  });

  it('keeps the text around placeholders literal, RegExp metacharacters included', () => {
    const price = compileStringMatcher('PRICE(${amount}).{unit}', WHERE);
    expect(price('PRICE($12).eur')).toEqual({ amount: '12', unit: 'eur' });
    expect(price('PRICEx$12).eur')).toBeNull();
    expect(price('PRICE($12)xeur')).toBeNull();
  });

  it('captures across line breaks', () => {
    expect(compileStringMatcher('NOTE:{text}', WHERE)('NOTE:line 1\nline 2')).toEqual({ text: 'line 1\nline 2' });
  });

  it('rejects bad placeholder names, naming the pattern and where it is', () => {
    expect(() => compileStringMatcher('ADD:{1sku}', WHERE)).toThrow(`${WHERE}: "{1sku}" in pattern "ADD:{1sku}" is not a valid placeholder name`);
    expect(() => compileStringMatcher('ADD:{}', WHERE)).toThrow('is not a valid placeholder name');
    expect(() => compileStringMatcher('ADD:{the-sku}', WHERE)).toThrow('"{the-sku}"');
    expect(() => compileStringMatcher('ADD:{ sku }', WHERE)).toThrow('is not a valid placeholder name');
  });

  it('rejects a placeholder used twice', () => {
    expect(() => compileStringMatcher('{id}:{id}', WHERE)).toThrow(`${WHERE}: placeholder "{id}" appears twice in pattern "{id}:{id}"`);
  });

  it('cuts a pattern at its placeholders, and a plain string not at all', () => {
    expect(parsePattern('ADD:{sku}:{qty}', WHERE)).toEqual({ names: ['sku', 'qty'], literals: ['ADD:', ':', ''] });
    expect(parsePattern('GET_STARTED', WHERE)).toBeNull();
  });
});

describe('compileStringMatcher: RegExps', () => {
  it('captures named groups, and nothing for a RegExp without them', () => {
    expect(compileStringMatcher(/^ORDER-(?<orderId>\d+)$/, WHERE)('ORDER-42')).toEqual({ orderId: '42' });
    expect(compileStringMatcher(/^hi/i, WHERE)('Hi there')).toEqual({});
    expect(compileStringMatcher(/^hi/i, WHERE)('oh hi')).toBeNull();
  });

  it('leaves out optional groups that did not take part', () => {
    expect(compileStringMatcher(/^(?<a>x)?(?<b>y)$/, WHERE)('y')).toEqual({ b: 'y' });
  });

  it('keeps flags i, s, u, m but is not stateful with g or y: the same value matches every time', () => {
    for (const regexp of [/hello/g, /hello/y, /hello/gy, /(?<word>hello)/gi]) {
      const match = compileStringMatcher(regexp, WHERE);
      expect(match('hello'), String(regexp)).not.toBeNull();
      expect(match('hello'), String(regexp)).not.toBeNull();
      expect(match('hello'), String(regexp)).not.toBeNull();
    }
    expect(compileStringMatcher(/HELLO/gi, WHERE)('hello')).toEqual({});
  });

  it("does not change the user's RegExp", () => {
    const regexp = /a/g;
    compileStringMatcher(regexp, WHERE)('a');
    expect(regexp.lastIndex).toBe(0);
    expect(regexp.flags).toBe('g');
  });

  it('is not run on a value longer than maxRegExpInputLength: a backtracking RegExp then costs nothing', () => {
    const limits = { maxRegExpInputLength: 4_096 };
    const quadratic = compileStringMatcher(/\s+$/, WHERE, limits);
    expect(quadratic(`${' '.repeat(4_000)}x`)).toBeNull();
    expect(quadratic(`x${' '.repeat(4_095)}`)).toEqual({});
    const started = performance.now();
    expect(quadratic(`${' '.repeat(100_000)}x`)).toBeNull();
    expect(performance.now() - started).toBeLessThan(50);
    expect(compileStringMatcher(/^x/, WHERE, limits)('x'.repeat(4_097))).toBeNull();
  });

  it('matches only strings', () => {
    expect(compileStringMatcher(/.*/, WHERE)(undefined)).toBeNull();
    expect(compileStringMatcher(/.*/, WHERE)({})).toBeNull();
  });
});

describe('compileStringMatcher: anything else', () => {
  it('is refused at start-up (for JavaScript callers)', () => {
    expect(() => compileStringMatcher(42 as unknown as string, WHERE)).toThrow(`${WHERE}: expected a string or a RegExp`);
  });
});
