import type { Redis as RedisClient } from 'ioredis';
import { DeadLetterBox } from './dead-letter-box.js';
import { DrainJobs } from './drain-jobs.js';
import { loadDrivers } from './drivers.js';
import { MailboxStore } from './mailbox-store.js';
import { describeConnection, openRedis, whenReady } from './redis-connection.js';

/** A queue opened outside Nest (the CLI): its dead letters and a way to close it. */
export interface QueueAdmin {
  readonly deadLetters: DeadLetterBox;
  /** Where it points, without the password. */
  readonly describe: string;
  close(): Promise<void>;
}

/** Opens the queue `prefix:name` on the Redis at `url` for administration; fails after 5 s if Redis is not there. */
export async function openQueueAdmin(url: string, prefix: string, name: string): Promise<QueueAdmin> {
  const drivers = await loadDrivers();
  const client: RedisClient = openRedis(drivers, url, { maxRetriesPerRequest: 1, retryStrategy: () => null, lazyConnect: false });
  client.on('error', () => {});
  const describe = `${describeConnection(url)} queue "${prefix}:${name}"`;
  try {
    await whenReady(client, 5_000);
  } catch (error) {
    client.disconnect();
    // ioredis' messages name the host and the command, never the password.
    throw new Error(`cannot reach Redis at ${describeConnection(url)}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const queue = new drivers.bullmq.Queue(name, { connection: client, prefix });
  queue.on('error', () => {});
  return {
    deadLetters: new DeadLetterBox(new MailboxStore(client, prefix, name), new DrainJobs(queue)),
    describe,
    close: async () => {
      await queue.close().catch(() => {});
      await client.quit().catch(() => client.disconnect());
    },
  };
}
