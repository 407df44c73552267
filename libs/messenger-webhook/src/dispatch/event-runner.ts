import type { Logger } from '@nestjs/common';
import { InvalidEvent } from '../events/invalid-event.js';
import type { MessengerContext } from '../events/messenger-context.js';
import type { MessengerEvent } from '../events/messenger-event.js';
import type { MessengerHandlerRegistry, RegisteredHandler } from '../handlers/handler-registry.js';
import type { Captures } from '../handlers/string-matcher.js';
import { readEvent } from '../reading/event-reader.js';
import type { FailureReporter } from './failure-reporter.js';
import { TIMED_OUT, type HandlerWatchdog } from './handler-watchdog.js';
import type { InvalidEventReporter } from './invalid-event-reporter.js';
import { midOf, type PreparedEvent } from './prepared-event.js';

/** What became of one event once its turn came. */
export interface EventResult {
  /**
   * `'handled'`: read and routed (whether or not a handler wanted it); `'invalid'`: it could not be read and was routed
   * as an {@link InvalidEvent}; `'skipped'`: it could not be read and `invalidEvents` is `'skip'`; `'duplicate'`: a redelivery.
   */
  readonly outcome: 'handled' | 'invalid' | 'skipped' | 'duplicate';
  /** Handler calls made. */
  readonly handlerCalls: number;
  /** Handler calls that failed (error no filter handled, or timeout). */
  readonly failures: number;
  /** The event, when it could not be read. */
  readonly invalid?: InvalidEvent;
}

/** An event's outcome, known once each handler call settled or timed out, and when those calls really ended. */
export interface EventRun {
  /** What became of the event. */
  readonly result: EventResult;
  /** Resolves once every handler call of the event settled, timed-out ones included. Never rejects. */
  readonly settled: Promise<void>;
}

/** The settings the runner reads. */
export interface EventRunnerSettings {
  /** Validate events against their classes. */
  readonly validateEvents: boolean;
  /** Route events that cannot be read as `InvalidEvent` (`'deliver'`) or not (`'skip'`). */
  readonly invalidEvents: 'deliver' | 'skip';
  /** For the timeout message. */
  readonly handlerTimeout: number;
}

const NO_PARAMS: Readonly<Record<string, string>> = Object.freeze({});
const SETTLED: Promise<void> = Promise.resolve();
const ignore = (): void => undefined;

/**
 * The invoking stage: builds the event instance, runs the filters of every handler that asked for its type, and calls
 * the matching ones with their enhancers, bounded by the watchdog. Every failure is reported, none escapes. Shared by
 * every transport: it knows nothing of HTTP, queues or conversation order.
 */
export class EventRunner {
  constructor(
    private readonly registry: MessengerHandlerRegistry,
    private readonly reporter: FailureReporter,
    private readonly watchdog: HandlerWatchdog | null,
    private readonly settings: EventRunnerSettings,
    private readonly logger: Logger,
    private readonly invalidReporter?: InvalidEventReporter,
  ) {}

  /**
   * Turns the raw event into its class and calls its handlers; resolves once each call settled or timed out, with
   * a promise of when the timed-out ones really end (whoever schedules events holds their turn until then). Never rejects.
   */
  async run(prepared: PreparedEvent): Promise<EventRun> {
    const stillRunning: Promise<unknown>[] = [];
    const result = await this.invoke(prepared, stillRunning);
    return { result, settled: stillRunning.length === 0 ? SETTLED : Promise.all(stillRunning).then(ignore, ignore) };
  }

  /** The event's handler calls; the calls that timed out (and so still run) go to `stillRunning`. */
  private async invoke(prepared: PreparedEvent, stillRunning: Promise<unknown>[]): Promise<EventResult> {
    const { definition, raw, meta } = prepared;
    const event = readEvent(prepared, this.settings.validateEvents);
    let invalid: InvalidEvent | undefined;
    let context: MessengerContext | undefined;
    if (event instanceof InvalidEvent) {
      invalid = event;
      context = { ...meta, kind: 'invalid', params: NO_PARAMS };
      this.invalidReporter?.report(event, context);
      if (this.settings.invalidEvents === 'skip') return { outcome: 'skipped', handlerCalls: 0, failures: 0, invalid };
    }
    const outcome = invalid ? 'invalid' : 'handled';
    const routes = this.registry.routesFor(invalid ? 'invalid' : definition.kind, meta.standby);
    if (routes.length === 0) return { outcome, handlerCalls: 0, failures: 0, invalid };
    context ??= { ...meta, params: NO_PARAMS };
    const mid = midOf(definition, raw);
    const calls: Promise<boolean>[] = [];
    let failures = 0;
    for (const route of routes) {
      let captures: Captures | null = null;
      try {
        for (const filter of route.filters) {
          captures = filter(event, context);
          if (captures) break;
        }
      } catch (error) {
        failures++;
        this.reporter.report({ reason: 'error', error, handler: route.handler.name, kind: context.kind, mid, pageId: meta.pageId, event });
        continue;
      }
      if (!captures) continue;
      const handlerContext = Object.keys(captures).length === 0 ? context : { ...context, params: captures };
      calls.push(this.call(route.handler, event, handlerContext, mid, stillRunning));
    }
    for (const ok of await Promise.all(calls)) if (!ok) failures++;
    return { outcome, handlerCalls: calls.length, failures, invalid };
  }

  /** One handler call; resolves `false` when it failed or timed out. */
  private async call(
    handler: RegisteredHandler,
    event: MessengerEvent,
    context: MessengerContext,
    mid: string | undefined,
    stillRunning: Promise<unknown>[],
  ): Promise<boolean> {
    const invocation = handler.invoke(event, context);
    const base = { handler: handler.name, kind: context.kind, mid, pageId: context.pageId, event };
    const outcome = this.watchdog ? await this.watchdog.watch(invocation) : await invocation;
    if (outcome === TIMED_OUT) {
      const error = new Error(`${handler.name} did not settle within handlerTimeout (${this.settings.handlerTimeout} ms)`);
      this.reporter.report({ ...base, reason: 'timeout', error });
      stillRunning.push(invocation);
      // It still runs; an error it throws later is reported too.
      void invocation.then((late) => late.status === 'failed' && this.reporter.report({ ...base, reason: 'error', error: late.error }));
      return false;
    }
    if (outcome.status === 'failed') {
      this.reporter.report({ ...base, reason: 'error', error: outcome.error, filterError: outcome.filterError });
      return false;
    }
    if (outcome.status === 'skipped') this.logger.debug(`${handler.name} skipped a ${context.kind} event: a guard refused it`);
    return true;
  }
}
