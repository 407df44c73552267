import type { Logger } from '@nestjs/common';
import { replyWithReturnValue, repliesUnavailable, type HandlerReplies } from '../client/handler-replies.js';
import { slotPath } from '../delivery/envelope.js';
import type { MessengerContext } from '../events/messenger-context.js';
import type { MessengerEvent } from '../events/messenger-event.js';
import type { MessengerHandlerRegistry, RegisteredHandler } from '../handlers/handler-registry.js';
import type { Captures } from '../handlers/string-matcher.js';
import { toEvent } from '../reading/event-transformer.js';
import type { FailureReporter } from './failure-reporter.js';
import { TIMED_OUT, type HandlerWatchdog } from './handler-watchdog.js';
import { midOf, type PreparedEvent } from './prepared-event.js';

/** What became of one event once its turn came. */
export interface EventResult {
  /** `'handled'`: valid and routed (whether or not a handler wanted it); `'invalid'`: it failed validation; `'duplicate'`: a redelivery. */
  readonly outcome: 'handled' | 'invalid' | 'duplicate';
  /** Handler calls made. */
  readonly handlerCalls: number;
  /** Handler calls that failed (error no filter handled, or timeout). */
  readonly failures: number;
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
    /** Gives handlers `ctx.reply` and sends what they return; without it, replying fails with a clear error. */
    private readonly replies: HandlerReplies | null = null,
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
    const { definition, raw, meta, slot } = prepared;
    const result = toEvent(definition, raw, this.settings.validateEvents);
    if (!result.event) {
      this.logger.warn(`Skipped invalid ${definition.kind} event at ${slotPath(slot)} (page ${meta.pageId}): ${result.problems}`);
      return { outcome: 'invalid', handlerCalls: 0, failures: 0 };
    }
    const event = result.event as MessengerEvent;
    const routes = this.registry.routesFor(definition.kind, meta.standby);
    if (routes.length === 0) return { outcome: 'handled', handlerCalls: 0, failures: 0 };
    // Built from plain data (meta and raw), so an event rebuilt on a queue worker replies the same way.
    const reply = this.replies ? this.replies.replyFor(meta, raw) : repliesUnavailable;
    // Object.assign rather than a spread: with the extra `reply` field the spread's object shape cost ~4 µs per event.
    const context: MessengerContext = Object.assign({ params: NO_PARAMS, reply }, meta);
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
        this.reporter.report({ reason: 'error', error, handler: route.handler.name, kind: definition.kind, mid, pageId: meta.pageId, eventId: meta.eventId, event });
        continue;
      }
      if (!captures) continue;
      const handlerContext = Object.keys(captures).length === 0 ? context : { ...context, params: captures };
      calls.push(this.call(route.handler, event, handlerContext, mid, stillRunning));
    }
    for (const ok of await Promise.all(calls)) if (!ok) failures++;
    return { outcome: 'handled', handlerCalls: calls.length, failures };
  }

  /** One handler call; resolves `false` when it failed or timed out. */
  private async call(
    handler: RegisteredHandler,
    event: MessengerEvent,
    context: MessengerContext,
    mid: string | undefined,
    stillRunning: Promise<unknown>[],
  ): Promise<boolean> {
    let invocation = handler.invoke(event, context);
    const base = { handler: handler.name, kind: context.kind, mid, pageId: context.pageId, eventId: context.eventId, event };
    let outcome = this.watchdog ? await this.watchdog.watch(invocation) : await invocation;
    let replying = false;
    if (outcome !== TIMED_OUT && outcome.status === 'done' && outcome.value !== undefined) {
      // A returned string or message is sent as a reply (bounded like the call itself); a failed reply fails the call.
      replying = true;
      invocation = replyWithReturnValue(outcome, context);
      outcome = this.watchdog ? await this.watchdog.watch(invocation) : await invocation;
    }
    if (outcome === TIMED_OUT) {
      const error = new Error(`${handler.name} did not settle within handlerTimeout (${this.settings.handlerTimeout} ms)`);
      this.reporter.report({ ...base, reason: 'timeout', error });
      // It still runs: the reply it returns still goes out, and an error it throws later is reported too.
      const late = replying ? invocation : invocation.then((settled) => replyWithReturnValue(settled, context));
      stillRunning.push(late);
      void late.then((settled) => settled.status === 'failed' && this.reporter.report({ ...base, reason: 'error', error: settled.error }));
      return false;
    }
    if (outcome.status === 'failed') {
      this.reporter.report({ ...base, reason: 'error', error: outcome.error, filterError: outcome.filterError, ...(outcome.stage && { stage: outcome.stage }) });
      return false;
    }
    if (outcome.status === 'skipped') this.logger.debug(`${handler.name} skipped a ${context.kind} event: a guard refused it`);
    return true;
  }
}
