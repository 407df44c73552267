import { UsageError } from './args.js';
import { DEAD_LETTERS_HELP } from './commands/dead-letters-help.js';
import { SEND_HELP, sendCommand } from './commands/send.js';
import { TOUR_HELP, tourCommand } from './commands/tour.js';
import { VERIFY_HELP, verifyCommand } from './commands/verify.js';
import { UnreachableError } from './http.js';
import { processIo, type CliIo } from './io.js';

/** Help of `messenger-webhook` itself. */
export const MAIN_HELP = `Usage: messenger-webhook <command> [options]

Simulates Meta's Messenger / Instagram webhook against your server: signed deliveries, the handshake, a full tour.

Commands:
  send     send one event (or a JSON file) signed like Meta       messenger-webhook send --help
  verify   run the GET subscription handshake                      messenger-webhook verify --help
  tour     handshake + one delivery of every event type            messenger-webhook tour --help
  dead-letters  list, show, replay or drop queue-mode dead letters  messenger-webhook dead-letters --help

Environment: MESSENGER_WEBHOOK_URL, MESSENGER_APP_SECRET, MESSENGER_VERIFY_TOKEN stand in for --url, --secret, --token.
Exit codes: 0 passed, 1 the server refused, failed or could not be reached, 2 wrong usage.`;

const COMMANDS: Record<string, { run: (argv: readonly string[], io: CliIo) => Promise<number>; help: string }> = {
  send: { run: sendCommand, help: SEND_HELP },
  verify: { run: verifyCommand, help: VERIFY_HELP },
  tour: { run: tourCommand, help: TOUR_HELP },
  // Imported on use: it loads the queue code (and bullmq, ioredis), which the other commands never need.
  'dead-letters': { run: async (argv, io) => (await import('./commands/dead-letters.js')).deadLettersCommand(argv, io), help: DEAD_LETTERS_HELP },
};

/** Runs the CLI with `argv` (the arguments after the program name) and resolves to the exit code; never rejects. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.err(MAIN_HELP);
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const topic = rest[0] === undefined ? undefined : COMMANDS[rest[0]];
    io.out(topic ? topic.help : MAIN_HELP);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`messenger-webhook: unknown command "${name}"; commands: ${Object.keys(COMMANDS).join(', ')} (see --help)`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`messenger-webhook ${name}: ${error.message} (see messenger-webhook ${name} --help)`);
      return 2;
    }
    if (error instanceof UnreachableError) {
      io.err(`messenger-webhook: ${error.message}`);
      return 1;
    }
    io.err(`messenger-webhook: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
