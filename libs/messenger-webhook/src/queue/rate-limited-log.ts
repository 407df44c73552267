/**
 * Says something at most once per `intervalMs` and counts what it kept quiet, so an outage that makes every request
 * fail gives one line a minute instead of one per request.
 */
export class RateLimitedLog {
  private last = -Infinity;
  private quiet = 0;

  constructor(
    private readonly write: (message: string) => void,
    private readonly intervalMs = 60_000,
  ) {}

  /** Writes `message` (with how many were kept quiet since the last line) if the interval has passed. */
  say(message: string): void {
    const now = Date.now();
    if (now - this.last < this.intervalMs) {
      this.quiet++;
      return;
    }
    this.write(this.quiet > 0 ? `${message} (${this.quiet} more since the last report)` : message);
    this.last = now;
    this.quiet = 0;
  }

  /** True when something was said since the last {@link reset}. */
  get active(): boolean {
    return this.last !== -Infinity;
  }

  /** Forgets the interval (after recovery, the next problem is said at once) and returns how many were kept quiet. */
  reset(): number {
    const quiet = this.quiet;
    this.last = -Infinity;
    this.quiet = 0;
    return quiet;
  }
}
