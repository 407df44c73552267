/** One caller's items waiting for the next flush, with the promise it waits on. */
interface Waiting<E, R> {
  readonly events: readonly E[];
  readonly deadline: number;
  readonly resolve: (replies: R[]) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Writes a group of items; a serial batch's writer calls `release` once the next write may go (it is called for it
 * when the write settles, if the writer did not: so a serial write must always settle, or bound its own wait).
 */
export type BatchWrite<E, R> = (events: E[], release: () => void) => Promise<R[]>;

/**
 * Coalesces what callers ask for in one turn of the event loop into one write to Redis (one script call instead of
 * one each): the deliveries reaching an edge together, the acknowledgements of the conversations a worker runs at the
 * same time. One caller's items are never split across writes, and each caller waits for its own write (an edge's
 * `200` still means its events are in Redis); `maxEvents` bounds one script's run in Redis. A `serial` batch has one
 * write in flight at most: what arrives meanwhile waits for its release and goes out as one write, which therefore
 * sees everything the write before it learnt.
 */
export class TurnBatch<E, R> {
  private waiting: Array<Waiting<E, R>> = [];
  private scheduled = false;
  private writing = false;

  constructor(
    private readonly write: BatchWrite<E, R>,
    private readonly maxEvents: number,
    private readonly serial = false,
  ) {}

  /**
   * Resolves with one reply per event once the write holding them succeeded; rejects if it failed, or if `deadline`
   * (epoch ms) passed before its write went out (the caller has given up by then: its items are not written).
   */
  submit(events: readonly E[], deadline = Infinity): Promise<R[]> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ events, deadline, resolve, reject });
      if (!this.scheduled && !this.writing) {
        this.scheduled = true;
        // After the poll phase: every delivery whose body arrived in this turn, every reply read in it, is in by then.
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const now = Date.now();
    if (this.waiting.some((entry) => entry.deadline <= now)) {
      const expired = this.waiting.filter((entry) => entry.deadline <= now);
      this.waiting = this.waiting.filter((entry) => entry.deadline > now);
      for (const entry of expired) entry.reject(new Error('gave up waiting for the write before it (its deadline passed)'));
    }
    while (this.waiting.length > 0 && !this.writing) {
      let size = 0;
      let count = 0;
      for (const entry of this.waiting) {
        if (size > 0 && size + entry.events.length > this.maxEvents) break;
        size += entry.events.length;
        count++;
      }
      this.writeGroup(this.waiting.splice(0, count));
    }
  }

  private writeGroup(group: ReadonlyArray<Waiting<E, R>>): void {
    let released = !this.serial;
    const release = () => {
      if (released) return;
      released = true;
      this.writing = false;
      if (this.waiting.length > 0 && !this.scheduled) this.flush();
    };
    this.writing = this.serial;
    let written: Promise<R[]>;
    try {
      written = this.write(
        group.flatMap((entry) => entry.events),
        release,
      );
    } catch (error) {
      written = Promise.reject(error);
    }
    written.then(
      (replies) => {
        let offset = 0;
        for (const entry of group) {
          entry.resolve(replies.slice(offset, offset + entry.events.length));
          offset += entry.events.length;
        }
        release();
      },
      (error: unknown) => {
        for (const entry of group) entry.reject(error);
        release();
      },
    );
  }
}
