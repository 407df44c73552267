import { parseArgs } from 'node:util';
import type { CliIo } from './io.js';
import { withoutUserInfo } from './redact.js';

/** A mistake in how the CLI was called: printed on one line, exit code 2. */
export class UsageError extends Error {}

/** Option definitions of one command: strings and booleans, never repeated. */
export type CommandOptions = Record<string, { type: 'string' | 'boolean'; short?: string }>;

/** Parsed arguments of one command: each option's value when given, and the positionals. */
export interface ParsedCommand<O extends CommandOptions> {
  /** Option values, absent when not given. */
  values: { [K in keyof O]?: O[K]['type'] extends 'boolean' ? boolean : string };
  /** Arguments that are not options. */
  positionals: string[];
}

/** Parses one command's options strictly (no unknown flags), turning Node's parse errors into a one-line {@link UsageError}. */
export function parseCommand<const O extends CommandOptions>(argv: readonly string[], options: O): ParsedCommand<O> {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true }) as ParsedCommand<O>;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // Node appends a long hint about "--"; the first sentence is the useful part.
    throw new UsageError(message.split('. ')[0]!.replace(/\.$/, ''));
  }
}

/** The value of `--flag`, else of the environment variable, else a {@link UsageError} naming both. */
export function required(value: string | undefined, flag: string, envName: string | undefined, env: CliIo['env']): string {
  const found = value ?? (envName ? env[envName] : undefined);
  if (found === undefined || found === '') throw new UsageError(`missing --${flag}${envName ? ` (or set ${envName})` : ''}`);
  return found;
}

/** Parses an absolute http(s) URL given with `--url`. */
export function parseUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`invalid --url "${withoutUserInfo(value)}": give an absolute URL such as http://localhost:3000/webhook`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`invalid --url "${withoutUserInfo(value)}": only http and https are supported`);
  return url;
}
