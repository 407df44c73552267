/**
 * The app of the chaos test, run as a child process (compiled by the test): `ROLE=edge` listens on a free port and
 * enqueues; `ROLE=worker` handles, recording each start and end of a handler in Redis so the test can check order,
 * overlap and loss across processes, whichever of them is killed.
 */
import 'reflect-metadata';
import { Inject, Injectable, Module, type OnModuleDestroy } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Redis } from 'ioredis';
import { MessengerWebhookModule, OnMessage, type MessageEvent, type MessengerContext } from 'nestjs-messenger-webhook';

const role = process.env.ROLE === 'edge' ? 'edge' : 'worker';
const instance = process.env.INSTANCE ?? role;
const redisUrl = process.env.REDIS_URL!;
const RECORDER = 'RECORDER';

@Injectable()
class Recorder implements OnModuleDestroy {
  readonly redis = new Redis(redisUrl, { maxRetriesPerRequest: null });

  onModuleDestroy(): void {
    this.redis.disconnect();
  }
}

@Injectable()
class ChaosBot {
  constructor(@Inject(RECORDER) private readonly recorder: Recorder) {}

  @OnMessage()
  async onMessage(event: MessageEvent, ctx: MessengerContext) {
    const conversation = event.sender?.id ?? 'nobody';
    const text = event.message.text ?? '';
    await this.recorder.redis.rpush(`chaos:log:${conversation}`, `start ${text} ${instance} ${ctx.eventId}`);
    // Some handlers take a while, so a kill lands mid-handler and conversations overlap in time.
    if (Number(text.split('#')[1]) % 7 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await this.recorder.redis.multi().rpush(`chaos:log:${conversation}`, `end ${text} ${instance} ${ctx.eventId}`).sadd('chaos:done', text).exec();
  }
}

const queue = {
  connection: redisUrl,
  name: process.env.QUEUE_NAME ?? 'chaos',
  role,
  concurrency: 8,
  lockDuration: 1_500,
} as const;

@Module({
  imports: [MessengerWebhookModule.forRoot({ verifyToken: 'chaos-token', appSecret: 'chaos-secret', queue })],
  providers: role === 'worker' ? [ChaosBot, { provide: RECORDER, useClass: Recorder }] : [],
})
class ChaosModule {}

async function main(): Promise<void> {
  if (role === 'edge') {
    const app = await NestFactory.create<NestExpressApplication>(ChaosModule, { rawBody: true, logger: ['error', 'warn'] });
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as { port: number };
    process.send?.({ type: 'ready', port });
    process.on('message', (message: { type?: string }) => message.type === 'stop' && void app.close().then(() => process.exit(0)));
  } else {
    const app = await NestFactory.createApplicationContext(ChaosModule, { logger: ['error', 'warn'] });
    process.send?.({ type: 'ready' });
    process.on('message', (message: { type?: string }) => message.type === 'stop' && void app.close().then(() => process.exit(0)));
  }
}

void main();
