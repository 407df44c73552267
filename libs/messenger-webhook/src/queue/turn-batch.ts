/** One caller's items waiting for the next flush, with the promise it waits on. */
interface Waiting<E, R> {
  readonly events: readonly E[];
  readonly resolve: (replies: R[]) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Coalesces what callers ask for in one turn of the event loop into one write to Redis (one script call instead of
 * one each): the deliveries reaching an edge together, the acknowledgements of the conversations a worker runs at the
 * same time. One caller's items are never split across writes, and each caller waits for its own write (an edge's
 * `200` still means its events are in Redis); `maxEvents` bounds one script's run in Redis.
 */
export class TurnBatch<E, R> {
  private waiting: Array<Waiting<E, R>> = [];
  private scheduled = false;

  constructor(
    private readonly write: (events: E[]) => Promise<R[]>,
    private readonly maxEvents: number,
  ) {}

  /** Resolves with one reply per event once the write holding them succeeded; rejects if it failed. */
  submit(events: readonly E[]): Promise<R[]> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ events, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // After the poll phase: every delivery whose body arrived in this turn, every reply read in it, is in by then.
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const waiting = this.waiting;
    this.waiting = [];
    let group: Array<Waiting<E, R>> = [];
    let size = 0;
    for (const entry of waiting) {
      if (size > 0 && size + entry.events.length > this.maxEvents) {
        this.writeGroup(group);
        group = [];
        size = 0;
      }
      group.push(entry);
      size += entry.events.length;
    }
    if (group.length > 0) this.writeGroup(group);
  }

  private writeGroup(group: ReadonlyArray<Waiting<E, R>>): void {
    this.write(group.flatMap((entry) => entry.events)).then(
      (replies) => {
        let offset = 0;
        for (const entry of group) {
          entry.resolve(replies.slice(offset, offset + entry.events.length));
          offset += entry.events.length;
        }
      },
      (error: unknown) => {
        for (const entry of group) entry.reject(error);
      },
    );
  }
}
