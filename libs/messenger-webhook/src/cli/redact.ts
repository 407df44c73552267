import type { CliIo } from './io.js';

/** Shorter values are not masked: masking every "abc" in the output would garble it more than it protects. */
const MIN_MASKED_LENGTH = 4;
const USER_INFO = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)@/i;

/**
 * Every secret the CLI was handed: the values of `--secret` and `--token`, the user and password of any `--url`, and
 * the same from the environment. The commands never print them on purpose; this list is what {@link redactingIo}
 * masks anyway, should an error message from below (fetch, a server's answer) repeat one.
 */
export function secretsOf(argv: readonly string[], env: CliIo['env']): string[] {
  const found: string[] = [];
  argv.forEach((arg, index) => {
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = inline ?? argv[index + 1];
    if (value === undefined) return;
    if (flag === '--secret' || flag === '--token') found.push(value);
    if (flag === '--url') found.push(...userInfoOf(value));
  });
  for (const name of ['MESSENGER_APP_SECRET', 'MESSENGER_VERIFY_TOKEN']) if (env[name]) found.push(env[name]);
  if (env.MESSENGER_WEBHOOK_URL) found.push(...userInfoOf(env.MESSENGER_WEBHOOK_URL));
  return [...new Set(found.filter((value) => value.length >= MIN_MASKED_LENGTH))].sort((a, b) => b.length - a.length);
}

/** `io` with every occurrence of `secrets` in what it writes replaced by `***`. */
export function redactingIo(io: CliIo, secrets: readonly string[]): CliIo {
  if (secrets.length === 0) return io;
  const mask = (line: string) => secrets.reduce((text, secret) => text.split(secret).join('***'), line);
  return { out: (line) => io.out(mask(line)), err: (line) => io.err(mask(line)), env: io.env };
}

/** `text` with the user info of a URL at its start masked, for messages about a URL that could not be parsed. */
export function withoutUserInfo(text: string): string {
  return text.replace(USER_INFO, (match, info: string) => match.replace(`${info}@`, '***@'));
}

function userInfoOf(url: string): string[] {
  const info = USER_INFO.exec(url)?.[1];
  if (!info) return [];
  const parts = info.split(':');
  return [info, ...parts, ...parts.map(safeDecode)];
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
