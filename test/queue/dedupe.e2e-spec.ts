import { Injectable } from '@nestjs/common';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessengerWebhookModule, OnMessage, RedisDedupeStore, type MessageEvent, type MessengerContext } from 'nestjs-messenger-webhook';
import { APP_SECRET, delivery, startServer, VERIFY_TOKEN, type TestServer } from '../support/app.js';
import { message } from '../support/events.js';
import { startRedis, type TestRedis } from '../support/redis-server.js';
import { eventually, startQueueServer, uniqueQueueName } from './queue-kit.js';

const handled: Array<{ text: string; eventId: string }> = [];

@Injectable()
class CountingBot {
  @OnMessage()
  onMessage(event: MessageEvent, ctx: MessengerContext) {
    handled.push({ text: event.message.text ?? '', eventId: ctx.eventId });
  }
}

describe('redeliveries across instances', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('queue mode: a redelivery reaching another instance, at once or later, is dropped; every instance names it by the same id', async () => {
    const queue = { connection: redis.url, name: uniqueQueueName('dedupe') };
    const instances: TestServer[] = [await startQueueServer(queue, { providers: [CountingBot] }), await startQueueServer(queue, { providers: [CountingBot] })];
    try {
      const body = delivery([message({ sender: 'DUP', text: 'once', mid: 'm.dup.1' }), message({ sender: 'DUP', text: 'twice', mid: 'm.dup.2' })]);
      // Meta retrying while the first delivery is still in flight, to another replica.
      const answers = await Promise.all([instances[0]!.post(body), instances[1]!.post(body), instances[1]!.post(body)]);
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
      await eventually(() => handled.length >= 2, () => JSON.stringify(handled));
      // Later: a retry a day later still lands within the dedupe window.
      expect((await instances[0]!.post(body)).status).toBe(200);
      // A marker event of the same conversation, sent last: once it is handled, anything before it would have been too.
      expect((await instances[1]!.post(delivery([message({ sender: 'DUP', text: 'marker' })]))).status).toBe(200);
      await eventually(() => handled.some((entry) => entry.text === 'marker'), () => JSON.stringify(handled));
      expect(handled.map((entry) => entry.text)).toEqual(['once', 'twice', 'marker']);
      expect(handled[0]!.eventId).toMatch(/^[\w-]{22}$/);
    } finally {
      for (const instance of instances) await instance.close();
    }
  });

  it('in-process with RedisDedupeStore: replicas share the redelivery marks', async () => {
    handled.length = 0;
    const clients = [new Redis(redis.url), new Redis(redis.url)];
    const start = (client: Redis) =>
      startServer('express', {
        imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, dedupe: { store: new RedisDedupeStore(client, 'test:seen:'), ttl: 60_000 } })],
        providers: [CountingBot],
      });
    const replicas = [await start(clients[0]!), await start(clients[1]!)];
    try {
      const body = delivery([message({ sender: 'REPLICA', text: 'in-process once', mid: 'm.replica.1' })]);
      for (const replica of [...replicas, ...replicas]) expect((await replica.post(body)).status).toBe(200);
      expect(handled.map((entry) => entry.text)).toEqual(['in-process once']);
      expect(await clients[0]!.exists('test:seen:page|PAGE_1|message|m|m.replica.1|')).toBe(1);
    } finally {
      for (const replica of replicas) await replica.close();
      for (const client of clients) client.disconnect();
    }
  });
});
