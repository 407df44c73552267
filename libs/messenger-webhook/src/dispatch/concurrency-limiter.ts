/** Runs at most `limit` tasks at once; the others wait in arrival order. */
export class ConcurrencyLimiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  /** @param limit how many tasks may run at the same time. */
  constructor(private readonly limit: number) {}

  /** Runs `task` as soon as a slot is free. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (!this.tryAcquire()) {
      // The slot is handed over by release(), already counted, so no newcomer can take it in between.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  /** Takes a slot if one is free and nobody waits for one; the caller must {@link release} it. */
  tryAcquire(): boolean {
    if (this.active >= this.limit) return false;
    this.active++;
    return true;
  }

  /** Gives a slot back: to the first task waiting, or to the pool. */
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }
}
