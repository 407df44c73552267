import { ConcurrencyLimiter } from './concurrency-limiter.js';

/** What a scheduled task resolves with: its answer, carrying when its work really ends. */
export interface Settling {
  /** Resolves once the task's work really ended (a timed-out handler still running counts as work). Never rejects. */
  readonly settled: Promise<unknown>;
}

/** A `settled` that has already resolved: a task whose work ended with its answer returns it, and its turn ends at once. */
export const SETTLED: Promise<void> = Promise.resolve();

/**
 * The in-process scheduling stage: tasks of one conversation run one at a time in arrival order, different
 * conversations side by side up to `concurrency`, and every task is tracked so shutdown can wait for it.
 *
 * A task's answer and the end of its work are two moments: a handler that ran past `handlerTimeout` has an answer
 * (it timed out) but still runs. The caller gets the answer at once; the conversation's turn and the concurrency
 * slot stay taken until the work ends, so order and the bound hold for the work actually running.
 */
export class ConversationScheduler {
  private readonly conversations = new Map<string, Promise<unknown>>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly limiter: ConcurrencyLimiter;

  /** @param concurrency how many conversations may run at the same time. */
  constructor(concurrency: number) {
    this.limiter = new ConcurrencyLimiter(concurrency);
  }

  /**
   * Chains `task` after the conversation's previous task; resolves with its answer, which may come before its work ends.
   * A task that runs at once (its conversation idle, a slot free) and answers at once, its work ended, is over when
   * this returns: its answer comes back as it is, not as a promise.
   */
  schedule<T extends Settling>(conversationKey: string, task: () => T | Promise<T>): T | Promise<T> {
    const previous = this.conversations.get(conversationKey);
    if (!previous && this.limiter.tryAcquire()) return this.runNow(conversationKey, task);
    let answer!: (value: T) => void;
    let fail!: (error: unknown) => void;
    const answered = new Promise<T>((resolve, reject) => {
      answer = resolve;
      fail = reject;
    });
    const run = () =>
      this.limiter.run(async () => {
        let value: T;
        try {
          value = await task();
        } catch (error) {
          fail(error);
          return;
        }
        answer(value);
        await value.settled;
      });
    const turn = previous ? previous.then(run, run) : run();
    this.conversations.set(conversationKey, turn);
    this.inFlight.add(turn);
    // then(cleanup, cleanup), not finally(): finally() would re-reject on a promise nobody awaits, and an
    // unhandled rejection kills the process.
    const cleanup = () => {
      this.inFlight.delete(turn);
      if (this.conversations.get(conversationKey) === turn) this.conversations.delete(conversationKey);
    };
    void turn.then(cleanup, cleanup);
    return answered;
  }

  /**
   * The common case, made cheap: the conversation is idle and a slot is free, so the task starts at once and its
   * answer is its own promise. The turn (and the slot) still last until its work ended, as in {@link schedule}.
   */
  private runNow<T extends Settling>(conversationKey: string, task: () => T | Promise<T>): T | Promise<T> {
    let answer: T | Promise<T>;
    try {
      answer = task();
    } catch (error) {
      this.limiter.release();
      return Promise.reject(error);
    }
    // Answered at once with its work done: the turn never waited, so there is nothing to record.
    if (!(answer instanceof Promise) && answer.settled === SETTLED) {
      this.limiter.release();
      return answer;
    }
    // Both paths end the turn: a `settled` that rejected must not keep the slot or the conversation.
    const end = () => {
      this.limiter.release();
      this.inFlight.delete(turn);
      if (this.conversations.get(conversationKey) === turn) this.conversations.delete(conversationKey);
    };
    // The turn ends in the answer's own reaction when the work ended with it (the usual case), before the caller
    // sees the answer: the conversation's next event then finds it idle and takes this path too.
    const turn: Promise<void> =
      answer instanceof Promise
        ? answer.then((value) => (value.settled === SETTLED ? end() : value.settled.then(end, end)), end)
        : answer.settled.then(end, end);
    this.conversations.set(conversationKey, turn);
    this.inFlight.add(turn);
    return answer;
  }

  /** How many scheduled tasks have not ended yet (waiting for their turn, running, or still running after their answer). */
  get pending(): number {
    return this.inFlight.size;
  }

  /** Resolves when every task scheduled so far (and any scheduled meanwhile) has ended. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }
}
