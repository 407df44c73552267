// Loaded only for this command: the queue code reads event classes, whose decorators need the metadata polyfill.
import 'reflect-metadata';
import { UsageError, parseCommand, required } from '../args.js';
import { DEAD_LETTERS_HELP } from './dead-letters-help.js';
import type { CliIo } from '../io.js';
import type { DeadLetter } from '../../queue/dead-letter.js';
import { openQueueAdmin } from '../../queue/queue-admin.js';

const OPTIONS = {
  redis: { type: 'string' },
  prefix: { type: 'string' },
  name: { type: 'string' },
  limit: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Runs `messenger-webhook dead-letters ...`; resolves to the exit code. */
export async function deadLettersCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand(argv, OPTIONS);
  if (values.help) {
    io.out(DEAD_LETTERS_HELP);
    return 0;
  }
  const [action, id, ...extra] = positionals;
  if (action !== 'list' && action !== 'show' && action !== 'replay' && action !== 'drop') {
    throw new UsageError(action === undefined ? 'missing action: list, show, replay or drop' : `unknown action "${action}": list, show, replay or drop`);
  }
  if (action !== 'list' && !id) throw new UsageError(`${action} needs the event id (see dead-letters list)`);
  if (extra.length > 0 || (action === 'list' && id)) throw new UsageError(`unexpected argument "${extra[0] ?? id}"`);
  const url = required(values.redis, 'redis', 'MESSENGER_REDIS_URL', io.env);
  if (!/^rediss?:\/\//.test(url)) throw new UsageError('--redis must be a redis:// or rediss:// URL');
  const limit = values.limit === undefined ? 50 : Number(values.limit);
  if (!Number.isInteger(limit) || limit <= 0) throw new UsageError('--limit must be a positive integer');
  const admin = await openQueueAdmin(url, values.prefix ?? 'mw', values.name ?? 'messenger');
  try {
    const box = admin.deadLetters;
    if (action === 'list') {
      const letters = await box.list({ limit });
      const total = await box.count();
      if (values.json) io.out(JSON.stringify(letters.map(summaryOf), null, 2));
      else {
        io.out(`${total} dead letter(s) in ${admin.describe}${total > letters.length ? `, newest ${letters.length} shown` : ''}`);
        for (const letter of letters) io.out(lineOf(letter));
      }
      return 0;
    }
    if (action === 'show') {
      const letter = await box.get(id!);
      if (!letter) return notFound(io, id!);
      io.out(JSON.stringify({ ...summaryOf(letter), raw: letter.raw }, null, 2));
      return 0;
    }
    const done = action === 'replay' ? await box.replay(id!) : await box.drop(id!);
    if (!done) return notFound(io, id!);
    io.out(action === 'replay' ? `Replayed ${id}: it runs next in its conversation` : `Dropped ${id}`);
    return 0;
  } finally {
    await admin.close();
  }
}

function notFound(io: CliIo, id: string): number {
  io.err(`messenger-webhook dead-letters: no dead letter ${id} (see dead-letters list)`);
  return 1;
}

function summaryOf(letter: DeadLetter) {
  const { raw: _raw, ...rest } = letter;
  return { ...rest, failedAt: letter.failedAt.toISOString(), enqueuedAt: letter.enqueuedAt.toISOString() };
}

function lineOf(letter: DeadLetter): string {
  const state = letter.blocking ? 'BLOCKS its conversation' : 'conversation went on';
  return `${letter.eventId}  ${letter.failedAt.toISOString()}  ${letter.kind} of page ${letter.pageId}  ${letter.attempts} attempt(s)  ${state}\n    ${letter.error}`;
}
