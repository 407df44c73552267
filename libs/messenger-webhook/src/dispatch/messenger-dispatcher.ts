import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { HandlerReplies } from '../client/handler-replies.js';
import { MessengerClient } from '../client/messenger-client.js';
import { slotPath, type WebhookEnvelope } from '../delivery/envelope.js';
import { MessengerHandlerRegistry } from '../handlers/handler-registry.js';
import { MESSENGER_WEBHOOK_CONFIG } from '../messenger-webhook.constants.js';
import type { ResolvedMessengerWebhookConfig } from '../messenger-webhook.options.js';
import { ConversationScheduler } from './conversation-scheduler.js';
import type { DeliveryTransport } from './delivery-transport.js';
import { EventRunner, SETTLED, type EventRun } from './event-runner.js';
import { FailureReporter } from './failure-reporter.js';
import type { HandlerFailure } from './handler-failure.js';
import { HandlerWatchdog } from './handler-watchdog.js';
import { InvalidEventReporter, InvalidEventTally, type InvalidEventReport } from './invalid-event-reporter.js';
import { PendingEvents, type DeliveryLedger, type PendingCounts } from './pending-events.js';
import { prepareDelivery, type PreparedEvent } from './prepared-event.js';
import { RedeliveryFilter } from './redelivery-filter.js';

/** What became of the events of one delivery. */
export interface DispatchSummary {
  /** Events found in the delivery. */
  events: number;
  /** Events routed to handlers (whether or not a handler wanted them), `InvalidEvent`s included unless skipped. */
  dispatched: number;
  /** Events that could not be read (failed validation, or were not even objects): routed as `InvalidEvent`, or skipped. */
  invalid: number;
  /** Events dropped as redeliveries of events already seen. */
  duplicates: number;
  /** Handler calls made. */
  handlerCalls: number;
  /** Handler calls that failed (error no filter handled, or timeout). */
  failures: number;
}

/** Why {@link MessengerDispatcher.admit} did not take a delivery in: the app is shutting down, or `maxPendingEvents` are pending. */
export type DeliveryRefusal = 'closing' | 'full';

/** A delivery taken in by {@link MessengerDispatcher.admit} (an object with getters: read its fields, do not spread it). */
export interface AdmittedDelivery {
  /**
   * Resolves once each event's handler calls settled or timed out (what `dispatch()` resolves with); never rejects
   * in-process. In queue mode it resolves once the events are in Redis, and rejects with `DeliveryRefusedError` when
   * Redis cannot take them.
   */
  readonly summary: Promise<DispatchSummary>;
  /**
   * The summary itself when every handler call of the delivery settled while it was taken in (handlers that returned
   * plain values); `undefined` when some are still to settle: then wait for {@link summary}.
   */
  readonly settled: DispatchSummary | undefined;
  /** Records that the sender was told the delivery arrived (HTTP `200`): its unhandled events now count as acknowledged. */
  acknowledge(): void;
}

const DUPLICATE: EventRun = { result: { outcome: 'duplicate', handlerCalls: 0, failures: 0 }, settled: SETTLED };
const NOT_RUN: EventRun = { result: { outcome: 'handled', handlerCalls: 0, failures: 0 }, settled: SETTLED };

/**
 * Turns deliveries into handler calls, stage by stage: read and classify the delivery (`prepareDelivery`), schedule each
 * event in its conversation (`ConversationScheduler`), drop redeliveries (`RedeliveryFilter`), then build the event and
 * call its handlers (`EventRunner`). Knows nothing of HTTP: the controller, the testing kit and your own code can all feed it.
 */
@Injectable()
export class MessengerDispatcher implements OnModuleDestroy {
  private readonly logger = new Logger('MessengerWebhook');
  private readonly reporter: FailureReporter;
  private readonly scheduler: ConversationScheduler;
  private readonly redeliveries: RedeliveryFilter | null;
  private readonly invalidReporter: InvalidEventReporter;
  private readonly pending: PendingEvents;
  private transport: DeliveryTransport | null = null;
  private closing = false;
  private refusing = false;

  /** The invoking stage, shared with the queue worker so handlers run the same way in both transports (internal). */
  readonly runner: EventRunner;

  /** Every handler failure no exception filter handled, as it happens (send them to your error tracker). */
  readonly failures$: Observable<HandlerFailure>;

  /** Every event that could not be read, as it is met (whether delivered as `InvalidEvent` or skipped). */
  readonly invalidEvents$: Observable<InvalidEventReport>;

  constructor(
    @Inject(MESSENGER_WEBHOOK_CONFIG) private readonly config: ResolvedMessengerWebhookConfig,
    registry: MessengerHandlerRegistry,
    client: MessengerClient,
  ) {
    this.reporter = new FailureReporter(this.logger, config.onHandlerError);
    this.failures$ = this.reporter.failures$;
    this.scheduler = new ConversationScheduler(config.concurrency);
    this.redeliveries = config.dedupe ? new RedeliveryFilter(config.dedupe.store, config.dedupe.ttl, this.logger) : null;
    const watchdog = config.handlerTimeout > 0 ? new HandlerWatchdog(config.handlerTimeout) : null;
    this.invalidReporter = new InvalidEventReporter(this.logger, config.onInvalidEvent);
    this.invalidEvents$ = this.invalidReporter.invalidEvents$;
    this.runner = new EventRunner(registry, this.reporter, watchdog, config, this.logger, new HandlerReplies(client, config.client), this.invalidReporter);
    this.pending = new PendingEvents(config.maxPendingEvents);
  }

  /** Sends deliveries to `transport` instead of the in-process scheduler (queue mode; set once at module init, internal). */
  useTransport(transport: DeliveryTransport): void {
    this.transport = transport;
  }

  /** True when deliveries go to another transport (queue mode): their summary resolves once they are accepted, and may reject. */
  get hasTransport(): boolean {
    return this.transport !== null;
  }

  /** True once the app is shutting down: new deliveries should be refused so Meta redelivers them later. */
  get isClosing(): boolean {
    return this.closing;
  }

  /**
   * Takes a delivery in unless the app is shutting down or `maxPendingEvents` events are pending (then the sender
   * should be told to deliver again later). Meant for transports that answer a sender, like the webhook controller.
   */
  admit(envelope: WebhookEnvelope): AdmittedDelivery | DeliveryRefusal {
    if (this.closing) return 'closing';
    // Queue mode: Redis is the buffer, so only the transport decides whether it takes the delivery.
    if (this.transport) return new Admitted(this.start(envelope, this.pending.open()), null);
    if (this.pending.full) {
      if (!this.refusing) {
        this.refusing = true;
        this.logger.warn(`Refusing deliveries with 503: maxPendingEvents (${this.pending.limit}) events are waiting to be handled; Meta delivers them again later`);
      }
      return 'full';
    }
    if (this.refusing) {
      this.refusing = false;
      this.logger.log(`Accepting deliveries again: fewer than maxPendingEvents (${this.pending.limit}) events are pending`);
    }
    const ledger = this.pending.open();
    return new Admitted(this.start(envelope, ledger), ledger);
  }

  /** Runs a delivery; its summary as it is when the delivery already settled, else as a promise. */
  private start(envelope: WebhookEnvelope, ledger: DeliveryLedger): DispatchSummary | Promise<DispatchSummary> {
    try {
      return this.run(envelope, ledger);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Dispatches every event of a delivery, with no bound; resolves once each handler call settled (or timed out). Never rejects.
   * In queue mode it resolves once every event is in Redis, and rejects with `DeliveryRefusedError` when Redis cannot take them.
   */
  async dispatch(envelope: WebhookEnvelope): Promise<DispatchSummary> {
    const ledger = this.pending.open();
    const summary = await this.run(envelope, ledger);
    ledger.acknowledge();
    return summary;
  }

  /**
   * Every event of a delivery scheduled in its conversation. The summary comes back as it is when every handler call
   * settled while the delivery was read (handlers that returned plain values, the usual case), else as a promise.
   */
  private run(envelope: WebhookEnvelope, ledger: DeliveryLedger): DispatchSummary | Promise<DispatchSummary> {
    const summary: DispatchSummary = { events: 0, dispatched: 0, invalid: 0, duplicates: 0, handlerCalls: 0, failures: 0 };
    const delivery = prepareDelivery(envelope);
    if (!delivery.platform) {
      this.logger.warn(`Ignored a delivery for object "${envelope.object.slice(0, 40)}": only "page" and "instagram" are handled`);
      return summary;
    }
    summary.events = delivery.events.length;
    if (this.transport) return this.transport.deliver(delivery, summary);
    ledger.add(delivery.events.length);
    const { events } = delivery;
    // One event per delivery is what Meta sends most: no array of runs for it.
    if (events.length === 1) {
      const run = this.scheduler.schedule(events[0]!.conversationKey, () => this.process(events[0]!, ledger));
      return run instanceof Promise ? run.then((settled) => this.summarise(summary, [settled])) : this.summarise(summary, [run]);
    }
    const runs = events.map((prepared) => this.scheduler.schedule(prepared.conversationKey, () => this.process(prepared, ledger)));
    if (runs.some((run) => run instanceof Promise)) return Promise.all(runs).then((settled) => this.summarise(summary, settled));
    return this.summarise(summary, runs as EventRun[]);
  }

  /** Adds up what became of a delivery's events, and logs its unreadable ones in one line. */
  private summarise(summary: DispatchSummary, runs: readonly EventRun[]): DispatchSummary {
    let tally: InvalidEventTally | undefined;
    for (const { result } of runs) {
      if (result.outcome === 'duplicate') summary.duplicates++;
      else if (result.outcome !== 'skipped') summary.dispatched++;
      if (result.invalid) {
        summary.invalid++;
        (tally ??= new InvalidEventTally()).add(result.invalid);
      }
      summary.handlerCalls += result.handlerCalls;
      summary.failures += result.failures;
    }
    const warning = tally?.line(this.config.invalidEvents === 'deliver');
    if (warning) this.logger.warn(warning);
    return summary;
  }

  /** Resolves when every delivery dispatched so far has settled. */
  idle(): Promise<void> {
    return this.scheduler.idle();
  }

  /** Lets handlers still running finish (bounded by `shutdownTimeout`) before the app's providers go away. */
  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    if (this.scheduler.pending === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(resolve, this.config.shutdownTimeout, true);
    });
    const gaveUp = await Promise.race([this.idle().then(() => false), timedOut]);
    clearTimeout(timer);
    if (gaveUp) this.logger.error(unhandledAtShutdown(this.pending.counts(), this.config.shutdownTimeout));
  }

  /**
   * One event's turn in its conversation: drops a redelivery, else runs the event; recorded in its delivery's ledger
   * until its handlers settled. Answered at once when the dedupe store and the handlers answered at once. Never rejects.
   */
  private process(prepared: PreparedEvent, ledger: DeliveryLedger): EventRun | Promise<EventRun> {
    ledger.start();
    let run: EventRun | Promise<EventRun>;
    try {
      const redelivery = this.redeliveries ? this.redeliveries.isRedelivery(prepared) : false;
      if (redelivery instanceof Promise) run = redelivery.then((seen) => (seen ? DUPLICATE : this.runner.run(prepared)));
      else run = redelivery ? DUPLICATE : this.runner.run(prepared);
    } catch (error) {
      run = this.notRun(prepared, error);
    }
    if (run instanceof Promise) {
      return run.then(
        (settled) => ended(settled, ledger),
        (error: unknown) => ended(this.notRun(prepared, error), ledger),
      );
    }
    return ended(run, ledger);
  }

  /** Only a bug of the library could land here; it must cost neither the other events nor the process. */
  private notRun(prepared: PreparedEvent, error: unknown): EventRun {
    this.logger.error(`Could not dispatch the ${prepared.definition.kind} event at ${slotPath(prepared.slot)}: ${error instanceof Error ? error.message : String(error)}`);
    return NOT_RUN;
  }
}

/**
 * An {@link AdmittedDelivery} as one object: no promise is made for a summary nobody asks for (the webhook reads
 * `settled` first, and a settled delivery is answered without one).
 */
class Admitted implements AdmittedDelivery {
  private promised: Promise<DispatchSummary> | undefined;

  constructor(
    private readonly outcome: DispatchSummary | Promise<DispatchSummary>,
    /** `null` in queue mode: the transport's answer is the acknowledgement. */
    private readonly ledger: DeliveryLedger | null,
  ) {}

  get summary(): Promise<DispatchSummary> {
    return (this.promised ??= this.outcome instanceof Promise ? this.outcome : Promise.resolve(this.outcome));
  }

  get settled(): DispatchSummary | undefined {
    return this.outcome instanceof Promise ? undefined : this.outcome;
  }

  acknowledge(): void {
    this.ledger?.acknowledge();
  }
}

/** Closes an event's ledger entry once its handlers settled: now for nearly every event, with no promise. */
function ended(run: EventRun, ledger: DeliveryLedger): EventRun {
  if (run.settled === SETTLED) ledger.finish();
  else void run.settled.then(() => ledger.finish());
  return run;
}

/** The shutdown log line: how many events a stop loses now (acknowledged) and how many Meta delivers again. */
function unhandledAtShutdown(counts: PendingCounts, shutdownTimeout: number): string {
  const { acknowledged, acknowledgedRunning, acknowledgedWaiting, total } = counts;
  const lost =
    acknowledged === 0
      ? 'no acknowledged event was left unhandled'
      : `${acknowledged} acknowledged ${acknowledged === 1 ? 'event was' : 'events were'} not handled (${acknowledgedRunning} still running, ${acknowledgedWaiting} not started): Meta will not deliver them again`;
  const unacknowledged = total - acknowledged;
  const retried = unacknowledged === 0 ? '' : `; ${unacknowledged} more ${unacknowledged === 1 ? 'was' : 'were'} not acknowledged yet, so Meta delivers ${unacknowledged === 1 ? 'it' : 'them'} again`;
  return `Gave up waiting for handlers after shutdownTimeout (${shutdownTimeout} ms): ${lost}${retried}`;
}
