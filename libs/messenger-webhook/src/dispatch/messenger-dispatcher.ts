import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { slotPath, type WebhookEnvelope } from '../delivery/envelope.js';
import { MessengerHandlerRegistry } from '../handlers/handler-registry.js';
import { MESSENGER_WEBHOOK_CONFIG } from '../messenger-webhook.constants.js';
import type { ResolvedMessengerWebhookConfig } from '../messenger-webhook.options.js';
import { ConversationScheduler } from './conversation-scheduler.js';
import { EventRunner, type EventResult } from './event-runner.js';
import { FailureReporter } from './failure-reporter.js';
import type { HandlerFailure } from './handler-failure.js';
import { HandlerWatchdog } from './handler-watchdog.js';
import { InvalidEventReporter, InvalidEventTally, type InvalidEventReport } from './invalid-event-reporter.js';
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
  private readonly runner: EventRunner;
  private readonly invalidReporter: InvalidEventReporter;
  private closing = false;

  /** Every handler failure no exception filter handled, as it happens (send them to your error tracker). */
  readonly failures$: Observable<HandlerFailure>;

  /** Every event that could not be read, as it is met (whether delivered as `InvalidEvent` or skipped). */
  readonly invalidEvents$: Observable<InvalidEventReport>;

  constructor(
    @Inject(MESSENGER_WEBHOOK_CONFIG) private readonly config: ResolvedMessengerWebhookConfig,
    registry: MessengerHandlerRegistry,
  ) {
    this.reporter = new FailureReporter(this.logger, config.onHandlerError);
    this.failures$ = this.reporter.failures$;
    this.scheduler = new ConversationScheduler(config.concurrency);
    this.redeliveries = config.dedupe ? new RedeliveryFilter(config.dedupe.store, config.dedupe.ttl, this.logger) : null;
    const watchdog = config.handlerTimeout > 0 ? new HandlerWatchdog(config.handlerTimeout) : null;
    this.invalidReporter = new InvalidEventReporter(this.logger, config.onInvalidEvent);
    this.invalidEvents$ = this.invalidReporter.invalidEvents$;
    this.runner = new EventRunner(registry, this.reporter, watchdog, config, this.logger, this.invalidReporter);
  }

  /** True once the app is shutting down: new deliveries should be refused so Meta redelivers them later. */
  get isClosing(): boolean {
    return this.closing;
  }

  /** Dispatches every event of a delivery; resolves once each handler call settled (or timed out). Never rejects. */
  async dispatch(envelope: WebhookEnvelope): Promise<DispatchSummary> {
    const summary: DispatchSummary = { events: 0, dispatched: 0, invalid: 0, duplicates: 0, handlerCalls: 0, failures: 0 };
    const delivery = prepareDelivery(envelope);
    if (!delivery.platform) {
      this.logger.warn(`Ignored a delivery for object "${envelope.object.slice(0, 40)}": only "page" and "instagram" are handled`);
      return summary;
    }
    summary.events = delivery.events.length;
    const results = await Promise.all(delivery.events.map((prepared) => this.scheduler.schedule(prepared.conversationKey, () => this.process(prepared))));
    const tally = new InvalidEventTally();
    for (const result of results) {
      if (result.outcome === 'duplicate') summary.duplicates++;
      else if (result.outcome !== 'skipped') summary.dispatched++;
      if (result.invalid) {
        summary.invalid++;
        tally.add(result.invalid);
      }
      summary.handlerCalls += result.handlerCalls;
      summary.failures += result.failures;
    }
    const warning = tally.line(this.config.invalidEvents === 'deliver');
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
    if (gaveUp) this.logger.warn(`Shut down with ${this.scheduler.pending} events still being handled after ${this.config.shutdownTimeout} ms`);
  }

  /** One event's turn in its conversation: drop a redelivery, else run it. Never rejects. */
  private async process(prepared: PreparedEvent): Promise<EventResult> {
    try {
      if (this.redeliveries && (await this.redeliveries.isRedelivery(prepared))) return { outcome: 'duplicate', handlerCalls: 0, failures: 0 };
      return await this.runner.run(prepared);
    } catch (error) {
      // Only a bug of the library could land here; it must cost neither the other events nor the process.
      this.logger.error(`Could not dispatch the ${prepared.definition.kind} event at ${slotPath(prepared.slot)}: ${error instanceof Error ? error.message : String(error)}`);
      return { outcome: 'handled', handlerCalls: 0, failures: 0 };
    }
  }
}
