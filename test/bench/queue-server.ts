/**
 * A process of the queue bench, forked by `queue-bench.mjs`: `node queue-server.js <edge|worker|inprocess> <adapter> <redisUrl> <queueName>`.
 * `edge` enqueues (HTTP); `worker` runs a no-op handler (no HTTP); `inprocess` is the same app without `queue`, the
 * baseline. Reports `ready` (with the port), answers `stats` with its CPU time and handler calls, closes on `stop`.
 */
import 'reflect-metadata';
import { Injectable, Module, type INestApplication, type INestApplicationContext, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { MessengerWebhookModule, OnMessage, type MessengerWebhookOptions } from 'nestjs-messenger-webhook';
import { APP_SECRET, VERIFY_TOKEN } from './payload.js';

const LOGGER: LogLevel[] = ['error', 'warn'];
let handlerCalls = 0;

@Injectable()
class NoopBot {
  @OnMessage()
  onMessage(): void {
    handlerCalls++;
  }
}

async function main(): Promise<void> {
  const [role, adapter, redisUrl, queueName] = process.argv.slice(2) as ['edge' | 'worker' | 'inprocess', 'express' | 'fastify', string, string];
  const options: MessengerWebhookOptions = { verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET };
  if (role !== 'inprocess') options.queue = { connection: redisUrl.startsWith('/') ? { path: redisUrl } : redisUrl, name: queueName, role, concurrency: 32, ...(process.env.BENCH_GATHER_MS ? { gatherMs: Number(process.env.BENCH_GATHER_MS) } : {}) };
  @Module({ imports: [MessengerWebhookModule.forRoot(options)], providers: role === 'edge' ? [] : [NoopBot] })
  class BenchModule {}
  let app: INestApplication | INestApplicationContext;
  let port = 0;
  if (role === 'worker') {
    app = await NestFactory.createApplicationContext(BenchModule, { logger: LOGGER });
  } else {
    const http =
      adapter === 'fastify'
        ? await NestFactory.create<NestFastifyApplication>(BenchModule, new FastifyAdapter({ bodyLimit: 2 * 1024 * 1024 }), { rawBody: true, logger: LOGGER })
        : await NestFactory.create<NestExpressApplication>(BenchModule, { rawBody: true, logger: LOGGER });
    if (adapter === 'express') (http as NestExpressApplication).useBodyParser('json', { limit: '2mb' });
    await http.listen(0, '127.0.0.1');
    port = (http.getHttpServer().address() as { port: number }).port;
    app = http;
  }
  process.on('message', (message: { type?: string }) => {
    if (message.type === 'stats') process.send?.({ type: 'stats', cpu: process.cpuUsage(), handlerCalls });
    else if (message.type === 'stop') void app.close().finally(() => process.exit(0));
  });
  process.on('disconnect', () => process.exit(0));
  process.send?.({ type: 'ready', port });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
