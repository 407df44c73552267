import 'reflect-metadata';
import { Logger, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';
import { BotConfig } from './bot.config.js';

async function createApp(config: BotConfig): Promise<INestApplication> {
  if (config.adapter === 'fastify') {
    // Loaded only when asked for, so the default Express setup needs no Fastify install.
    const { FastifyAdapter } = await import('@nestjs/platform-fastify');
    return NestFactory.create(AppModule, new FastifyAdapter({ bodyLimit: 1024 * 1024 }), { rawBody: true });
  }
  // rawBody: true is required: the signature is computed over the exact bytes Meta sent.
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { rawBody: true });
  // Express parses JSON up to 100 kB by default; Meta batches can be larger.
  app.useBodyParser('json', { limit: '1mb' });
  return app;
}

async function bootstrap(): Promise<void> {
  const logger = new Logger('ExampleBot');
  const config = new BotConfig();
  if (config.queue && config.queueRole === 'worker') {
    // A queue worker needs no HTTP server: an application context runs the handlers.
    const worker = await NestFactory.createApplicationContext(AppModule);
    worker.enableShutdownHooks();
    config.describe(logger);
    logger.log('Queue worker ready: handling events enqueued by the edge');
    return;
  }
  const app = await createApp(config);
  app.enableShutdownHooks();
  await app.listen(config.port);
  config.describe(logger);
  logger.log(`Webhook ready on http://localhost:${config.port}/webhook (${config.adapter})`);
  logger.log(`Try it: npm run simulate   (or see the README for curl commands)`);
}

void bootstrap();
