import type { Logger } from '@nestjs/common';
import { Subject, type Observable } from 'rxjs';
import type { InvalidEvent } from '../events/invalid-event.js';
import type { MessengerContext } from '../events/messenger-context.js';

/** An event that could not be read, as `invalidEvents$` and `onInvalidEvent` report it. */
export interface InvalidEventReport {
  /** The event: the kind it would have been, the raw event, the problems, where it sat. */
  readonly event: InvalidEvent;
  /** Where it came from (`kind` is `'invalid'`). */
  readonly context: MessengerContext;
}

/**
 * The one place an unreadable event is reported: the `invalidEvents$` stream and the `onInvalidEvent` hook. The log
 * line is the dispatcher's, one per delivery however many events could not be read.
 */
export class InvalidEventReporter {
  private readonly subject = new Subject<InvalidEventReport>();

  /** Every event that could not be read, as it is met. */
  readonly invalidEvents$: Observable<InvalidEventReport> = this.subject.asObservable();

  constructor(
    private readonly logger: Logger,
    private readonly hook: ((report: InvalidEventReport) => void) | undefined,
  ) {}

  /** Publishes one invalid event; a throwing hook or subscriber is logged, never propagated. */
  report(event: InvalidEvent, context: MessengerContext): void {
    const report: InvalidEventReport = { event, context };
    try {
      this.subject.next(report);
    } catch (error) {
      this.logger.error(`An invalidEvents$ subscriber threw: ${error instanceof Error ? error.message : String(error)}`);
    }
    try {
      this.hook?.(report);
    } catch (error) {
      this.logger.error(`onInvalidEvent threw: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/** Collects a delivery's invalid events into ONE warning line: their count and the first few locations and problems. */
export class InvalidEventTally {
  private count = 0;
  private readonly samples: string[] = [];

  /** Counts one invalid event; only the first three are described. */
  add(event: InvalidEvent): void {
    this.count++;
    if (this.samples.length >= 3) return;
    const problems = event.problems.slice(0, 2).map((problem) => (problem.path ? `${problem.path} ${problem.message}` : problem.message));
    const more = event.problems.length > 2 ? `, +${event.problems.length - 2}` : '';
    this.samples.push(`${event.location} (${event.kind}): ${problems.join(', ')}${more}`);
  }

  /** The warning line, or `null` when every event could be read. */
  line(delivered: boolean): string | null {
    if (this.count === 0) return null;
    const what = this.count === 1 ? '1 event of a delivery could not be read' : `${this.count} events of a delivery could not be read`;
    const where = delivered ? 'delivered to @OnInvalidEvent and @OnEvent as InvalidEvent' : "skipped (invalidEvents: 'skip')";
    const rest = this.count > this.samples.length ? `; and ${this.count - this.samples.length} more` : '';
    return `${what}, ${where}: ${this.samples.join('; ')}${rest}`;
  }
}
