import { HandlerWatchdog, TIMED_OUT } from './handler-watchdog.js';

/** Meta gives up on a webhook call after 20 s, retries it, and disables webhooks that keep failing. */
export const META_TIMEOUT_MS = 20_000;

/**
 * How long a sender may wait for its answer in `dispatch: 'await'` mode: past it, the delivery is answered and its
 * handlers go on in the background. One shared timer for every delivery (see {@link HandlerWatchdog}): the deadline
 * fires between `ms` and `ms` plus a twentieth of it.
 */
export class DeliveryDeadline {
  private readonly watchdog: HandlerWatchdog;

  /** @param ms the deadline, below {@link META_TIMEOUT_MS}. */
  constructor(readonly ms: number) {
    this.watchdog = new HandlerWatchdog(ms);
  }

  /** Resolves with `work`'s value once it settled, or {@link TIMED_OUT} when the deadline came first. `work` must not reject. */
  watch<T>(work: Promise<T>): Promise<T | typeof TIMED_OUT> {
    return this.watchdog.watch(work);
  }
}
