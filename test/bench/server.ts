/**
 * One bench server, run as a child process of `run.mjs` (`fork`): `node server.js <express|fastify> <bare|lib> [flags]`,
 * flags (lib only, for ablation runs): `dedupe` (keep the default dedupe on), `no-validate`, `no-signature`, `page-tokens`
 * (a map of page tokens: handlers run in the client's page scope).
 * It reports its port once listening, answers `stats` requests with its CPU time and handler calls, and closes on `stop`.
 */
import 'reflect-metadata';
import { Body, Controller, HttpCode, Injectable, Module, Post, type INestApplication, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { MessengerWebhookModule, OnMessage, type MessengerWebhookOptions } from 'nestjs-messenger-webhook';
import { APP_SECRET, VERIFY_TOKEN } from './payload.js';

/** Messages exchanged with `run.mjs` over the IPC channel. */
export type ServerMessage =
  | { type: 'ready'; port: number }
  | { type: 'stats'; cpu: NodeJS.CpuUsage; handlerCalls: number; rssMb: number };

type AdapterName = 'express' | 'fastify';
type ServerKind = 'bare' | 'lib';

const LOGGER: LogLevel[] = ['error', 'warn'];

/** Counts handler calls so the parent can check that every event really reached a handler. */
let handlerCalls = 0;

/** (a) The framework alone: one route, Nest parses the JSON body, the answer is 200. */
@Controller()
class BareWebhookController {
  @Post('webhook')
  @HttpCode(200)
  receive(@Body() body: unknown): string {
    if (body !== undefined) handlerCalls++;
    return 'EVENT_RECEIVED';
  }
}

@Module({ controllers: [BareWebhookController] })
class BareModule {}

/** (b) The library's no-op handler. */
@Injectable()
class NoopBot {
  @OnMessage()
  onMessage(): void {
    handlerCalls++;
  }
}

/** Default options (signature check, validation), except that `dedupe: false` makes every repeated body do the full work. */
function libModule(flags: readonly string[]): new () => object {
  const options: MessengerWebhookOptions = { verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET };
  if (!flags.includes('dedupe')) options.dedupe = false;
  if (flags.includes('no-validate')) options.validateEvents = false;
  if (flags.includes('no-signature')) options.verifySignature = false;
  // The handler sends nothing: what a map of tokens changes is the page scope every handler then runs in.
  if (flags.includes('page-tokens')) options.pageAccessToken = { PAGE_1: 'bench-token-1', PAGE_2: 'bench-token-2' };
  @Module({ imports: [MessengerWebhookModule.forRoot(options)], providers: [NoopBot] })
  class LibModule {}
  return LibModule;
}

async function main(): Promise<void> {
  const [adapter, kind, ...flags] = process.argv.slice(2) as [AdapterName, ServerKind, ...string[]];
  if ((adapter !== 'express' && adapter !== 'fastify') || (kind !== 'bare' && kind !== 'lib')) {
    throw new Error('usage: server.js <express|fastify> <bare|lib> [dedupe] [no-validate] [no-signature] [page-tokens]');
  }
  const root = kind === 'bare' ? BareModule : libModule(flags);
  let app: INestApplication;
  if (adapter === 'fastify') {
    app = await NestFactory.create<NestFastifyApplication>(root, new FastifyAdapter(), { rawBody: true, logger: LOGGER });
  } else {
    const expressApp = await NestFactory.create<NestExpressApplication>(root, { rawBody: true, logger: LOGGER });
    expressApp.useBodyParser('json', { limit: '2mb' });
    app = expressApp;
  }
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  const send = (message: ServerMessage) => process.send?.(message);
  process.on('message', (message: { type?: string }) => {
    if (message.type === 'stats') {
      send({ type: 'stats', cpu: process.cpuUsage(), handlerCalls, rssMb: process.memoryUsage().rss / 2 ** 20 });
    } else if (message.type === 'stop') {
      void app.close().finally(() => process.exit(0));
    }
  });
  // Orphaned servers must not outlive the bench.
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', port });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
