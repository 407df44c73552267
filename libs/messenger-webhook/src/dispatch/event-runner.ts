import type { Logger } from '@nestjs/common';
import { runAsHandlerOf } from '../client/handler-page.js';
import { replyWithReturnValue, repliesUnavailable, type HandlerReplies, type ReplyFunction } from '../client/handler-replies.js';
import { isJsonObject } from '../delivery/json.js';
import { InvalidEvent } from '../events/invalid-event.js';
import type { MessengerContext } from '../events/messenger-context.js';
import type { MessengerEvent } from '../events/messenger-event.js';
import type { InvocationOutcome } from '../handlers/handler-invoker.js';
import type { MessengerHandlerRegistry, RegisteredHandler } from '../handlers/handler-registry.js';
import type { Captures } from '../handlers/string-matcher.js';
import { readEvent } from '../reading/event-reader.js';
import type { FailureReporter } from './failure-reporter.js';
import { TIMED_OUT, type HandlerWatchdog } from './handler-watchdog.js';
import type { InvalidEventReporter } from './invalid-event-reporter.js';
import { SETTLED } from './conversation-scheduler.js';
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
/** The `settled` of an event whose handler calls all ended: compare with it to skip waiting. */
export { SETTLED };
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
    /** Where events that cannot be read are reported (`invalidEvents$`, `onInvalidEvent`). */
    private readonly invalidReporter: InvalidEventReporter | null = null,
  ) {}

  /**
   * Turns the raw event into its class and calls its handlers; resolves once each call settled or timed out, with
   * a promise of when the timed-out ones really end (whoever schedules events holds their turn until then). Never rejects.
   * When every call settled while it ran (handlers that returned plain values), the run is returned as it is, not as
   * a promise: that spares an event most of its promises and microtask turns.
   */
  run(prepared: PreparedEvent): EventRun | Promise<EventRun> {
    const { definition, meta, raw } = prepared;
    const event = readEvent(prepared, this.settings.validateEvents);
    let invalid: InvalidEvent | undefined;
    let context: MessengerContext | undefined;
    if (event instanceof InvalidEvent) {
      invalid = event;
      context = Object.assign({ params: NO_PARAMS, reply: this.replyFor(prepared) }, meta, { kind: 'invalid' as const });
      this.invalidReporter?.report(event, context);
      if (this.settings.invalidEvents === 'skip') return done({ outcome: 'skipped', handlerCalls: 0, failures: 0, invalid });
    }
    const outcome = invalid ? 'invalid' : 'handled';
    const routes = this.registry.routesFor(invalid ? 'invalid' : definition.kind, meta.standby);
    if (routes.length === 0) return done({ outcome, handlerCalls: 0, failures: 0, invalid });
    // Object.assign rather than a spread: with the extra `reply` field the spread's object shape cost ~4 µs per event.
    // Built from plain data (meta and raw), so an event rebuilt on a queue worker replies the same way.
    context ??= Object.assign({ params: NO_PARAMS, reply: this.replyFor(prepared) }, meta);
    // The hot path allocates only what a call needs: reports, and the list of calls still running, are built on failure.
    const call: Call = { prepared, event, stillRunning: undefined };
    // Counted as they come; only calls still to settle are kept (an array made for the first of them), so the usual
    // event (one handler, a plain value) allocates no list.
    let pending: Array<Promise<boolean>> | undefined;
    let handlerCalls = 0;
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
        this.reporter.report({ reason: 'error', error, handler: route.handler.name, kind: context.kind, mid: midOf(definition, raw), pageId: meta.pageId, eventId: meta.eventId, event });
        continue;
      }
      if (!captures) continue;
      const ok = this.call(route.handler, call, hasKeys(captures) ? { ...context, params: captures } : context);
      handlerCalls++;
      if (typeof ok !== 'boolean') (pending ??= []).push(ok);
      else if (!ok) failures++;
    }
    if (pending) {
      return Promise.all(pending).then((oks) => {
        for (const ok of oks) if (!ok) failures++;
        return finish(call, outcome, handlerCalls, failures, invalid);
      });
    }
    return finish(call, outcome, handlerCalls, failures, invalid);
  }

  private replyFor({ meta, raw }: PreparedEvent): ReplyFunction {
    return this.replies && isJsonObject(raw) ? this.replies.replyFor(meta, raw) : repliesUnavailable;
  }

  /**
   * One handler call, then the reply its return value makes; `false` when either failed or timed out. The answer is
   * given at once when the call settled while it ran and returned nothing to send. Never rejects (invokers turn errors
   * into outcomes).
   */
  private call(handler: RegisteredHandler, call: Call, context: MessengerContext): boolean | Promise<boolean> {
    // Inside the scope, client calls that name no page (awaited or not) default to the event's page and platform.
    const invoked = this.replies?.scopes(context.platform) ? runAsHandlerOf(context, () => handler.invoke(call.event, context)) : handler.invoke(call.event, context);
    if (invoked instanceof Promise || (invoked.status === 'done' && invoked.value !== undefined)) return this.callSettling(handler, call, context, invoked);
    return this.judge(handler, call, context, invoked);
  }

  /** The rest of {@link call} when the handler's outcome is still to come, or its return value is a reply to send. */
  private async callSettling(handler: RegisteredHandler, call: Call, context: MessengerContext, invoked: InvocationOutcome | Promise<InvocationOutcome>): Promise<boolean> {
    let invocation = Promise.resolve(invoked);
    let outcome = invoked instanceof Promise ? (this.watchdog ? await this.watchdog.watch(invocation) : await invocation) : invoked;
    let replying = false;
    if (outcome !== TIMED_OUT && outcome.status === 'done' && outcome.value !== undefined) {
      // A returned string or message is sent as a reply (bounded like the call itself); a failed reply fails the call.
      replying = true;
      invocation = replyWithReturnValue(outcome, context);
      outcome = this.watchdog ? await this.watchdog.watch(invocation) : await invocation;
    }
    if (outcome === TIMED_OUT) {
      const base = this.failureBase(handler, call, context);
      this.reporter.report({ ...base, reason: 'timeout', error: new Error(`${handler.name} did not settle within handlerTimeout (${this.settings.handlerTimeout} ms)`) });
      // It still runs: the reply it returns still goes out, and an error it throws later is reported too.
      const late = replying ? invocation : invocation.then((settled) => replyWithReturnValue(settled, context));
      (call.stillRunning ??= []).push(late);
      void late.then((settled) => settled.status === 'failed' && this.reporter.report({ ...base, reason: 'error', error: settled.error }));
      return false;
    }
    return this.judge(handler, call, context, outcome);
  }

  /** Reports a failed outcome and logs a skipped one; `true` when the call did its work. */
  private judge(handler: RegisteredHandler, call: Call, context: MessengerContext, outcome: InvocationOutcome): boolean {
    if (outcome.status === 'failed') {
      this.reporter.report({
        ...this.failureBase(handler, call, context),
        reason: 'error',
        error: outcome.error,
        filterError: outcome.filterError,
        ...(outcome.stage && { stage: outcome.stage }),
      });
      return false;
    }
    if (outcome.status === 'skipped') this.logger.debug(`${handler.name} skipped a ${context.kind} event: a guard refused it`);
    return true;
  }

  private failureBase(handler: RegisteredHandler, call: Call, context: MessengerContext) {
    const { definition, raw } = call.prepared;
    return { handler: handler.name, kind: context.kind, mid: midOf(definition, raw), pageId: context.pageId, eventId: context.eventId, event: call.event };
  }
}

/** What the calls of one event share. */
interface Call {
  readonly prepared: PreparedEvent;
  readonly event: MessengerEvent;
  /** Calls that timed out and still run; created on the first one. */
  stillRunning: Promise<unknown>[] | undefined;
}

function done(result: EventResult): EventRun {
  return { result, settled: SETTLED };
}

/** The run of an event once each of its handler calls gave its answer: `handlerCalls` made, `failures` among them. */
function finish(call: Call, outcome: EventResult['outcome'], handlerCalls: number, failures: number, invalid: InvalidEvent | undefined): EventRun {
  const result: EventResult = { outcome, handlerCalls, failures, invalid };
  const { stillRunning } = call;
  return { result, settled: stillRunning ? Promise.all(stillRunning).then(ignore, ignore) : SETTLED };
}

/** Whether a filter captured anything (cheaper than `Object.keys(captures).length` on the hot path). */
function hasKeys(captures: Captures): boolean {
  for (const _key in captures) return true;
  return false;
}
