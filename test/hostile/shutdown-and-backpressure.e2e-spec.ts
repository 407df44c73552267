import type { INestApplication } from '@nestjs/common';
import { afterEach, describe, expect, it } from 'vitest';
import { MessengerDispatcher, MessengerWebhookModule, type MessengerWebhookOptions } from 'nestjs-messenger-webhook';
import { createMessengerTestClient, MessengerEvents, type MessengerTestClient, type TestResponse } from 'nestjs-messenger-webhook/testing';
import { ADAPTERS, APP_SECRET, createTestApp, VERIFY_TOKEN, type AdapterName } from '../support/app.js';
import { Blocking, Timeouts } from './blocking-bot.js';
import { LogCapture } from '../support/log-capture.js';

const logs = new LogCapture();

interface Booted {
  app: INestApplication;
  client: MessengerTestClient;
  blocking: Blocking;
  timeouts: Timeouts;
  dispatcher: MessengerDispatcher;
}

async function boot(adapter: AdapterName, options: Partial<MessengerWebhookOptions>): Promise<Booted> {
  const app = await createTestApp(
    adapter,
    {
      imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, dedupe: false, ...options })],
      providers: [Blocking],
    },
    { logger: logs },
  );
  await app.init();
  return { app, client: createMessengerTestClient(app), blocking: app.get(Blocking), timeouts: new Timeouts(app), dispatcher: app.get(MessengerDispatcher) };
}

/** A text message from `sender` with a pinned mid, so the test can follow it through the blocking handler. */
const text = (sender: string, mid: string, body: string) => MessengerEvents.text(body, { sender, mid });

/** Sends signed events and resolves on the HTTP answer: the handlers hold until the test releases them. */
const sendNow = (client: MessengerTestClient, events: object[]): Promise<TestResponse> => client.send(events, { waitForHandlers: false });

/** One message from each of `count` people, as separate deliveries, each answered before the next is sent. */
async function postOneEach(client: MessengerTestClient, prefix: string, count: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let index = 0; index < count; index++) {
    statuses.push((await sendNow(client, [text(`${prefix}${index}`, `${prefix}_${index}`, 'hi')])).status);
  }
  return statuses;
}

/** Bounded wait for a flag nobody signals: `app.close()` starts its shutdown hooks on its own schedule. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let round = 0; round < 2_000 && !condition(); round++) await new Promise((resolve) => setImmediate(resolve));
  if (!condition()) throw new Error(`gave up waiting until ${what}`);
}

describe.each(ADAPTERS)('shutdown and back-pressure on %s', (adapter) => {
  let booted: Booted | undefined;
  afterEach(async () => {
    booted?.blocking.releaseAll();
    // A test that closed the app already made close() a no-op.
    await booted?.app.close();
    booted = undefined;
    logs.clear();
  });

  it('app.close() waits for acknowledged handlers that ran past handlerTimeout, and refuses new deliveries meanwhile', async () => {
    booted = await boot(adapter, { handlerTimeout: 50, shutdownTimeout: 10_000 });
    const { app, client, blocking, timeouts, dispatcher } = booted;
    const mids = ['m_0', 'm_1', 'm_2', 'm_3', 'm_4'];
    const events = mids.map((mid, index) => text(`U${index}`, mid, 'slow'));
    // dispatch: 'await': answered once every call timed out, so all five are acknowledged.
    expect((await sendNow(client, events)).status).toBe(200);
    await Promise.all(mids.map((mid) => timeouts.of(mid)));
    let closed = false;
    const closing = app.close().then(() => (closed = true));
    await until(() => dispatcher.isClosing, 'the dispatcher is closing');
    const refused = await sendNow(client, [text('LATE', 'm_late', 'too late')]);
    expect(refused.status).toBe(503);
    expect(closed).toBe(false);
    blocking.releaseAll();
    await closing;
    expect(blocking.finished.sort()).toEqual(mids);
    expect(blocking.started).not.toContain('m_late');
  });

  it('gives up after shutdownTimeout and logs exactly how many acknowledged events were not handled', async () => {
    booted = await boot(adapter, { dispatch: 'background', concurrency: 2, shutdownTimeout: 200 });
    const { app, client, blocking } = booted;
    expect(await postOneEach(client, 'A', 5)).toEqual([200, 200, 200, 200, 200]);
    await Promise.all([blocking.entered('A_0').promise, blocking.entered('A_1').promise]);
    await app.close();
    const lines = logs.errors().filter((line) => line.message.includes('shutdownTimeout'));
    expect(lines).toHaveLength(1);
    expect(lines[0]!.message).toMatch(/\b5 acknowledged events were not handled\b/);
    expect(lines[0]!.message).toMatch(/2 still running, 3 not started/);
  });

  it('in background mode, answers 503 once maxPendingEvents are pending, and accepts again once they are handled', async () => {
    booted = await boot(adapter, { dispatch: 'background', concurrency: 1, maxPendingEvents: 3 });
    const { app, client, blocking, dispatcher } = booted;
    expect(await postOneEach(client, 'B', 3)).toEqual([200, 200, 200]);
    const refused = await sendNow(client, [text('B9', 'B_9', 'one too many')]);
    expect(refused.status).toBe(503);
    expect(refused.body).toMatch(/maxPendingEvents \(3\)/);
    blocking.releaseAll();
    await dispatcher.idle();
    expect(await postOneEach(client, 'C', 1)).toEqual([200]);
    await dispatcher.idle();
    expect(blocking.finished.sort()).toEqual(['B_0', 'B_1', 'B_2', 'C_0']);
  });

  it('in background mode, app.close() refuses new deliveries and drains the acknowledged ones', async () => {
    booted = await boot(adapter, { dispatch: 'background', concurrency: 1, shutdownTimeout: 10_000 });
    const { app, client, blocking, dispatcher } = booted;
    expect(await postOneEach(client, 'D', 3)).toEqual([200, 200, 200]);
    let closed = false;
    const closing = app.close().then(() => (closed = true));
    await until(() => dispatcher.isClosing, 'the dispatcher is closing');
    expect((await sendNow(client, [text('LATE', 'm_late', 'too late')])).status).toBe(503);
    expect(closed).toBe(false);
    blocking.releaseAll();
    await closing;
    expect(blocking.finished).toEqual(['D_0', 'D_1', 'D_2']);
    expect(logs.errors()).toEqual([]);
  });
});
