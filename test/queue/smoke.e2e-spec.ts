import { Injectable } from '@nestjs/common';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { OnMessage, type MessageEvent, type MessengerContext } from 'nestjs-messenger-webhook';
import { delivery } from '../support/app.js';
import { message } from '../support/events.js';
import { startRedis, type TestRedis } from '../support/redis-server.js';
import { eventually, startQueueServer, uniqueQueueName } from './queue-kit.js';

const seen: string[] = [];
@Injectable()
class Bot {
  @OnMessage() on(event: MessageEvent, ctx: MessengerContext) {
    seen.push(`${event.message.text}:${ctx.eventId}`);
  }
}

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

it('smoke', async () => {
  const server = await startQueueServer({ connection: redis.url, name: uniqueQueueName('smoke') }, { providers: [Bot] });
  try {
    const response = await server.post(delivery([message({ text: 'a' }), message({ text: 'b' })]));
    expect(response.status).toBe(200);
    await eventually(() => seen.length === 2, () => JSON.stringify(seen));
    console.log(seen);
  } finally {
    await server.close();
  }
});
