import { Catch, Injectable, UseFilters, type ExceptionFilter, type INestApplication } from '@nestjs/common';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  MessengerDeadLetters,
  MessengerDispatcher,
  MessengerQueueMetrics,
  OnMessage,
  type HandlerFailure,
  type MessageEvent,
  type MessengerContext,
  type MessengerQueueOptions,
} from 'nestjs-messenger-webhook';
import { main } from '../../libs/messenger-webhook/src/cli/main.js';
import { MessengerEvents } from 'nestjs-messenger-webhook/testing';
import { LogCapture } from '../support/log-capture.js';
import { startRedis, type TestRedis } from '../support/redis-server.js';
import { eventually, startQueueApp, uniqueQueueName, type QueueApp } from './queue-kit.js';

class Handled extends Error {}

@Catch(Handled)
class HandledFilter implements ExceptionFilter {
  catch(): void {}
}

/** Texts: `flaky:N` fails its first N tries; `poison` fails until `fixed`; `filtered` throws an error its filter handles. */
const state = { tries: new Map<string, number>(), handled: [] as string[], ids: new Map<string, string>(), fixed: false };

@Injectable()
class FlakyBot {
  @OnMessage()
  @UseFilters(HandledFilter)
  onMessage(event: MessageEvent, ctx: MessengerContext) {
    const text = event.message.text ?? '';
    const tries = (state.tries.get(text) ?? 0) + 1;
    state.tries.set(text, tries);
    state.ids.set(text, ctx.eventId);
    if (text.startsWith('flaky:') && tries <= Number(text.slice(6))) throw new Error(`flaky try ${tries}`);
    if (text.startsWith('poison') && !state.fixed) throw new Error(`cannot handle ${text}`);
    if (text === 'filtered') throw new Handled('handled by its filter');
    state.handled.push(text);
  }
}

describe('queue mode: failures, retries and dead letters', () => {
  let redis: TestRedis;
  const logs = new LogCapture();
  const hooked: HandlerFailure[] = [];
  let server: QueueApp | undefined;

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  afterEach(async () => {
    await server?.app.close();
    server = undefined;
    state.tries.clear();
    state.handled.length = 0;
    state.fixed = false;
    hooked.length = 0;
  });

  async function start(queue: Partial<MessengerQueueOptions>): Promise<{ app: INestApplication; name: string }> {
    const name = uniqueQueueName('failures');
    server = await startQueueApp(
      { connection: redis.url, name, attempts: 3, backoff: 20, ...queue },
      { providers: [FlakyBot] },
      { logger: logs, extra: { onHandlerError: (failure) => hooked.push(failure) } },
    );
    return { app: server.app, name };
  }

  async function send(sender: string, ...texts: string[]): Promise<void> {
    const response = await server!.client.send(texts.map((text) => MessengerEvents.text(text, { sender })));
    expect(response.status).toBe(200);
  }

  it('retries a failed event with backoff and handles it once it succeeds, reporting each failure as in-process', async () => {
    const { app } = await start({});
    const streamed: HandlerFailure[] = [];
    const subscription = app.get(MessengerDispatcher).failures$.subscribe((failure) => streamed.push(failure));
    await send('RETRY', 'flaky:2', 'after');
    await eventually(() => state.handled.length === 2, () => `handled ${JSON.stringify(state.handled)}`);
    subscription.unsubscribe();
    expect(state.handled).toEqual(['flaky:2', 'after']);
    expect(state.tries.get('flaky:2')).toBe(3);
    expect(streamed.map((failure) => (failure.error as Error).message)).toEqual(['flaky try 1', 'flaky try 2']);
    expect(hooked.map((failure) => failure.eventId)).toEqual([state.ids.get('flaky:2'), state.ids.get('flaky:2')]);
    expect(await app.get(MessengerDeadLetters).count()).toBe(0);
  });

  it('treats an invalid event on the worker exactly as in-process (to @OnInvalidEvent, logged, never retried), and goes on with its conversation', async () => {
    const { app } = await start({});
    // A mid that is not a string: no factory makes that, so the message is replaced by hand.
    const invalid = { ...MessengerEvents.text('x', { sender: 'INVALID' }), message: { mid: false, text: 'invalid mid' } };
    expect((await server!.client.send([invalid, MessengerEvents.text('valid after', { sender: 'INVALID' })])).status).toBe(200);
    await eventually(() => state.handled.includes('valid after'), () => 'the valid event was held');
    expect(state.tries.has('invalid mid')).toBe(false);
    expect(logs.text).toMatch(/Queue: 1 event of a delivery could not be read, delivered to @OnInvalidEvent and @OnEvent as InvalidEvent: entry\[0\]\.messaging\[0\] \(message\): message\.mid must be/);
    expect(await app.get(MessengerDeadLetters).count()).toBe(0);
  });

  it('does not retry an error an exception filter handled', async () => {
    await start({});
    await send('FILTERED', 'filtered', 'next');
    await eventually(() => state.handled.includes('next'), () => 'next was not handled');
    expect(state.tries.get('filtered')).toBe(1);
    expect(hooked).toEqual([]);
  });

  it("dead-letters an event after its attempts, goes on with its conversation ('continue'), and replays it once fixed", async () => {
    const { app, name } = await start({});
    await send('POISONED', 'poison', 'after poison');
    await eventually(() => state.handled.includes('after poison'), () => `handled ${JSON.stringify(state.handled)}`);
    expect(state.tries.get('poison')).toBe(3);
    const deadLetters = app.get(MessengerDeadLetters);
    const [letter] = await deadLetters.list();
    expect(letter).toMatchObject({ eventId: state.ids.get('poison'), kind: 'message', pageId: 'PAGE_1', attempts: 3, blocking: false });
    expect(letter!.error).toContain('FlakyBot.onMessage failed: cannot handle poison');
    expect((letter!.raw.message as { text: string }).text).toBe('poison');
    expect(logs.text).toContain(`event ${letter!.eventId} of conversation page|PAGE_1|POISONED moved to the dead letters after 3 attempts`);
    expect((await app.get(MessengerQueueMetrics).snapshot()).deadLetters).toBe(1);

    // The CLI sees the same dead letter, and never prints the password of the URL it was given.
    const out: string[] = [];
    const io = { out: (line: string) => out.push(line), err: (line: string) => out.push(line), env: {} };
    const withPassword = redis.url.replace('redis://', 'redis://someone:not-the-password@');
    expect(await main(['dead-letters', 'list', '--redis', withPassword, '--name', name], io)).toBe(1);
    expect(out.join('\n')).toContain('cannot reach Redis at redis://someone:***@127.0.0.1');
    expect(out.join('\n')).not.toContain('not-the-password');
    out.length = 0;
    expect(await main(['dead-letters', 'list', '--redis', redis.url, '--name', name], io)).toBe(0);
    expect(out.join('\n')).toContain(letter!.eventId);
    out.length = 0;
    expect(await main(['dead-letters', 'show', letter!.eventId, '--redis', redis.url, '--name', name], io)).toBe(0);
    expect(JSON.parse(out.join('\n')).raw.message.text).toBe('poison');

    state.fixed = true;
    expect(await main(['dead-letters', 'replay', letter!.eventId, '--redis', redis.url, '--name', name], io)).toBe(0);
    await eventually(() => state.handled.includes('poison'), () => 'the replayed event was not handled');
    expect(await deadLetters.count()).toBe(0);
    expect(await main(['dead-letters', 'replay', letter!.eventId, '--redis', redis.url, '--name', name], io)).toBe(1);
  });

  it("keeps a conversation blocked behind its dead letter ('block') until it is replayed, then resumes in order", async () => {
    const { app } = await start({ onDeadLetter: 'block' });
    const metrics = app.get(MessengerQueueMetrics);
    await send('BLOCKED', 'poison-1', 'waits-1');
    await eventually(async () => (await metrics.snapshot()).blockedConversations === 1, () => 'the conversation was not blocked');
    await send('BLOCKED', 'waits-2');
    await send('OTHER', 'other conversation');
    await eventually(() => state.handled.includes('other conversation'), () => 'another conversation was held');
    const snapshot = await metrics.snapshot();
    expect(snapshot).toMatchObject({ depth: 2, deadLetters: 1, blockedConversations: 1 });
    expect(state.handled).toEqual(['other conversation']);
    const [letter] = await app.get(MessengerDeadLetters).list();
    expect(letter!.blocking).toBe(true);
    state.fixed = true;
    expect(await app.get(MessengerDeadLetters).replay(letter!.eventId)).toBe(true);
    await eventually(() => state.handled.length === 4, () => `handled ${JSON.stringify(state.handled)}`);
    expect(state.handled).toEqual(['other conversation', 'poison-1', 'waits-1', 'waits-2']);
    expect(await metrics.snapshot()).toMatchObject({ depth: 0, deadLetters: 0, blockedConversations: 0, oldestWaitingMs: 0 });
  });

  it('unblocks a conversation when its dead letter is dropped, without running it', async () => {
    const { app } = await start({ onDeadLetter: 'block', attempts: 1 });
    await send('DROPPED', 'poison-2', 'after drop');
    const deadLetters = app.get(MessengerDeadLetters);
    await eventually(async () => (await deadLetters.count()) === 1, () => 'no dead letter');
    const [letter] = await deadLetters.list();
    expect(await deadLetters.drop(letter!.eventId)).toBe(true);
    await eventually(() => state.handled.includes('after drop'), () => 'the conversation stayed blocked');
    expect(state.handled).toEqual(['after drop']);
    expect(state.tries.get('poison-2')).toBe(1);
  });
});
