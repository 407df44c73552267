import type * as BullMQ from 'bullmq';
import type { Redis as RedisClient, RedisOptions } from 'ioredis';

/** The two optional peer dependencies of queue mode, loaded only when `queue` is configured. */
export interface QueueDrivers {
  readonly bullmq: typeof BullMQ;
  readonly Redis: new (options: RedisOptions) => RedisClient;
}

let loading: Promise<QueueDrivers> | undefined;

/**
 * Imports `bullmq` and `ioredis` on first use. An app without `queue` never reaches this, so it needs neither installed;
 * an app with `queue` but without them gets a message saying what to install.
 */
export function loadDrivers(): Promise<QueueDrivers> {
  loading ??= Promise.all([import('bullmq'), import('ioredis')]).then(
    ([bullmq, ioredis]) => {
      const namespace = ioredis as unknown as { Redis?: QueueDrivers['Redis']; default?: QueueDrivers['Redis'] };
      const Redis = namespace.Redis ?? namespace.default;
      if (typeof Redis !== 'function') throw new Error('MessengerWebhookModule: the installed ioredis does not export Redis (ioredis 5 or later is needed)');
      return { bullmq, Redis };
    },
    (error: unknown) => {
      loading = undefined;
      throw new Error(
        `MessengerWebhookModule: queue mode needs the optional peer dependencies bullmq and ioredis (npm install bullmq ioredis): ${error instanceof Error ? error.message : String(error)}`,
      );
    },
  );
  return loading;
}
