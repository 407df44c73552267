/**
 * In-process bench of the per-event pipeline (no HTTP), run as a child process of `run.mjs` (`fork`, `--expose-gc`):
 * `node pipeline.js throughput <on|off> <seconds> [token|pages]` or `node pipeline.js heap <batches>`. Sends one result
 * over IPC. With `token` one `pageAccessToken` string is configured (no handler scope on Messenger events); with `pages`
 * a map of page tokens, so handlers run in the scope that gives page-less client calls the event's page
 * (`handler-scope.mjs` compares the three).
 */
import 'reflect-metadata';
import { Injectable, Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessengerDispatcher, MessengerWebhookModule, OnMessage, type DispatchSummary } from 'nestjs-messenger-webhook';
import { APP_SECRET, deliveryBody, VERIFY_TOKEN } from './payload.js';

/** Events per dispatched batch. */
const BATCH = 1000;
/** Distinct senders per batch, so the dispatcher's per-conversation ordering has several chains to juggle. */
const SENDERS = 20;

/** What a throughput run measured. */
export interface ThroughputResult {
  mode: 'throughput';
  validateEvents: boolean;
  /** The Send API client configured: none, one page token, or a map of page tokens (handlers then run in the page scope). */
  client: 'none' | 'token' | 'pages';
  events: number;
  seconds: number;
  eventsPerSecond: number;
  /** Events per second of this process's own CPU time (user + system), less sensitive to other load on the machine. */
  eventsPerCpuSecond: number;
  cpuMicrosPerEvent: number;
}

/** What the heap run measured: `heapUsed` after forced GC at checkpoints. */
export interface HeapResult {
  mode: 'heap';
  events: number;
  checkpoints: Array<{ events: number; heapUsedMb: number }>;
  growthMb: number;
  growthBytesPerEvent: number;
  /** Growth between the first checkpoint after warm-up and the last: flat means this stays near zero. */
  lateGrowthMb: number;
}

let handlerCalls = 0;

@Injectable()
class NoopBot {
  @OnMessage()
  onMessage(): void {
    handlerCalls++;
  }
}

async function boot(validateEvents: boolean, client: ThroughputResult['client'] = 'none'): Promise<{ context: INestApplicationContext; dispatcher: MessengerDispatcher }> {
  // The handler sends nothing: what differs with a client is only the scope handlers run in.
  const sendApi = client === 'token' ? { pageAccessToken: 'bench-page-token' } : client === 'pages' ? { pageAccessToken: { PAGE_1: 'a', PAGE_2: 'b' } } : {};
  @Module({
    imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, validateEvents, dedupe: false, ...sendApi })],
    providers: [NoopBot],
  })
  class PipelineModule {}
  const context = await NestFactory.createApplicationContext(PipelineModule, { logger: ['error', 'warn'] });
  await context.init();
  return { context, dispatcher: context.get(MessengerDispatcher) };
}

/** A run that loses events measures nothing: fail loudly. */
function check(summary: DispatchSummary): void {
  if (summary.events !== BATCH || summary.dispatched !== BATCH || summary.handlerCalls !== BATCH || summary.failures !== 0) {
    throw new Error(`dispatch did not handle every event: ${JSON.stringify(summary)}`);
  }
}

async function throughput(validateEvents: boolean, seconds: number, client: ThroughputResult['client']): Promise<ThroughputResult> {
  const { context, dispatcher } = await boot(validateEvents, client);
  const body = deliveryBody(BATCH, SENDERS) as Parameters<MessengerDispatcher['dispatch']>[0];
  const warmUntil = performance.now() + 1500;
  while (performance.now() < warmUntil) check(await dispatcher.dispatch(body));
  const callsBefore = handlerCalls;
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const end = start + seconds * 1000;
  let events = 0;
  while (performance.now() < end) {
    check(await dispatcher.dispatch(body));
    events += BATCH;
  }
  const elapsed = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  if (handlerCalls - callsBefore !== events) throw new Error(`expected ${events} handler calls, got ${handlerCalls - callsBefore}`);
  await context.close();
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return {
    mode: 'throughput',
    validateEvents,
    client,
    events,
    seconds: elapsed,
    eventsPerSecond: events / elapsed,
    eventsPerCpuSecond: events / cpuSeconds,
    cpuMicrosPerEvent: (cpuSeconds * 1e6) / events,
  };
}

async function settledHeap(dispatcher: MessengerDispatcher): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  await dispatcher.idle();
  // Several passes, with a turn of the event loop between, so finalised promises and weak refs are really gone.
  for (let pass = 0; pass < 4; pass++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed / 2 ** 20;
}

async function heap(batches: number): Promise<HeapResult> {
  const { context, dispatcher } = await boot(true);
  // Distinct mids in every batch, as real traffic has; the batch itself is garbage once dispatched.
  for (let batch = 0; batch < 20; batch++) check(await dispatcher.dispatch(deliveryBody(BATCH, SENDERS, -1 - batch) as never));
  const checkpoints = [{ events: 0, heapUsedMb: await settledHeap(dispatcher) }];
  const every = Math.max(1, Math.floor(batches / 4));
  for (let batch = 1; batch <= batches; batch++) {
    check(await dispatcher.dispatch(deliveryBody(BATCH, SENDERS, batch) as never));
    if (batch % every === 0 || batch === batches) checkpoints.push({ events: batch * BATCH, heapUsedMb: await settledHeap(dispatcher) });
  }
  await context.close();
  const first = checkpoints[0]!.heapUsedMb;
  const last = checkpoints.at(-1)!.heapUsedMb;
  return {
    mode: 'heap',
    events: batches * BATCH,
    checkpoints,
    growthMb: last - first,
    growthBytesPerEvent: ((last - first) * 2 ** 20) / (batches * BATCH),
    lateGrowthMb: last - checkpoints[1]!.heapUsedMb,
  };
}

async function main(): Promise<void> {
  const [mode, arg1, arg2, arg3] = process.argv.slice(2);
  const result = mode === 'throughput' ? await throughput(arg1 === 'on', Number(arg2 ?? 5), arg3 === 'token' || arg3 === 'pages' ? arg3 : 'none') : mode === 'heap' ? await heap(Number(arg1 ?? 1000)) : null;
  if (!result) throw new Error('usage: pipeline.js throughput <on|off> <seconds> [token|pages] | heap <batches>');
  if (process.send) process.send(result, () => process.exit(0));
  else console.log(JSON.stringify(result, null, 2));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
