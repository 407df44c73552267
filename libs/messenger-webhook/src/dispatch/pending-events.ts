/** What is still pending, split by whether Meta was already told the events were received. */
export interface PendingCounts {
  /** Events taken in whose handlers have not all settled. */
  readonly total: number;
  /** Of those, events of deliveries already answered `200`: lost if the process stops now. */
  readonly acknowledged: number;
  /** Of the acknowledged ones, events whose handlers are running. */
  readonly acknowledgedRunning: number;
  /** Of the acknowledged ones, events that have not started (waiting for their conversation or a slot). */
  readonly acknowledgedWaiting: number;
}

/**
 * Counts the events taken in and not yet handled, so deliveries can be refused past a bound (back-pressure instead
 * of a queue growing without limit in memory), and knows how many of them were already acknowledged to Meta: those
 * are the ones a stop loses, since Meta only delivers again what was not answered `200`.
 */
export class PendingEvents {
  private waiting = 0;
  private running = 0;
  private acknowledgedWaiting = 0;
  private acknowledgedRunning = 0;

  /** @param limit how many pending events make {@link full} true. */
  constructor(readonly limit: number) {}

  /** Whether `limit` events are pending: take no new delivery in. */
  get full(): boolean {
    return this.waiting + this.running >= this.limit;
  }

  /** The counts as they are now. */
  counts(): PendingCounts {
    const acknowledged = this.acknowledgedWaiting + this.acknowledgedRunning;
    return {
      total: this.waiting + this.running,
      acknowledged,
      acknowledgedRunning: this.acknowledgedRunning,
      acknowledgedWaiting: this.acknowledgedWaiting,
    };
  }

  /** Opens the ledger of one delivery; its events are added as they are found. */
  open(): DeliveryLedger {
    return new DeliveryLedger(this);
  }

  /** @internal moves counts as a delivery's events go; called by {@link DeliveryLedger} only. */
  move(acknowledged: boolean, waiting: number, running: number): void {
    this.waiting += waiting;
    this.running += running;
    if (acknowledged) {
      this.acknowledgedWaiting += waiting;
      this.acknowledgedRunning += running;
    }
  }

  /** @internal counts a delivery's pending events as acknowledged. */
  acknowledge(waiting: number, running: number): void {
    this.acknowledgedWaiting += waiting;
    this.acknowledgedRunning += running;
  }
}

/** The pending events of one delivery: each is added, started and finished once; the delivery is acknowledged once. */
export class DeliveryLedger {
  private waiting = 0;
  private running = 0;
  private acknowledged = false;

  constructor(private readonly all: PendingEvents) {}

  /** `count` events were found in the delivery. */
  add(count: number): void {
    this.waiting += count;
    this.all.move(this.acknowledged, count, 0);
  }

  /** One event's turn came: its handlers run. */
  start(): void {
    this.waiting--;
    this.running++;
    this.all.move(this.acknowledged, -1, 1);
  }

  /** One event's handlers all settled (timed-out ones included). */
  finish(): void {
    this.running--;
    this.all.move(this.acknowledged, 0, -1);
  }

  /** Meta was answered `200` for this delivery. */
  acknowledge(): void {
    if (this.acknowledged) return;
    this.acknowledged = true;
    this.all.acknowledge(this.waiting, this.running);
  }
}
