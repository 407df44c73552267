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

  /** Resolves `true` once `work` settled, `false` when the deadline came first. `work` must not reject. */
  async wait(work: Promise<unknown>): Promise<boolean> {
    return (await this.watchdog.watch(work)) !== TIMED_OUT;
  }
}
