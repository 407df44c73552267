import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import type { Queue, Worker } from 'bullmq';
import type { Redis as RedisClient } from 'ioredis';
import { MessengerDispatcher } from '../dispatch/messenger-dispatcher.js';
import { MESSENGER_WEBHOOK_CONFIG } from '../messenger-webhook.constants.js';
import type { ResolvedMessengerWebhookConfig } from '../messenger-webhook.options.js';
import { ConversationDrain } from './conversation-drain.js';
import { DrainJobs, type DrainJobData } from './drain-jobs.js';
import { loadDrivers } from './drivers.js';
import { MailboxStore } from './mailbox-store.js';
import { QueueEdge, WorkerOnlyTransport } from './queue-edge.js';
import type { ResolvedQueueOptions } from './queue-options.js';
import { RateLimitedLog } from './rate-limited-log.js';
import { describeConnection, openRedis, whenReady } from './redis-connection.js';

/** How long closing waits for a Redis client to quit politely before it drops the connection. */
const CLIENT_CLOSE_MS = 2_000;

/** Whether `work` settles (resolved or rejected) within `ms`; a later rejection is ignored. */
async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(resolve, ms, false);
  });
  const settled = work.then(
    () => true,
    () => true,
  );
  const outcome = await Promise.race([settled, timedOut]);
  clearTimeout(timer);
  return outcome;
}

/** What the queue services read: the store and the drain scheduler of the running queue (internal). */
export interface QueueHandles {
  readonly mailboxes: MailboxStore;
  readonly drains: DrainJobs;
  readonly queue: Queue;
  readonly options: ResolvedQueueOptions;
}

/**
 * Queue mode's life cycle: at module init it loads bullmq and ioredis (only when `queue` is configured), opens the
 * Redis clients and hands the dispatcher the edge transport; once the app is bootstrapped (handlers discovered) it
 * starts the BullMQ worker; `app.close()` lets the worker finish the events it is handling, then closes everything.
 */
@Injectable()
export class MessengerQueue implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new Logger('MessengerWebhook');
  private readonly options: ResolvedQueueOptions | null;
  private handles: QueueHandles | null = null;
  private clients: RedisClient[] = [];
  private worker: Worker | null = null;
  private drain: ConversationDrain | null = null;
  private reconciler: NodeJS.Timeout | undefined;
  private readonly connectionLog = new RateLimitedLog((message) => this.logger.error(message));

  constructor(
    @Inject(MESSENGER_WEBHOOK_CONFIG) private readonly config: ResolvedMessengerWebhookConfig,
    private readonly dispatcher: MessengerDispatcher,
  ) {
    this.options = config.queue;
  }

  /** The running queue; throws a clear error when queue mode is off (internal). */
  get running(): QueueHandles {
    if (!this.handles) throw new Error('MessengerWebhookModule: queue mode is off (set the queue option of forRoot) or not started yet');
    return this.handles;
  }

  /** Opens Redis and routes deliveries to it. */
  async onModuleInit(): Promise<void> {
    const options = this.options;
    if (!options) return;
    const drivers = await loadDrivers();
    // Commands wait through a short Redis blip, but not forever: the edge checks the status and answers 503 at once.
    const client = this.track(openRedis(drivers, options.connection, { maxRetriesPerRequest: 2, lazyConnect: false }));
    const queue = new drivers.bullmq.Queue(options.name, {
      connection: client,
      prefix: options.prefix,
      // BullMQ's event stream is for QueueEvents listeners, which queue mode does not use: keep it short.
      streams: { events: { maxLen: 100 } },
    });
    queue.on('error', (error) => this.connectionLog.say(`Queue: ${error.message}`));
    const mailboxes = new MailboxStore(client, options.prefix, options.name);
    const drains = new DrainJobs(queue);
    this.handles = { mailboxes, drains, queue, options };
    if (options.role === 'worker') {
      this.dispatcher.useTransport(new WorkerOnlyTransport(this.logger));
    } else {
      const dedupeTtl = this.config.dedupe ? options.dedupeTtl : 0;
      this.dispatcher.useTransport(new QueueEdge(client, mailboxes, drains, { dedupeTtl, enqueueTimeout: options.enqueueTimeout, gatherMs: options.gatherMs }, this.logger));
    }
    this.logger.log(`Queue mode (${options.role}) on ${describeConnection(options.connection)}, queue "${options.prefix}:${options.name}"`);
    // Start-up waits a little for Redis so the first deliveries are not refused, but never fails for it: the edge
    // answers 503 and the worker waits until Redis is there.
    await whenReady(client, options.enqueueTimeout).catch((error: Error) => this.connectionLog.say(`Queue: ${error.message}; deliveries get 503 until it is reachable`));
  }

  /** Starts the worker once every handler has been discovered. */
  async onApplicationBootstrap(): Promise<void> {
    const options = this.options;
    if (!options || options.role === 'edge' || !this.handles) return;
    const drivers = await loadDrivers();
    // BullMQ's worker needs commands that wait for Redis to come back rather than fail (maxRetriesPerRequest: null).
    const client = this.track(openRedis(drivers, options.connection, { maxRetriesPerRequest: null }));
    const mailboxes = new MailboxStore(client, options.prefix, options.name);
    const drain = new ConversationDrain(mailboxes, this.handles.drains, this.dispatcher.runner, this.dispatcher.failures$, options, this.logger);
    this.drain = drain;
    this.worker = new drivers.bullmq.Worker<DrainJobData>(options.name, (job) => drain.process(job), {
      connection: client,
      prefix: options.prefix,
      concurrency: options.concurrency,
      lockDuration: options.lockDuration,
      stalledInterval: options.lockDuration,
      // The drain counts starts itself and dead-letters an event that keeps killing its worker; BullMQ must never
      // fail a drain job for stalling, or its conversation would wait for the reconciler.
      maxStalledCount: Number.MAX_SAFE_INTEGER,
    });
    this.worker.on('error', (error) => this.connectionLog.say(`Queue worker: ${error.message}`));
    this.worker.on('failed', (job, error) => this.logger.error(`Queue: drain job ${job?.id ?? ''} failed: ${error.message}`));
    this.reconciler = setInterval(() => void this.reconcile(), Math.max(options.lockDuration, 5_000));
    this.reconciler.unref();
  }

  /** Lets the worker finish the events it is handling (bounded by `shutdownTimeout`), then stops it. */
  async onModuleDestroy(): Promise<void> {
    clearInterval(this.reconciler);
    const worker = this.worker;
    if (!worker) return;
    this.drain?.close();
    if (!(await settlesWithin(worker.close(), this.config.shutdownTimeout))) {
      this.logger.warn(
        `Queue: the worker did not stop within shutdownTimeout (${this.config.shutdownTimeout} ms): handlers still running, or Redis not answering; ` +
          'the events it held will run again on another worker',
      );
      // BullMQ's close(true) does not cut short a close already waiting for the running jobs (it returns that close):
      // cut the worker's connections instead. A handler still running then cannot acknowledge its event, which runs
      // again on another worker once its lock expires.
      await settlesWithin(worker.disconnect(), CLIENT_CLOSE_MS);
    }
    this.drain?.dispose();
  }

  /** Closes the queue and the Redis clients once the HTTP server stopped taking deliveries (without waiting for a Redis that is gone). */
  async onApplicationShutdown(): Promise<void> {
    await settlesWithin(this.handles?.queue.close() ?? Promise.resolve(), CLIENT_CLOSE_MS);
    await Promise.all(
      this.clients.map(async (client) => {
        if (client.status === 'ready' && (await settlesWithin(client.quit(), CLIENT_CLOSE_MS))) return;
        client.disconnect();
      }),
    );
    this.clients = [];
  }

  /**
   * A conversation with events waiting whose owning drain job is gone (an edge or a worker that died between claiming
   * it and adding the job, a drain job that failed for good, keys deleted by hand) gets a new one. The edge and the
   * drains keep that from happening; this is the safety net, and it costs one ZRANGEBYSCORE when all is well.
   */
  private async reconcile(): Promise<void> {
    if (!this.handles) return;
    const { mailboxes, drains, options } = this.handles;
    try {
      const stale = await mailboxes.staleConversations(Date.now() - Math.max(2 * options.lockDuration, 30_000), 100);
      const owners = await mailboxes.owners(stale);
      const orphans: Array<[string, string]> = [];
      for (const [index, conversation] of stale.entries()) {
        const owner = owners[index] ?? '';
        if (owner === '' || !(await drains.alive(owner))) orphans.push([conversation, owner]);
      }
      if (orphans.length === 0) return;
      const job = drains.newId();
      const claimed = await mailboxes.claim(job, orphans);
      if (claimed.length === 0) return;
      this.logger.warn(`Queue: ${claimed.length} conversation(s) had events waiting and no drain job; scheduled one`);
      await drains.addOne(job, claimed);
    } catch (error) {
      this.connectionLog.say(`Queue: could not check for waiting conversations: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private track(client: RedisClient): RedisClient {
    // ioredis emits 'error' on every failed reconnect; unheard, it prints each one. One line a minute says enough.
    client.on('error', (error: Error) => this.connectionLog.say(`Queue: Redis connection error: ${error.message}`));
    this.clients.push(client);
    return client;
  }
}
