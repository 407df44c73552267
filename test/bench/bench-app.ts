/**
 * The bench apps, shared by `server.ts` (over HTTP) and diagnosis tools that drive them in-process:
 * (a) a bare Nest route that parses the JSON body, (b) the module with one no-op `@OnMessage()` handler.
 */
import 'reflect-metadata';
import { Body, Controller, HttpCode, Injectable, Module, Post, type INestApplication, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { MessengerWebhookModule, OnMessage, type MessengerWebhookOptions } from 'nestjs-messenger-webhook';
import { APP_SECRET, VERIFY_TOKEN } from './payload.js';

/** The HTTP adapter the app runs on. */
export type AdapterName = 'express' | 'fastify';
/** Which app: the bare framework route, or the library. */
export type ServerKind = 'bare' | 'lib';

const LOGGER: LogLevel[] = ['error', 'warn'];

/** Counts handler calls so the parent can check that every event really reached a handler. */
let handlerCalls = 0;

/** Handler calls so far, in this process. */
export function handlerCallCount(): number {
  return handlerCalls;
}

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

/**
 * Creates (does not listen) one bench app: `flags` (lib only) are `dedupe` (keep the default dedupe on),
 * `no-validate`, `no-signature`, `page-tokens` (a map of page tokens: handlers run in the client's page scope).
 */
export async function createBenchApp(adapter: AdapterName, kind: ServerKind, flags: readonly string[] = []): Promise<INestApplication> {
  const root = kind === 'bare' ? BareModule : libModule(flags);
  if (adapter === 'fastify') {
    return NestFactory.create<NestFastifyApplication>(root, new FastifyAdapter(), { rawBody: true, logger: LOGGER });
  }
  const expressApp = await NestFactory.create<NestExpressApplication>(root, { rawBody: true, logger: LOGGER });
  expressApp.useBodyParser('json', { limit: '2mb' });
  return expressApp;
}
