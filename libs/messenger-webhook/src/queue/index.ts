export { MessengerDeadLetters, type DeadLetter } from './dead-letters.js';
export { MessengerQueueMetrics, type QueueSnapshot } from './queue-metrics.js';
export type { DeadLetterPolicy, MessengerQueueOptions, QueueBackoff, QueueRedisClient, QueueRedisOptions, QueueRole } from './queue-options.js';
export { RedisDedupeStore, type RedisSetClient } from './redis-dedupe-store.js';
