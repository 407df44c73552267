import { MessengerDeadLetters } from './dead-letters.js';
import { MessengerQueue } from './messenger-queue.js';
import { MessengerQueueMetrics } from './queue-metrics.js';

/** Queue mode's providers: always registered (they load nothing until `queue` is configured), so they can be injected. */
export const QUEUE_PROVIDERS = [MessengerQueue, MessengerDeadLetters, MessengerQueueMetrics];
