/** What a text-like filter accepts: an exact string, a `{name}` pattern, or a RegExp. */
export type StringMatcher = string | RegExp;

/** Captures of a successful match (`{}` when nothing was captured); `null` means no match. */
export type Captures = Record<string, string>;

/** A compiled {@link StringMatcher}: cheap to call once per event. */
export type CompiledStringMatcher = (value: unknown) => Captures | null;

const PLACEHOLDER = /\{([^{}]*)\}/g;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const NO_CAPTURES: Captures = Object.freeze({}) as Captures;

/**
 * Compiles a matcher once, at start-up. A plain string matches the whole value exactly. A string with `{name}`
 * placeholders is a pattern: everything outside braces is literal, each placeholder captures one or more
 * characters (shortest match) and the whole value must match. A RegExp's named groups are captured.
 */
export function compileStringMatcher(matcher: StringMatcher, where: string): CompiledStringMatcher {
  if (matcher instanceof RegExp) {
    // Drop g/y: they make exec() stateful through lastIndex, so the same value would alternately match and not.
    const regexp = new RegExp(matcher.source, matcher.flags.replace(/[gy]/g, ''));
    return (value) => {
      if (typeof value !== 'string') return null;
      const match = regexp.exec(value);
      if (!match) return null;
      return match.groups ? copyGroups(match.groups) : NO_CAPTURES;
    };
  }
  if (typeof matcher !== 'string') throw new Error(`${where}: expected a string or a RegExp`);
  const regexp = patternToRegExp(matcher, where);
  if (!regexp) return (value) => (value === matcher ? NO_CAPTURES : null);
  return (value) => {
    if (typeof value !== 'string') return null;
    const match = regexp.exec(value);
    return match ? copyGroups(match.groups ?? {}) : null;
  };
}

/** Turns `'ADD:{sku}:{qty}'` into `/^ADD:(?<sku>.+?):(?<qty>.+?)$/s`; `null` when the string has no placeholder. */
export function patternToRegExp(pattern: string, where: string): RegExp | null {
  const names: string[] = [];
  let source = '';
  let last = 0;
  for (const match of pattern.matchAll(PLACEHOLDER)) {
    const name = match[1]!;
    if (!IDENTIFIER.test(name)) throw new Error(`${where}: "{${name}}" in pattern "${pattern}" is not a valid placeholder name`);
    if (names.includes(name)) throw new Error(`${where}: placeholder "{${name}}" appears twice in pattern "${pattern}"`);
    names.push(name);
    source += escapeRegExp(pattern.slice(last, match.index)) + `(?<${name}>.+?)`;
    last = match.index + match[0].length;
  }
  if (names.length === 0) return null;
  source += escapeRegExp(pattern.slice(last));
  return new RegExp(`^${source}$`, 's');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

function copyGroups(groups: Record<string, string | undefined>): Captures {
  const captures: Captures = {};
  for (const name of Object.keys(groups)) {
    const value = groups[name];
    if (value !== undefined) captures[name] = value;
  }
  return captures;
}
