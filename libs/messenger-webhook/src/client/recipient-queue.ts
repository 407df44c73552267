/**
 * Runs the tasks of one key (a conversation) one at a time, in the order they were queued, whether or not the caller
 * awaits them; different keys run in parallel. A key is forgotten as soon as its last task settled, so memory follows
 * the conversations in flight, not every conversation ever served.
 */
export class RecipientQueue {
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly waiters = new Set<() => void>();

  /** Queues `task` behind the earlier tasks of `key`; a failed task does not stop the ones after it. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key);
    const result = previous ? previous.then(task) : task();
    // The tail never rejects, so nothing queued behind it sees an earlier task's error.
    const tail: Promise<void> = result.then(
      () => this.settle(key, tail),
      () => this.settle(key, tail),
    );
    this.tails.set(key, tail);
    return result;
  }

  /** Keys with tasks queued or running. */
  get size(): number {
    return this.tails.size;
  }

  /** Resolves once every task queued so far (and any queued meanwhile) has settled. */
  idle(): Promise<void> {
    if (this.tails.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.add(resolve));
  }

  private settle(key: string, tail: Promise<unknown>): void {
    if (this.tails.get(key) === tail) this.tails.delete(key);
    if (this.tails.size === 0) {
      for (const resolve of this.waiters) resolve();
      this.waiters.clear();
    }
  }
}
