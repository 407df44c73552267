import { Injectable } from '@nestjs/common';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MessengerDeadLetters, MessengerQueueMetrics, OnMessage, type MessageEvent, type MessengerContext } from 'nestjs-messenger-webhook';
import { MessengerEvents } from 'nestjs-messenger-webhook/testing';
import { deferred, type Deferred } from '../support/deferred.js';
import { LogCapture } from '../support/log-capture.js';
import { startRedis, type TestRedis } from '../support/redis-server.js';
import { eventually, startQueueApp, uniqueQueueName, type QueueApp } from './queue-kit.js';

/** Texts in `failing` throw (as many more times as their count says); texts in `held` wait for their gate; every start and every success is recorded. */
const state = {
  started: [] as string[],
  handled: [] as string[],
  failing: new Map<string, number>(),
  held: new Map<string, { entered: Deferred<void>; gate: Deferred<void> }>(),
  ids: new Map<string, string>(),
};

function hold(text: string): { entered: Deferred<void>; gate: Deferred<void> } {
  const holding = { entered: deferred(), gate: deferred() };
  state.held.set(text, holding);
  return holding;
}

@Injectable()
class RaceBot {
  @OnMessage()
  async onMessage(event: MessageEvent, ctx: MessengerContext): Promise<void> {
    const text = event.message.text ?? '';
    state.started.push(text);
    state.ids.set(text, ctx.eventId);
    const holding = state.held.get(text);
    if (holding) {
      holding.entered.resolve();
      await holding.gate.promise;
    }
    const failuresLeft = state.failing.get(text) ?? 0;
    if (failuresLeft > 0) {
      state.failing.set(text, failuresLeft - 1);
      throw new Error(`cannot handle ${text}`);
    }
    state.handled.push(text);
  }
}

/**
 * A dead letter replayed while its conversation's drain is running the next event X: the replay must not slip in
 * front of X, or X's acknowledgement (which pops the head only if it is still X) misses it and X runs again.
 */
describe('queue mode: replaying a dead letter while its conversation is being drained', () => {
  let redis: TestRedis;
  let server: QueueApp | undefined;
  const logs = new LogCapture();

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  afterEach(async () => {
    for (const holding of state.held.values()) holding.gate.resolve();
    await server?.app.close();
    server = undefined;
    state.started.length = 0;
    state.handled.length = 0;
    state.failing.clear();
    state.held.clear();
    state.ids.clear();
  });

  async function start(attempts: number): Promise<QueueApp> {
    const queue = { connection: redis.url, name: uniqueQueueName('replay-race'), attempts, backoff: 10, onDeadLetter: 'continue' as const };
    server = await startQueueApp(queue, { providers: [RaceBot] }, { logger: logs });
    return server;
  }

  async function send(text: string): Promise<void> {
    expect((await server!.client.send([MessengerEvents.text(text, { sender: 'RACER' })])).status).toBe(200);
  }

  async function deadLetterOf(text: string, deadLetters: MessengerDeadLetters): Promise<string> {
    state.failing.set(text, Infinity);
    await send(text);
    await eventually(async () => (await deadLetters.count()) === 1, () => `${text} was not dead-lettered; started ${JSON.stringify(state.started)}`);
    return state.ids.get(text)!;
  }

  /** Y's handler has returned, its acknowledgement may still be on its way to Redis. */
  async function settled(metrics: MessengerQueueMetrics): Promise<void> {
    await eventually(async () => (await metrics.snapshot()).depth === 0, () => 'events still wait in the mailbox');
  }

  it('handles the event in flight once, then the replayed one, then the rest in order', async () => {
    const { app } = await start(3);
    const deadLetters = app.get(MessengerDeadLetters);
    const poison = await deadLetterOf('poison', deadLetters);

    const x = hold('X');
    await send('X');
    await x.entered.promise;
    // X's handler is running: the replay and a later event of the conversation land while it is held.
    state.failing.delete('poison');
    expect(await deadLetters.replay(poison)).toBe(true);
    await send('Y');
    x.gate.resolve();

    await eventually(() => state.handled.includes('Y'), () => `started ${JSON.stringify(state.started)}`);
    expect(state.started).toEqual(['poison', 'poison', 'poison', 'X', 'poison', 'Y']);
    expect(state.handled).toEqual(['X', 'poison', 'Y']);
    await settled(app.get(MessengerQueueMetrics));
    expect(await app.get(MessengerQueueMetrics).snapshot()).toMatchObject({ depth: 0, deadLetters: 0, conversations: 0 });
  });

  it('dead-letters the event in flight with its own failure when it fails its last attempt, then runs the replayed one', async () => {
    const { app } = await start(1);
    const deadLetters = app.get(MessengerDeadLetters);
    const first = await deadLetterOf('first', deadLetters);

    const x = hold('X');
    state.failing.set('X', Infinity);
    await send('X');
    await x.entered.promise;
    state.failing.delete('first');
    expect(await deadLetters.replay(first)).toBe(true);
    await send('Y');
    x.gate.resolve();

    await eventually(() => state.handled.includes('Y'), () => `started ${JSON.stringify(state.started)}`);
    expect(state.started).toEqual(['first', 'X', 'first', 'Y']);
    expect(state.handled).toEqual(['first', 'Y']);
    const letters = await deadLetters.list();
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ eventId: state.ids.get('X'), attempts: 1 });
    expect(letters[0]!.error).toContain('cannot handle X');
    await settled(app.get(MessengerQueueMetrics));
    expect(await app.get(MessengerQueueMetrics).snapshot()).toMatchObject({ depth: 0, deadLetters: 1, conversations: 0 });
  });

  it('lets the event in flight keep its turn through its retries, then runs the replayed one', async () => {
    const { app } = await start(3);
    const deadLetters = app.get(MessengerDeadLetters);
    const poison = await deadLetterOf('poison', deadLetters);

    const x = hold('X');
    state.failing.set('X', 1);
    await send('X');
    await x.entered.promise;
    state.failing.delete('poison');
    expect(await deadLetters.replay(poison)).toBe(true);
    await send('Y');
    x.gate.resolve();

    await eventually(() => state.handled.includes('Y'), () => `started ${JSON.stringify(state.started)}`);
    expect(state.started).toEqual(['poison', 'poison', 'poison', 'X', 'X', 'poison', 'Y']);
    expect(state.handled).toEqual(['X', 'poison', 'Y']);
    await settled(app.get(MessengerQueueMetrics));
    expect(await app.get(MessengerQueueMetrics).snapshot()).toMatchObject({ depth: 0, deadLetters: 0, conversations: 0 });
  });
});
