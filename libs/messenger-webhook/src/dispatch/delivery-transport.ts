import type { DispatchSummary } from './messenger-dispatcher.js';
import type { PreparedDelivery } from './prepared-event.js';

/**
 * Where read deliveries go when they are not scheduled in this process: queue mode hands them to Redis. Chosen once,
 * at module init; the dispatcher keeps reading and classifying, the transport only decides where events wait.
 */
export interface DeliveryTransport {
  /**
   * Takes every event of the delivery over and resolves once each one is durably accepted (the summary counts what it
   * accepted and what it dropped as redeliveries). Rejects with {@link DeliveryRefusedError} when it cannot.
   */
  deliver(delivery: PreparedDelivery, summary: DispatchSummary): Promise<DispatchSummary>;
}

/** A delivery the transport could not take (Redis unreachable, a worker-only instance): the webhook answers `503`. */
export class DeliveryRefusedError extends Error {
  override readonly name = 'DeliveryRefusedError';
}
