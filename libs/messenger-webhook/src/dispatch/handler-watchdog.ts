/** What {@link HandlerWatchdog.watch} resolves with when the call ran past its time. */
export const TIMED_OUT = Symbol('timed out');

interface Watched {
  readonly deadline: number;
  readonly resolve: (value: typeof TIMED_OUT) => void;
}

/**
 * Bounds handler calls by a timeout with one shared timer rather than a timer per call: on the hot path a per-call
 * setTimeout/clearTimeout pair costs more than the no-op handler it guards. A call is reported as timed out between
 * `timeoutMs` and `timeoutMs` plus one tick after it started.
 */
export class HandlerWatchdog {
  private readonly watched = new Set<Watched>();
  private readonly tick: number;
  private timer: NodeJS.Timeout | undefined;

  /** @param timeoutMs how long a call may run. */
  constructor(private readonly timeoutMs: number) {
    this.tick = Math.max(5, Math.min(1_000, Math.ceil(timeoutMs / 20)));
  }

  /** Settles with the call's own value, or with {@link TIMED_OUT} once it ran past the timeout. */
  watch<T>(call: Promise<T>): Promise<T | typeof TIMED_OUT> {
    return new Promise<T | typeof TIMED_OUT>((resolve) => {
      const entry: Watched = { deadline: Date.now() + this.timeoutMs, resolve };
      this.watched.add(entry);
      this.timer ??= this.startTimer();
      // The calls watched here never reject (invokers turn errors into outcomes); both paths settle the entry.
      const settle = (value: T) => {
        if (this.watched.delete(entry)) resolve(value);
      };
      call.then(settle, settle);
    });
  }

  private startTimer(): NodeJS.Timeout {
    const timer = setInterval(() => this.sweep(), this.tick);
    // A hanging handler alone must not keep the process alive.
    timer.unref();
    return timer;
  }

  private sweep(): void {
    const now = Date.now();
    for (const entry of this.watched) {
      if (entry.deadline <= now) {
        this.watched.delete(entry);
        entry.resolve(TIMED_OUT);
      }
    }
    if (this.watched.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}
