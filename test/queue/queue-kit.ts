import { Logger, type INestApplication, type INestApplicationContext, type LoggerService, type ModuleMetadata, type Provider } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { MessengerWebhookModule, type MessengerQueueOptions, type MessengerWebhookOptions } from 'nestjs-messenger-webhook';
import { createMessengerTestClient, type MessengerTestClient } from 'nestjs-messenger-webhook/testing';
import { APP_SECRET, createTestApp, VERIFY_TOKEN, type AdapterName } from '../support/app.js';

let queueSequence = 0;

/** A queue name no other test of this process uses, so tests sharing one Redis never see each other's events. */
export function uniqueQueueName(label: string): string {
  queueSequence += 1;
  return `${label}-${process.pid}-${queueSequence}`;
}

/** The module options of a queue-mode test app. */
export function queueModule(queue: MessengerQueueOptions, extra: Partial<MessengerWebhookOptions> = {}) {
  return MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, shutdownTimeout: 5_000, ...extra, queue });
}

/** An HTTP app in queue mode and the testing kit's client for it; `send()` resolves once the events are in Redis. */
export interface QueueApp {
  app: INestApplication;
  client: MessengerTestClient;
}

/** An HTTP app in queue mode (edge, or both), initialised (a `'both'` app's worker runs from now on). */
export async function startQueueApp(
  queue: MessengerQueueOptions,
  metadata: ModuleMetadata,
  options: { adapter?: AdapterName; logger?: LoggerService; extra?: Partial<MessengerWebhookOptions> } = {},
): Promise<QueueApp> {
  const app = await createTestApp(options.adapter ?? 'express', { ...metadata, imports: [queueModule(queue, options.extra), ...(metadata.imports ?? [])] }, { logger: options.logger });
  await app.init();
  return { app, client: createMessengerTestClient(app) };
}

/** A worker with no HTTP at all: an application context, as `NestFactory.createApplicationContext(AppModule)` gives. */
export async function startQueueWorker(
  queue: MessengerQueueOptions,
  providers: Provider[],
  options: { logger?: LoggerService; extra?: Partial<MessengerWebhookOptions> } = {},
): Promise<INestApplicationContext> {
  const moduleRef = await Test.createTestingModule({ imports: [queueModule({ role: 'worker', ...queue }, options.extra)], providers }).compile();
  moduleRef.useLogger(options.logger ?? false);
  if (!options.logger) Logger.overrideLogger(false);
  return moduleRef.init();
}

/**
 * Polls `check` every 10 ms until it returns true, failing after `timeoutMs` with `describe()` saying what was seen:
 * the queue is asynchronous by design, so tests wait on what a user would observe, never on a fixed sleep.
 */
export async function eventually(check: () => boolean | Promise<boolean>, describe: () => string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms: ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
