import { randomInt } from 'node:crypto';
import { parseCommand, parseUrl, required } from '../args.js';
import type { CliIo } from '../io.js';
import { answered, displayUrl, exchange, shorten, statusLine, type Exchange } from '../http.js';

const OPTIONS = {
  url: { type: 'string' },
  token: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Help of `messenger-webhook verify`. */
export const VERIFY_HELP = `Usage: messenger-webhook verify --url URL --token TOKEN

Runs Meta's subscription handshake (GET ?hub.mode=subscribe&hub.verify_token=TOKEN&hub.challenge=RANDOM) and
checks that the answer is 200 with the challenge as its body.

Options:
  --url URL        webhook URL (or MESSENGER_WEBHOOK_URL)
  --token TOKEN    the Verify Token (or MESSENGER_VERIFY_TOKEN)
  -h, --help       show this help`;

/** Runs the handshake; `problem` is `null` when it passed. */
export async function handshake(url: URL, token: string): Promise<{ result: Exchange; problem: string | null }> {
  // Meta's challenges are digits; a server that echoes something else is caught below.
  const challenge = String(randomInt(100_000_000, 2_000_000_000));
  const target = new URL(url);
  target.searchParams.set('hub.mode', 'subscribe');
  target.searchParams.set('hub.verify_token', token);
  target.searchParams.set('hub.challenge', challenge);
  const result = await exchange(target, { method: 'GET' });
  if (result.status === 200 && result.body === challenge) return { result, problem: null };
  if (result.status === 200) {
    return { result, problem: `handshake failed: the body must be exactly the challenge "${challenge}", got "${shorten(result.body, 60)}"` };
  }
  if ((result.status === 401 || result.status === 403) && /verif|token/i.test(result.body)) {
    return { result, problem: `handshake refused (${result.status}): the verify token is probably wrong` };
  }
  if (result.status === 401 || result.status === 403) {
    return { result, problem: `handshake failed: the server answered ${answered(result)}, which does not mention the verify token: something else refused the request (an auth guard, a proxy)` };
  }
  return { result, problem: `handshake failed: the server answered ${result.status} ${result.statusText}, not 200` };
}

/** `messenger-webhook verify`: returns the exit code. */
export async function verifyCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseCommand(argv, OPTIONS);
  if (values.help) {
    io.out(VERIFY_HELP);
    return 0;
  }
  const url = parseUrl(required(values.url, 'url', 'MESSENGER_WEBHOOK_URL', io.env));
  const token = required(values.token, 'token', 'MESSENGER_VERIFY_TOKEN', io.env);
  const { result, problem } = await handshake(url, token);
  io.out(`GET ${displayUrl(url)} handshake`);
  io.out(statusLine(result));
  if (problem) {
    io.err(`messenger-webhook: ${problem}`);
    return 1;
  }
  io.out('handshake passed: the challenge came back');
  return 0;
}
