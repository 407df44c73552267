import type { Logger } from '@nestjs/common';
import type { HandlerFailure } from './handler-failure.js';

/** Distinct guard errors counted at most; past it, a new message is logged every time (still one line each). */
const MAX_TRACKED = 100;

/**
 * Logs guard failures so that a guard throwing on every event, which is what a global HTTP guard (`APP_GUARD`)
 * reading headers does on webhook handlers, gives one error naming the fix instead of a stack per event. Repeats of
 * the same message are counted and logged again only at the 10th, 100th, 1000th...; each failure still reaches
 * `failures$` and `onHandlerError`.
 */
export class GuardFailureLog {
  private readonly counts = new Map<string, number>();

  constructor(private readonly logger: Logger) {}

  /** Logs (or counts) one guard failure. */
  log(failure: HandlerFailure): void {
    const message = failure.error instanceof Error ? `${failure.error.name}: ${failure.error.message}` : String(failure.error);
    const count = (this.counts.get(message) ?? 0) + 1;
    if (this.counts.has(message) || this.counts.size < MAX_TRACKED) this.counts.set(message, count);
    if (count === 1) {
      this.logger.error(
        `A guard threw before ${failure.handler} ran on a ${failure.kind} event: ${message}. Guards run on webhook handlers ` +
          `too, with context type 'messenger': a global guard (APP_GUARD, app.useGlobalGuards) written for HTTP must let ` +
          `other contexts through, e.g. \`if (context.getType() !== 'http') return true;\` (README: "Global guards and the webhook"). ` +
          'Repeats of this error are counted, not logged again; each still reaches failures$ and onHandlerError.',
        failure.error instanceof Error ? failure.error.stack : undefined,
      );
    } else if (Number.isInteger(Math.log10(count))) {
      this.logger.error(`A guard has now thrown "${message}" on ${count} handler calls (first one logged above)`);
    }
  }
}
