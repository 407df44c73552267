import { Injectable } from '@nestjs/common';

/** One handler call as a test sees it. */
export interface Call {
  /** Which handler ran (a name the test chose). */
  readonly handler: string;
  /** The event's `timestamp`: the builders of `events.ts` give every event its own. */
  readonly timestamp: unknown;
  /** Whatever else the handler wants the test to check. */
  readonly detail?: unknown;
}

/** Records handler calls; provide it beside the handlers under test and read it back through `app.get(Calls)`. */
@Injectable()
export class Calls {
  readonly list: Call[] = [];

  /** Records that `handler` ran for `event`. */
  add(handler: string, event: object, detail?: unknown): void {
    this.list.push({ handler, timestamp: (event as { timestamp?: unknown }).timestamp, detail });
  }

  /** The handlers that ran for the raw event `raw` (matched by timestamp), sorted, one entry per call. */
  handlersOf(raw: Record<string, unknown>): string[] {
    return this.of(raw)
      .map((call) => call.handler)
      .sort();
  }

  /** The calls made for the raw event `raw`. */
  of(raw: Record<string, unknown>): Call[] {
    return this.list.filter((call) => call.timestamp === raw.timestamp);
  }
}
