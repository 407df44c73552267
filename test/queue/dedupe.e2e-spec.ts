import { Injectable } from '@nestjs/common';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessengerWebhookModule, OnMessage, RedisDedupeStore, type MessageEvent, type MessengerContext } from 'nestjs-messenger-webhook';
import { createMessengerTestClient, MessengerEvents, webhookBody } from 'nestjs-messenger-webhook/testing';
import { APP_SECRET, createTestApp, VERIFY_TOKEN } from '../support/app.js';
import { startRedis, type TestRedis } from '../support/redis-server.js';
import { eventually, startQueueApp, uniqueQueueName, type QueueApp } from './queue-kit.js';

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
    const instances: QueueApp[] = [await startQueueApp(queue, { providers: [CountingBot] }), await startQueueApp(queue, { providers: [CountingBot] })];
    const [first, second] = instances.map((instance) => instance.client);
    try {
      // One body, sent again and again as it is: what Meta does when it retries.
      const body = webhookBody([MessengerEvents.text('once', { sender: 'DUP', mid: 'm.dup.1' }), MessengerEvents.text('twice', { sender: 'DUP', mid: 'm.dup.2' })]);
      // Meta retrying while the first delivery is still in flight, to another replica.
      const answers = await Promise.all([first!.send(body), second!.send(body), second!.send(body)]);
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
      await eventually(() => handled.length >= 2, () => JSON.stringify(handled));
      // Later: a retry a day later still lands within the dedupe window.
      expect((await first!.send(body)).status).toBe(200);
      // A marker event of the same conversation, sent last: once it is handled, anything before it would have been too.
      expect((await second!.send(MessengerEvents.text('marker', { sender: 'DUP' }))).status).toBe(200);
      await eventually(() => handled.some((entry) => entry.text === 'marker'), () => JSON.stringify(handled));
      expect(handled.map((entry) => entry.text)).toEqual(['once', 'twice', 'marker']);
      expect(handled[0]!.eventId).toMatch(/^[\w-]{22}$/);
    } finally {
      for (const instance of instances) await instance.app.close();
    }
  });

  it('in-process with RedisDedupeStore: replicas share the redelivery marks', async () => {
    handled.length = 0;
    const connections = [new Redis(redis.url), new Redis(redis.url)];
    const start = (client: Redis) =>
      createTestApp('express', {
        imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, dedupe: { store: new RedisDedupeStore(client, 'test:seen:'), ttl: 60_000 } })],
        providers: [CountingBot],
      });
    const replicas = [await start(connections[0]!), await start(connections[1]!)];
    try {
      const body = webhookBody(MessengerEvents.text('in-process once', { sender: 'REPLICA', mid: 'm.replica.1' }));
      const clients = replicas.map((replica) => createMessengerTestClient(replica));
      for (const client of [...clients, ...clients]) expect((await client.send(body)).status).toBe(200);
      expect(handled.map((entry) => entry.text)).toEqual(['in-process once']);
      expect(await connections[0]!.exists('test:seen:page|PAGE_1|message|m|m.replica.1|')).toBe(1);
    } finally {
      for (const replica of replicas) await replica.close();
      for (const connection of connections) connection.disconnect();
    }
  });
});
