import type { Logger } from '@nestjs/common';
import { Subject, type Observable } from 'rxjs';
import { GuardFailureLog } from './guard-failure-log.js';
import type { HandlerFailure } from './handler-failure.js';

/** The one place a handler failure goes: one log line, the `failures$` stream, and the `onHandlerError` hook. */
export class FailureReporter {
  private readonly subject = new Subject<HandlerFailure>();
  private readonly guardFailures: GuardFailureLog;

  /** Every handler failure no exception filter handled, as it happens. */
  readonly failures$: Observable<HandlerFailure> = this.subject.asObservable();

  constructor(
    private readonly logger: Logger,
    private readonly hook: ((failure: HandlerFailure) => void) | undefined,
  ) {
    this.guardFailures = new GuardFailureLog(logger);
  }

  /** Logs and publishes one failure; a throwing hook is logged, never propagated. */
  report(failure: HandlerFailure): void {
    if (failure.stage === 'guard') this.guardFailures.log(failure);
    else this.logFailure(failure);
    this.subject.next(failure);
    try {
      this.hook?.(failure);
    } catch (hookError) {
      this.logger.error(`onHandlerError threw: ${hookError instanceof Error ? hookError.message : String(hookError)}`);
    }
  }

  private logFailure(failure: HandlerFailure): void {
    const { error } = failure;
    const what = `${failure.handler} ${failure.reason === 'timeout' ? 'timed out on' : 'failed on'} a ${failure.kind} event${failure.mid ? ` (mid ${failure.mid})` : ''} of page ${failure.pageId}`;
    const message = error instanceof Error ? error.message : String(error);
    const filterNote =
      failure.filterError === undefined
        ? ''
        : ` (and its exception filter threw: ${failure.filterError instanceof Error ? failure.filterError.message : String(failure.filterError)})`;
    this.logger.error(`${what}: ${message}${filterNote}`, error instanceof Error && failure.reason === 'error' ? error.stack : undefined);
  }
}
