import { Inject, Injectable, type INestApplicationContext } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnMessage, type MessageEvent, type MessengerContext } from 'nestjs-messenger-webhook';
import { MessengerEvents } from 'nestjs-messenger-webhook/testing';
import { deferred, type Deferred } from '../support/deferred.js';
import { startRedis, type TestRedis } from '../support/redis-server.js';
import { eventually, startQueueApp, startQueueWorker, uniqueQueueName, type QueueApp } from './queue-kit.js';

interface Handling {
  text: string;
  sender: string;
  instance: string;
  eventId: string;
}

const handled: Handling[] = [];
const running = new Map<string, number>();
const overlaps: string[] = [];
let inFlight = 0;
let maxInFlight = 0;
const gates = new Map<string, Deferred<void>>();

@Injectable()
class RecordingBot {
  constructor(@Inject('INSTANCE') private readonly instance: string) {}

  @OnMessage()
  async onMessage(event: MessageEvent, ctx: MessengerContext) {
    const sender = event.senderId ?? 'nobody';
    if ((running.get(sender) ?? 0) > 0) overlaps.push(`${sender}: ${event.message.text} started while another event of it ran`);
    running.set(sender, (running.get(sender) ?? 0) + 1);
    maxInFlight = Math.max(maxInFlight, ++inFlight);
    try {
      await gates.get(event.message.text ?? '')?.promise;
      // A little real work, so events of different conversations overlap in time.
      await new Promise((resolve) => setTimeout(resolve, 1));
      handled.push({ text: event.message.text ?? '', sender, instance: this.instance, eventId: ctx.eventId });
    } finally {
      inFlight--;
      running.set(sender, running.get(sender)! - 1);
    }
  }
}

describe('queue mode: order', () => {
  let redis: TestRedis;
  let edge: QueueApp;
  const workers: INestApplicationContext[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    const queue = { connection: redis.url, name: uniqueQueueName('order'), concurrency: 4 };
    edge = await startQueueApp({ ...queue, role: 'edge' }, { providers: [] });
    for (const instance of ['w1', 'w2']) {
      workers.push(await startQueueWorker(queue, [RecordingBot, { provide: 'INSTANCE', useValue: instance }]));
    }
  });

  afterAll(async () => {
    await edge?.app.close();
    for (const worker of workers) await worker.close();
    await redis?.stop();
  });

  it('handles each conversation one event at a time in arrival order, across two workers, conversations in parallel', async () => {
    const conversations = 16;
    const perConversation = 12;
    const sent = new Map<string, string[]>();
    await Promise.all(
      Array.from({ length: conversations }, async (_unused, c) => {
        const sender = `ORDER_${c}`;
        sent.set(sender, []);
        for (let i = 0; i < perConversation; i++) {
          // Two events per delivery now and then: the order inside a delivery counts too.
          const texts = i % 3 === 0 ? [`${sender}#${i}a`, `${sender}#${i}b`] : [`${sender}#${i}`];
          const response = await edge.client.send(texts.map((text) => MessengerEvents.text(text, { sender })));
          expect(response.status).toBe(200);
          sent.get(sender)!.push(...texts);
        }
      }),
    );
    const total = [...sent.values()].reduce((sum, texts) => sum + texts.length, 0);
    await eventually(() => handled.filter((h) => h.sender.startsWith('ORDER_')).length >= total, () => `${handled.length} of ${total} handled`);
    for (const [sender, texts] of sent) {
      expect(handled.filter((h) => h.sender === sender).map((h) => h.text)).toEqual(texts);
    }
    expect(overlaps).toEqual([]);
    expect(maxInFlight).toBeGreaterThan(1);
    expect(new Set(handled.map((h) => h.instance)).size).toBe(2);
    expect(new Set(handled.map((h) => h.eventId)).size).toBe(handled.length);
  });

  it('lets other conversations run while one is slow', async () => {
    const gate = deferred();
    gates.set('SLOW#1', gate);
    expect((await edge.client.send(MessengerEvents.text('SLOW#1', { sender: 'SLOW' }))).status).toBe(200);
    expect((await edge.client.send(MessengerEvents.text('SLOW#2', { sender: 'SLOW' }))).status).toBe(200);
    await eventually(() => running.get('SLOW') === 1, () => 'SLOW#1 never started');
    const others = Array.from({ length: 10 }, (_unused, i) => MessengerEvents.text(`FAST#${i}`, { sender: `FAST_${i}` }));
    expect((await edge.client.send(others)).status).toBe(200);
    await eventually(() => handled.filter((h) => h.sender.startsWith('FAST_')).length === 10, () => 'fast conversations waited for the slow one');
    expect(handled.some((h) => h.sender === 'SLOW')).toBe(false);
    gate.resolve();
    await eventually(() => handled.filter((h) => h.sender === 'SLOW').length === 2, () => 'SLOW did not finish');
    expect(handled.filter((h) => h.sender === 'SLOW').map((h) => h.text)).toEqual(['SLOW#1', 'SLOW#2']);
  });
});
