import { Inject, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessengerQueueMetrics, MessengerWebhookModule, OnMessage, type MessageEvent } from 'nestjs-messenger-webhook';
import { createMessengerTestClient, MessengerEvents } from 'nestjs-messenger-webhook/testing';
import { APP_SECRET, createTestApp, VERIFY_TOKEN } from '../support/app.js';
import { deferred } from '../support/deferred.js';
import { LogCapture } from '../support/log-capture.js';
import { startRedis, type TestRedis } from '../support/redis-server.js';
import { eventually, queueModule, startQueueApp, startQueueWorker, uniqueQueueName } from './queue-kit.js';

const handled: Array<{ text: string; by: string }> = [];
const timeline: string[] = [];
let gate = deferred();

@Injectable()
class Bot {
  constructor(@Inject('INSTANCE') private readonly instance: string) {}

  @OnMessage()
  async onMessage(event: MessageEvent) {
    const text = event.message.text ?? '';
    if (text === 'hold') {
      timeline.push('hold started');
      await gate.promise;
      timeline.push('hold finished');
    }
    handled.push({ text, by: this.instance });
  }
}

describe('queue mode: availability and roles', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('a worker needs no HTTP: NestFactory.createApplicationContext runs the handlers of events an edge enqueued', async () => {
    const queue = { connection: redis.url, name: uniqueQueueName('context') };
    @Module({ imports: [queueModule({ ...queue, role: 'worker' })], providers: [Bot, { provide: 'INSTANCE', useValue: 'context' }] })
    class WorkerModule {}
    const worker = await NestFactory.createApplicationContext(WorkerModule, { logger: false });
    const edge = await startQueueApp({ ...queue, role: 'edge' }, { providers: [] });
    try {
      expect((await edge.client.send(MessengerEvents.text('to the worker', { sender: 'CTX' }))).status).toBe(200);
      await eventually(() => handled.some((entry) => entry.text === 'to the worker'), () => JSON.stringify(handled));
      expect(handled.find((entry) => entry.text === 'to the worker')!.by).toBe('context');
    } finally {
      await edge.app.close();
      await worker.close();
    }
  });

  it('is configured from forRootAsync as well', async () => {
    const name = uniqueQueueName('async');
    const app = await createTestApp('express', {
      imports: [
        MessengerWebhookModule.forRootAsync({
          useFactory: async () => ({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, queue: { connection: redis.url, name } }),
        }),
      ],
      providers: [Bot, { provide: 'INSTANCE', useValue: 'async' }],
    });
    try {
      expect((await createMessengerTestClient(app).send(MessengerEvents.text('from async options', { sender: 'ASYNC' }))).status).toBe(200);
      await eventually(() => handled.some((entry) => entry.text === 'from async options'), () => JSON.stringify(handled));
      expect((await app.get(MessengerQueueMetrics).snapshot()).depth).toBe(0);
    } finally {
      await app.close();
    }
  });

  it("an HTTP app with role 'worker' refuses deliveries with 503, saying why", async () => {
    const { app, client } = await startQueueApp({ connection: redis.url, name: uniqueQueueName('worker-http'), role: 'worker' }, { providers: [] });
    try {
      const response = await client.send(MessengerEvents.text('wrong door'));
      expect(response.status).toBe(503);
      expect(response.body).toContain("queue.role: 'worker'");
    } finally {
      await app.close();
    }
  });

  it('app.close() on a worker finishes the event it is handling, then stops; the rest waits in Redis for another worker', async () => {
    const queue = { connection: redis.url, name: uniqueQueueName('close') };
    const edge = await startQueueApp({ ...queue, role: 'edge' }, { providers: [] });
    const first = await startQueueWorker(queue, [Bot, { provide: 'INSTANCE', useValue: 'first' }]);
    gate = deferred();
    timeline.length = 0;
    try {
      expect((await edge.client.send([MessengerEvents.text('hold', { sender: 'CLOSE' }), MessengerEvents.text('after close', { sender: 'CLOSE' })])).status).toBe(200);
      await eventually(() => timeline.includes('hold started'), () => 'the held event never started');
      const closed = first.close().then(() => timeline.push('closed'));
      // Let the close begin, then release the handler: the close must wait for it.
      await new Promise((resolve) => setImmediate(resolve));
      gate.resolve();
      await closed;
      expect(timeline).toEqual(['hold started', 'hold finished', 'closed']);
      expect(handled.filter((entry) => entry.text === 'after close')).toEqual([]);
      const second = await startQueueWorker(queue, [Bot, { provide: 'INSTANCE', useValue: 'second' }]);
      try {
        await eventually(() => handled.some((entry) => entry.text === 'after close'), () => 'the waiting event was lost');
        expect(handled.filter((entry) => entry.text === 'after close' || entry.text === 'hold')).toEqual([
          { text: 'hold', by: 'first' },
          { text: 'after close', by: 'second' },
        ]);
      } finally {
        await second.close();
      }
    } finally {
      await edge.app.close();
    }
  });

  it('app.close() on a worker whose handler outlives shutdownTimeout returns after it; another worker runs that event again', async () => {
    const queue = { connection: redis.url, name: uniqueQueueName('close-late'), lockDuration: 1_000 };
    const edge = await startQueueApp({ ...queue, role: 'edge' }, { providers: [] });
    const logs = new LogCapture();
    const first = await startQueueWorker(queue, [Bot, { provide: 'INSTANCE', useValue: 'first' }], { logger: logs, extra: { shutdownTimeout: 500 } });
    gate = deferred();
    timeline.length = 0;
    try {
      expect((await edge.client.send(MessengerEvents.text('hold', { sender: 'LATE' }))).status).toBe(200);
      await eventually(() => timeline.includes('hold started'), () => 'the held event never started');
      // BullMQ's force-close does not cut short a close already waiting for the running job: this hung until the
      // handler ended.
      const closed = first.close().then(() => timeline.push('closed'));
      await eventually(() => timeline.includes('closed'), () => 'app.close() did not return after shutdownTimeout', 10_000);
      expect(timeline).toEqual(['hold started', 'closed']);
      expect(logs.text).toContain('did not stop within shutdownTimeout (500 ms)');
      await closed;
      const second = await startQueueWorker(queue, [Bot, { provide: 'INSTANCE', useValue: 'second' }]);
      try {
        await eventually(() => timeline.filter((line) => line === 'hold started').length === 2, () => 'the held event did not run again on another worker', 15_000);
        gate.resolve();
        await eventually(() => handled.some((entry) => entry.text === 'hold' && entry.by === 'second'), () => 'the second worker did not finish it');
      } finally {
        await second.close();
      }
    } finally {
      gate.resolve();
      await edge.app.close();
    }
  });

  it('app.close() on a worker returns within shutdownTimeout while Redis is down', async () => {
    const queue = { connection: redis.url, name: uniqueQueueName('close-down') };
    const worker = await startQueueWorker(queue, [Bot, { provide: 'INSTANCE', useValue: 'down' }], { extra: { shutdownTimeout: 500 } });
    let closed = false;
    try {
      await redis.stop();
      const closing = worker.close().then(() => (closed = true));
      // It waited for Redis forever (BullMQ's close waits for its fetch, which retries until Redis is back).
      await eventually(() => closed, () => 'app.close() hung while Redis was down', 10_000);
      await closing;
    } finally {
      await redis.restart();
    }
  });

  it('answers 503 while Redis is down, logs it once rather than per request, and takes deliveries again when it is back', async () => {
    const logs = new LogCapture();
    const queue = { connection: redis.url, name: uniqueQueueName('down'), enqueueTimeout: 1_000 };
    const { app, client } = await startQueueApp(queue, { providers: [Bot, { provide: 'INSTANCE', useValue: 'down' }] }, { logger: logs });
    const send = (text: string) => client.send(MessengerEvents.text(text, { sender: 'DOWN' }));
    try {
      expect((await send('before')).status).toBe(200);
      await eventually(() => handled.some((entry) => entry.text === 'before'), () => 'not handled before the outage');
      await redis.stop();
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await send(`during ${i}`)).status);
      expect(statuses).toEqual([503, 503, 503, 503, 503]);
      const refusals = logs.errors().filter((line) => line.message.includes('answering 503'));
      expect(refusals).toHaveLength(1);
      expect(refusals[0]!.message).toContain('Redis cannot take deliveries');
      await redis.restart();
      await eventually(async () => (await send('after')).status === 200, () => 'Redis came back but the edge still refuses', 20_000);
      await eventually(() => handled.some((entry) => entry.text === 'after'), () => 'not handled after the outage', 20_000);
      expect(handled.filter((entry) => entry.text.startsWith('during'))).toEqual([]);
      expect(logs.text).toContain('Redis takes deliveries again');
      expect((await app.get(MessengerQueueMetrics).snapshot()).depth).toBe(0);
    } finally {
      await app.close();
    }
  });
});
