/** Where the CLI writes and what environment it reads; injected so tests run `main()` in-process. */
export interface CliIo {
  /** Writes one line of normal output. */
  out(line: string): void;
  /** Writes one line of error output. */
  err(line: string): void;
  /** Environment variables (`MESSENGER_WEBHOOK_URL`, `MESSENGER_APP_SECRET`, `MESSENGER_VERIFY_TOKEN`). */
  env: Readonly<Record<string, string | undefined>>;
}

/** The real process: stdout, stderr and `process.env`. */
export function processIo(): CliIo {
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    env: process.env,
  };
}
