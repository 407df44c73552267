import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { compileStringMatcher } from '../../src/handlers/string-matcher.js';
import { prng } from '../support/prng.js';

const WHERE = '@OnMessage on Bot.handle filter "text"';

/**
 * Inputs a stranger can type that made the lazy-RegExp construction backtrack: long runs of the character the
 * placeholders are separated by, with the trailing literal missing or almost there.
 */
const ADVERSARIAL: ReadonlyArray<{ pattern: string; input: (size: number) => string }> = [
  { pattern: '{a} {b} {c}!', input: (size) => ' '.repeat(size) },
  { pattern: '{a} {b} {c}!', input: (size) => `${' '.repeat(size)}?` },
  { pattern: 'ADD:{a}:{b}:{c}:END', input: (size) => `ADD:${':'.repeat(size)}` },
  { pattern: 'ADD:{a}:{b}:{c}:END', input: (size) => `ADD:${':'.repeat(size)}EN` },
  { pattern: 'ADD:{a}:{b}:END', input: (size) => `ADD:${':'.repeat(size)}EN` },
  { pattern: '{a}{b}{c}{d}{e}x', input: (size) => 'a'.repeat(size) },
  { pattern: '{a}aab{b}aab{c}aab!', input: (size) => 'aa'.repeat(size / 2) },
  { pattern: '{a}, {b}, {c}, {d} and {e}.', input: (size) => ', '.repeat(size / 2) },
  // Both ends match, so the whole value must be searched for the inner literals.
  { pattern: '{a} {b} {c}!', input: (size) => `${'x'.repeat(size)}!` },
  { pattern: 'ADD:{a}:{b}:{c}:END', input: (size) => `ADD:${'x'.repeat(size)}:END` },
  { pattern: '{a}aab{b}aab{c}aab!', input: (size) => `${'aa'.repeat(size / 2)}aab!` },
  { pattern: '{a}, {b}, {c}, {d} and {e}.', input: (size) => `${', '.repeat(size / 2)} and x.` },
];

/** Milliseconds one call of `match(value)` takes. */
function timeOf(match: (value: unknown) => unknown, value: string): number {
  const started = performance.now();
  match(value);
  return performance.now() - started;
}

describe('{name} patterns cost time linear in the input', () => {
  // Sizes double so that a super-linear matcher fails at the first size over budget (the step before it took under
  // 50 ms, so even an O(n^5) one costs at most 32 times that) instead of freezing the run.
  const SIZES = [100, 200, 400, 800, 1_600, 3_200, 6_400, 12_800, 25_600, 51_200, 100_000];

  it.each(ADVERSARIAL)('$pattern: inputs up to 100,000 characters each match well under 50 ms', ({ pattern, input }) => {
    const match = compileStringMatcher(pattern, WHERE);
    for (const size of SIZES) {
      const value = input(size);
      match(value); // the first call pays for the JIT
      const ms = Math.min(timeOf(match, value), timeOf(match, value), timeOf(match, value));
      expect(ms, `${pattern} against ${value.length} characters`).toBeLessThan(50);
    }
  });

  it('still matches, and captures, a 100,000-character value that fits the pattern', () => {
    const long = ':'.repeat(100_000);
    const started = performance.now();
    const captures = compileStringMatcher('ADD:{a}:{b}:END', WHERE)(`ADD:${long}END`);
    expect(performance.now() - started).toBeLessThan(50);
    // Shortest first placeholder: one character; the rest goes to the second.
    expect(captures).toEqual({ a: ':', b: ':'.repeat(100_000 - 3) });
  });
});

/** The construction the matcher replaced: one lazy group per placeholder. Right by definition, slow on bad input. */
function oracle(pattern: string): (value: string) => Record<string, string> | null {
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  const source = pattern.replace(/\{(\w+)\}|([^{]+)/g, (_, name: string | undefined, literal: string | undefined) =>
    name ? `(?<${name}>.+?)` : escape(literal!),
  );
  const regexp = new RegExp(`^${source}$`, 's');
  return (value) => {
    const groups = regexp.exec(value)?.groups;
    return groups ? { ...groups } : null;
  };
}

describe('{name} patterns keep their meaning: shortest captures, left to right, whole value', () => {
  const PATTERNS = ['{a}', 'x{a}', '{a}x', '{a}:{b}', '{a}{b}', '{a}{b}{c}', 'a{a}a{b}a', '{a}ab{b}ab', ':{a}::{b}:', '{a}aa{b}aa{c}', 'ab{a}ba{b}ab'];
  const ALPHABET = ['a', 'b', ':', 'x'];

  it('captures exactly what the lazy RegExp construction captures, on 30,000 random short values', () => {
    const random = prng(8);
    for (const pattern of PATTERNS) {
      const expected = oracle(pattern);
      const match = compileStringMatcher(pattern, WHERE);
      for (let round = 0; round < 30_000 / PATTERNS.length; round++) {
        const length = Math.floor(random() * 12);
        let value = '';
        for (let index = 0; index < length; index++) value += ALPHABET[Math.floor(random() * ALPHABET.length)];
        expect(match(value), `${pattern} against "${value}"`).toEqual(expected(value));
      }
    }
  });

  it('counts UTF-16 code units as the RegExp did (no u flag): a placeholder of one character may hold half an emoji', () => {
    const value = 'x😀y';
    expect(compileStringMatcher('x{a}{b}y', WHERE)(value)).toEqual(oracle('x{a}{b}y')(value));
  });
});
