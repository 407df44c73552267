import { ConcurrencyLimiter } from './concurrency-limiter.js';

/**
 * The in-process scheduling stage: tasks of one conversation run one at a time in arrival order, different
 * conversations side by side up to `concurrency`, and every task is tracked so shutdown can wait for it.
 */
export class ConversationScheduler {
  private readonly conversations = new Map<string, Promise<unknown>>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly limiter: ConcurrencyLimiter;

  /** @param concurrency how many conversations may run at the same time. */
  constructor(concurrency: number) {
    this.limiter = new ConcurrencyLimiter(concurrency);
  }

  /** Chains `task` after the conversation's previous task. `task` must not reject. */
  schedule<T>(conversationKey: string, task: () => Promise<T>): Promise<T> {
    const previous = this.conversations.get(conversationKey);
    const run = () => this.limiter.run(task);
    const next = previous ? previous.then(run, run) : run();
    this.conversations.set(conversationKey, next);
    this.inFlight.add(next);
    // then(cleanup, cleanup), not finally(): finally() would re-reject on a promise nobody awaits, and an
    // unhandled rejection kills the process.
    const cleanup = () => {
      this.inFlight.delete(next);
      if (this.conversations.get(conversationKey) === next) this.conversations.delete(conversationKey);
    };
    void next.then(cleanup, cleanup);
    return next;
  }

  /** How many scheduled tasks have not settled yet. */
  get pending(): number {
    return this.inFlight.size;
  }

  /** Resolves when every task scheduled so far (and any scheduled meanwhile) has settled. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }
}
