import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Subject, type Observable } from 'rxjs';
import { classify, type AnyEventKind } from '../events/classify.js';
import { ConcurrencyLimiter } from './concurrency-limiter.js';
import { eventSlots, platformOf, slotPath, type RawEventSlot, type WebhookEnvelope } from '../delivery/envelope.js';
import { payloadOf } from '../events/event-kinds.js';
import { toEvent } from '../reading/event-transformer.js';
import type { HandlerFailure } from './handler-failure.js';
import { HandlerWatchdog, TIMED_OUT } from './handler-watchdog.js';
import { MessengerHandlerRegistry, type RegisteredHandler } from '../handlers/handler-registry.js';
import { idString, readPath, type JsonObject } from '../delivery/json.js';
import { senderOf } from '../handlers/params.factory.js';
import type { MessengerContext, MessengerPlatform } from '../events/messenger-context.js';
import type { MessengerEvent } from '../events/messenger-event.js';
import { MESSENGER_WEBHOOK_CONFIG } from '../messenger-webhook.constants.js';
import type { ResolvedMessengerWebhookConfig } from '../messenger-webhook.options.js';
import type { Captures } from '../handlers/string-matcher.js';

/** What became of the events of one delivery. */
export interface DispatchSummary {
  /** Events found in the delivery. */
  events: number;
  /** Events that passed validation and were routed (whether or not a handler wanted them). */
  dispatched: number;
  /** Events skipped because they failed validation (or entries/items that were not objects). */
  invalid: number;
  /** Events dropped as redeliveries of events already seen. */
  duplicates: number;
  /** Handler calls made. */
  handlerCalls: number;
  /** Handler calls that failed (error no filter handled, or timeout). */
  failures: number;
}

type EventOutcome = 'dispatched' | 'invalid' | 'duplicate';

/**
 * Turns deliveries into handler calls: classifies and validates each event, drops redeliveries, keeps each
 * conversation in arrival order while different conversations run side by side, and isolates every handler's
 * failure. Knows nothing of HTTP: the controller, the testing kit and your own code can all feed it.
 */
@Injectable()
export class MessengerDispatcher implements OnModuleDestroy {
  private readonly logger = new Logger('MessengerWebhook');
  private readonly failureSubject = new Subject<HandlerFailure>();
  private readonly conversations = new Map<string, Promise<unknown>>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly limiter: ConcurrencyLimiter;
  private readonly watchdog: HandlerWatchdog | null;
  private closing = false;

  /** Every handler failure no exception filter handled, as it happens (send them to your error tracker). */
  readonly failures$: Observable<HandlerFailure> = this.failureSubject.asObservable();

  constructor(
    @Inject(MESSENGER_WEBHOOK_CONFIG) private readonly config: ResolvedMessengerWebhookConfig,
    private readonly registry: MessengerHandlerRegistry,
  ) {
    this.limiter = new ConcurrencyLimiter(config.concurrency);
    this.watchdog = config.handlerTimeout > 0 ? new HandlerWatchdog(config.handlerTimeout) : null;
  }

  /** True once the app is shutting down: new deliveries should be refused so Meta redelivers them later. */
  get isClosing(): boolean {
    return this.closing;
  }

  /** Dispatches every event of a delivery; resolves once each handler call settled (or timed out). Never rejects. */
  dispatch(envelope: WebhookEnvelope): Promise<DispatchSummary> {
    const done = this.dispatchAll(envelope).catch((error: unknown) => {
      // Only a bug of the library could land here; it must still not become an unhandled rejection.
      this.logger.error(`Dispatch failed: ${error instanceof Error ? error.message : String(error)}`, error instanceof Error ? error.stack : undefined);
      return emptySummary();
    });
    this.inFlight.add(done);
    void done.finally(() => this.inFlight.delete(done));
    return done;
  }

  /** Resolves when every delivery dispatched so far has settled. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Lets handlers still running finish (bounded by `shutdownTimeout`) before the app's providers go away. */
  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    if (this.inFlight.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(resolve, this.config.shutdownTimeout, true);
    });
    const finished = await Promise.race([this.idle().then(() => false), timedOut]);
    clearTimeout(timer);
    if (finished) this.logger.warn(`Shut down with ${this.inFlight.size} deliveries still being handled after ${this.config.shutdownTimeout} ms`);
  }

  private async dispatchAll(envelope: WebhookEnvelope): Promise<DispatchSummary> {
    const summary = emptySummary();
    const platform = platformOf(envelope.object);
    if (!platform) {
      this.logger.warn(`Ignored a delivery for object "${envelope.object.slice(0, 40)}": only "page" and "instagram" are handled`);
      return summary;
    }
    const { slots, problems } = eventSlots(envelope);
    for (const problem of problems) this.logger.warn(`Skipped ${problem}`);
    summary.events = slots.length;
    summary.invalid = problems.length;
    const outcomes = slots.map((slot) => this.dispatchEvent(slot, platform, envelope.object, summary));
    for (const outcome of await Promise.all(outcomes)) {
      if (outcome === 'dispatched') summary.dispatched++;
      else if (outcome === 'invalid') summary.invalid++;
      else summary.duplicates++;
    }
    return summary;
  }

  private dispatchEvent(slot: RawEventSlot, platform: MessengerPlatform, object: string, summary: DispatchSummary): Promise<EventOutcome> {
    const definition = classify(slot.raw, slot.source === 'changes' ? 'changes' : 'messaging');
    const standby = slot.source === 'standby';
    const context: MessengerContext = {
      platform,
      object,
      pageId: slot.pageId,
      time: slot.time,
      standby,
      source: slot.source,
      kind: definition.kind,
      field: definition.field,
      params: NO_PARAMS,
    };
    // One event's unexpected failure must not settle the delivery early (Promise.all) nor cost the others.
    const task = () =>
      this.runEvent(definition, slot, context, summary).catch((error: unknown): EventOutcome => {
        this.logger.error(`Could not dispatch the ${definition.kind} event at ${slotPath(slot)}: ${error instanceof Error ? error.message : String(error)}`);
        return 'dispatched';
      });
    return this.inConversation(`${object}|${slot.pageId}|${conversationOf(definition, slot.raw)}`, task);
  }

  /** Chains `task` after the conversation's previous event; conversations themselves share the concurrency limit. */
  private inConversation<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.conversations.get(key);
    const run = () => this.limiter.run(task);
    const next = previous ? previous.then(run, run) : run();
    this.conversations.set(key, next);
    // then(cleanup, cleanup), not finally(): finally() would re-reject on a promise nobody awaits, and an
    // unhandled rejection kills the process.
    const cleanup = () => {
      if (this.conversations.get(key) === next) this.conversations.delete(key);
    };
    void next.then(cleanup, cleanup);
    return next;
  }

  /** Inside the event's conversation turn: drop a redelivery, build and check the event, call its handlers. */
  private async runEvent(definition: AnyEventKind, slot: RawEventSlot, context: MessengerContext, summary: DispatchSummary): Promise<EventOutcome> {
    // Redeliveries are recognised from the raw event, before the costlier transform and validation.
    if (this.config.dedupe) {
      let seen: boolean;
      try {
        // Inside the try: the key hashes the raw event, and JSON.stringify overflows the stack on deep nesting.
        const key = dedupeKey(definition, slot, context);
        const answer = this.config.dedupe.store.checkAndSet(key, this.config.dedupe.ttl);
        seen = typeof answer === 'boolean' ? answer : await answer;
      } catch (error) {
        // Handling an event twice beats losing it: a broken store (or a key that cannot be made) lets the event through.
        this.logger.error(`Dedupe failed, handling the event anyway: ${error instanceof Error ? error.message : String(error)}`);
        seen = false;
      }
      if (seen) {
        this.logger.debug(`Dropped a redelivered ${definition.kind} event at ${slotPath(slot)}`);
        return 'duplicate';
      }
    }
    const result = toEvent(definition, slot.raw, this.config.validateEvents);
    if (!result.event) {
      this.logger.warn(`Skipped invalid ${definition.kind} event at ${slotPath(slot)} (page ${slot.pageId}): ${result.problems}`);
      return 'invalid';
    }
    const event = result.event as MessengerEvent;
    const routes = this.registry.routesFor(definition.kind, context.standby);
    if (routes.length === 0) return 'dispatched';
    const mid = midOf(definition, slot.raw);
    const calls: Promise<void>[] = [];
    for (const route of routes) {
      let captures: Captures | null = null;
      try {
        for (const filter of route.filters) {
          captures = filter(event, context);
          if (captures) break;
        }
      } catch (error) {
        summary.failures++;
        this.report({ reason: 'error', error, handler: route.handler.name, kind: definition.kind, mid, pageId: slot.pageId, event });
        continue;
      }
      if (!captures) continue;
      summary.handlerCalls++;
      const handlerContext = Object.keys(captures).length === 0 ? context : { ...context, params: captures };
      calls.push(this.call(route.handler, event, handlerContext, mid, summary));
    }
    await Promise.all(calls);
    return 'dispatched';
  }

  private async call(handler: RegisteredHandler, event: MessengerEvent, context: MessengerContext, mid: string | undefined, summary: DispatchSummary): Promise<void> {
    const invocation = handler.invoke(event, context);
    const base = { handler: handler.name, kind: context.kind, mid, pageId: context.pageId, event };
    const outcome = this.watchdog ? await this.watchdog.watch(invocation) : await invocation;
    if (outcome === TIMED_OUT) {
      summary.failures++;
      const error = new Error(`${handler.name} did not settle within handlerTimeout (${this.config.handlerTimeout} ms)`);
      this.report({ ...base, reason: 'timeout', error });
      // It still runs; an error it throws later is reported too.
      void invocation.then((late) => late.status === 'failed' && this.report({ ...base, reason: 'error', error: late.error }));
      return;
    }
    if (outcome.status === 'failed') {
      summary.failures++;
      this.report({ ...base, reason: 'error', error: outcome.error, filterError: outcome.filterError });
    } else if (outcome.status === 'skipped') {
      this.logger.debug(`${handler.name} skipped a ${context.kind} event: a guard refused it`);
    }
  }

  private report(failure: HandlerFailure): void {
    const { error } = failure;
    const what = `${failure.handler} ${failure.reason === 'timeout' ? 'timed out on' : 'failed on'} a ${failure.kind} event${failure.mid ? ` (mid ${failure.mid})` : ''} of page ${failure.pageId}`;
    const message = error instanceof Error ? error.message : String(error);
    const filterNote = failure.filterError === undefined ? '' : ` (and its exception filter threw: ${failure.filterError instanceof Error ? failure.filterError.message : String(failure.filterError)})`;
    this.logger.error(`${what}: ${message}${filterNote}`, error instanceof Error && failure.reason === 'error' ? error.stack : undefined);
    this.failureSubject.next(failure);
    try {
      this.config.onHandlerError?.(failure);
    } catch (hookError) {
      this.logger.error(`onHandlerError threw: ${hookError instanceof Error ? hookError.message : String(hookError)}`);
    }
  }
}

const NO_PARAMS: Readonly<Record<string, string>> = Object.freeze({});

function emptySummary(): DispatchSummary {
  return { events: 0, dispatched: 0, invalid: 0, duplicates: 0, handlerCalls: 0, failures: 0 };
}

/** The person on the other side of the conversation: the recipient of an echo, the sender of anything else. */
function conversationOf(definition: AnyEventKind, raw: JsonObject): string {
  if (definition.kind === 'echo') return idString(readPath(raw, 'recipient', 'id') ?? readPath(raw, 'recipient', 'user_ref')) ?? '';
  return senderOf(raw) ?? '';
}

function midOf(definition: AnyEventKind, raw: JsonObject): string | undefined {
  const mid = payloadOf(definition, raw)?.mid;
  return typeof mid === 'string' ? mid : undefined;
}

/**
 * Two events are the same only when they are the same event: a message (or echo, or Instagram deletion) by its mid,
 * anything else by everything it carries, so a reaction and its unreact, or two mid-less postbacks, never collide.
 */
function dedupeKey(definition: AnyEventKind, slot: RawEventSlot, context: MessengerContext): string {
  const prefix = `${context.object}|${slot.pageId}|${definition.kind}|${context.standby ? 's' : 'm'}`;
  if (definition.kind === 'message' || definition.kind === 'echo') {
    const message = slot.raw.message as JsonObject;
    if (typeof message.mid === 'string') return `${prefix}|${message.mid}|${message.is_deleted === true ? 'deleted' : ''}`;
  }
  const digest = createHash('sha256').update(JSON.stringify(slot.raw)).digest('base64');
  return `${prefix}|${conversationOf(definition, slot.raw)}|${String(slot.raw.timestamp)}|${digest}`;
}
