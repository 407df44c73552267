import { compilePattern, parsePattern } from './placeholder-pattern.js';

/** What a text-like filter accepts: an exact string, a `{name}` pattern, or a RegExp. */
export type StringMatcher = string | RegExp;

/** Captures of a successful match (`{}` when nothing was captured); `null` means no match. */
export type Captures = Record<string, string>;

/** A compiled {@link StringMatcher}: cheap to call once per event. */
export type CompiledStringMatcher = (value: unknown) => Captures | null;

/** Bounds on what a matcher does with a value a stranger typed. */
export interface MatchLimits {
  /** Longest value a RegExp filter is run on; longer values do not match it (`Infinity`: no bound). */
  readonly maxRegExpInputLength: number;
}

const NO_CAPTURES: Captures = Object.freeze({}) as Captures;
const UNBOUNDED: MatchLimits = Object.freeze({ maxRegExpInputLength: Number.POSITIVE_INFINITY });

/**
 * Compiles a matcher once, at start-up. A plain string matches the whole value exactly. A string with `{name}`
 * placeholders is a pattern: everything outside braces is literal, each placeholder captures one or more
 * characters (shortest match) and the whole value must match, in time linear in the value. A RegExp's named
 * groups are captured; since a RegExp can backtrack, it only sees values up to `limits.maxRegExpInputLength`.
 */
export function compileStringMatcher(matcher: StringMatcher, where: string, limits: MatchLimits = UNBOUNDED): CompiledStringMatcher {
  if (matcher instanceof RegExp) {
    // Drop g/y: they make exec() stateful through lastIndex, so the same value would alternately match and not.
    const regexp = new RegExp(matcher.source, matcher.flags.replace(/[gy]/g, ''));
    const maxLength = limits.maxRegExpInputLength;
    return (value) => {
      if (typeof value !== 'string' || value.length > maxLength) return null;
      const match = regexp.exec(value);
      if (!match) return null;
      return match.groups ? copyGroups(match.groups) : NO_CAPTURES;
    };
  }
  if (typeof matcher !== 'string') throw new Error(`${where}: expected a string or a RegExp`);
  const pattern = parsePattern(matcher, where);
  if (!pattern) return (value) => (value === matcher ? NO_CAPTURES : null);
  const match = compilePattern(pattern);
  return (value) => (typeof value === 'string' ? match(value) : null);
}

function copyGroups(groups: Record<string, string | undefined>): Captures {
  const captures: Captures = {};
  for (const name of Object.keys(groups)) {
    const value = groups[name];
    if (value !== undefined) captures[name] = value;
  }
  return captures;
}
