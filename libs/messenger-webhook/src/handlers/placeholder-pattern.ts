import { LiteralSearch } from './literal-search.js';

/** Captures of a successful match, by placeholder name. */
type Captures = Record<string, string>;

/** A `{name}` pattern cut at its placeholders: `literals[0] {names[0]} literals[1] ... {names[n-1]} literals[n]`. */
export interface PlaceholderPattern {
  /** The placeholder names, in order; at least one. */
  readonly names: readonly string[];
  /** The literal text around them (`names.length + 1` items, any of them possibly empty). */
  readonly literals: readonly string[];
}

const PLACEHOLDER = /\{([^{}]*)\}/g;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Cuts a pattern at its placeholders; `null` when it has none (an exact string). Bad names fail, naming `where`. */
export function parsePattern(pattern: string, where: string): PlaceholderPattern | null {
  const names: string[] = [];
  const literals: string[] = [];
  let last = 0;
  for (const match of pattern.matchAll(PLACEHOLDER)) {
    const name = match[1]!;
    if (!IDENTIFIER.test(name)) throw new Error(`${where}: "{${name}}" in pattern "${pattern}" is not a valid placeholder name`);
    if (names.includes(name)) throw new Error(`${where}: placeholder "{${name}}" appears twice in pattern "${pattern}"`);
    names.push(name);
    literals.push(pattern.slice(last, match.index));
    last = match.index + match[0].length;
  }
  if (names.length === 0) return null;
  literals.push(pattern.slice(last));
  return { names, literals };
}

/**
 * Compiles a pattern into a matcher whose cost is linear in the value, whatever the value and the pattern.
 *
 * Meaning (that of `^literal(.+?)literal(.+?)...literal$` with the `s` flag, which it replaced): the whole value must
 * match, each placeholder takes at least one UTF-16 code unit, and each takes as few as it can, left to right.
 *
 * How, without backtracking: a first pass from the right finds, for each inner literal, the last place it can start
 * and still leave room for the rest; a second pass from the left takes each literal's first occurrence after the
 * previous placeholder's first character. An earlier occurrence never makes the rest harder to match (the next
 * literal can stay where it was), so when the first occurrence lies past that last place, nothing fits. Each pass
 * scans the value once (see {@link LiteralSearch}).
 */
export function compilePattern({ names, literals }: PlaceholderPattern): (value: string) => Captures | null {
  const count = names.length;
  const first = literals[0]!;
  const last = literals[count]!;
  const inner = literals.slice(1, count).map((literal) => new LiteralSearch(literal));
  const shortest = literals.reduce((sum, literal) => sum + literal.length, count);
  const latest = new Int32Array(count + 1);
  return (value) => {
    const length = value.length;
    if (length < shortest || !value.startsWith(first) || !value.endsWith(last)) return null;
    // latest[i]: the last start of literal i that leaves at least one character to each placeholder after it.
    latest[count] = length - last.length;
    for (let index = count - 1; index >= 1; index--) {
      const search = inner[index - 1]!;
      const start = search.lastIndexUpTo(value, latest[index + 1]! - search.literal.length - 1);
      if (start < 0) return null;
      latest[index] = start;
    }
    const captures: Captures = {};
    let position = first.length;
    for (let index = 1; index < count; index++) {
      const search = inner[index - 1]!;
      const start = search.indexFrom(value, position + 1);
      if (start < 0 || start > latest[index]!) return null;
      captures[names[index - 1]!] = value.slice(position, start);
      position = start + search.literal.length;
    }
    if (position >= latest[count]!) return null;
    captures[names[count - 1]!] = value.slice(position, latest[count]);
    return captures;
  };
}
