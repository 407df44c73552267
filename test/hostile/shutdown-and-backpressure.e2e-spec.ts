import { afterEach, describe, expect, it } from 'vitest';
import { MessengerDispatcher, MessengerWebhookModule, type MessengerWebhookOptions } from 'nestjs-messenger-webhook';
import { ADAPTERS, APP_SECRET, delivery, startServer, VERIFY_TOKEN, type AdapterName, type TestServer } from '../support/app.js';
import { Blocking, Timeouts } from '../support/blocking-handler.js';
import { textMessage } from '../support/deliveries.js';
import { LogCapture } from '../support/log-capture.js';

const logs = new LogCapture();

interface Booted {
  server: TestServer;
  blocking: Blocking;
  timeouts: Timeouts;
  dispatcher: MessengerDispatcher;
}

async function boot(adapter: AdapterName, options: Partial<MessengerWebhookOptions>): Promise<Booted> {
  const server = await startServer(
    adapter,
    {
      imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, dedupe: false, ...options })],
      providers: [Blocking],
    },
    { logger: logs },
  );
  return { server, blocking: server.app.get(Blocking), timeouts: new Timeouts(server.app), dispatcher: server.app.get(MessengerDispatcher) };
}

/** One message from each of `count` people, as separate deliveries, each answered before the next is sent. */
async function postOneEach(server: TestServer, prefix: string, count: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let index = 0; index < count; index++) {
    statuses.push((await server.post(delivery([textMessage(`${prefix}${index}`, `${prefix}_${index}`, 'hi')]))).status);
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
    await booted?.server.close();
    booted = undefined;
    logs.clear();
  });

  it('app.close() waits for acknowledged handlers that ran past handlerTimeout, and refuses new deliveries meanwhile', async () => {
    booted = await boot(adapter, { handlerTimeout: 50, shutdownTimeout: 10_000 });
    const { server, blocking, timeouts, dispatcher } = booted;
    const mids = ['m_0', 'm_1', 'm_2', 'm_3', 'm_4'];
    const events = mids.map((mid, index) => textMessage(`U${index}`, mid, 'slow'));
    // dispatch: 'await': answered once every call timed out, so all five are acknowledged.
    expect((await server.post(delivery(events))).status).toBe(200);
    await Promise.all(mids.map((mid) => timeouts.of(mid)));
    let closed = false;
    const closing = server.app.close().then(() => (closed = true));
    await until(() => dispatcher.isClosing, 'the dispatcher is closing');
    const refused = await server.post(delivery([textMessage('LATE', 'm_late', 'too late')]));
    expect(refused.status).toBe(503);
    expect(closed).toBe(false);
    blocking.releaseAll();
    await closing;
    expect(blocking.finished.sort()).toEqual(mids);
    expect(blocking.started).not.toContain('m_late');
  });

  it('gives up after shutdownTimeout and logs exactly how many acknowledged events were not handled', async () => {
    booted = await boot(adapter, { dispatch: 'background', concurrency: 2, shutdownTimeout: 200 });
    const { server, blocking } = booted;
    expect(await postOneEach(server, 'A', 5)).toEqual([200, 200, 200, 200, 200]);
    await Promise.all([blocking.entered('A_0').promise, blocking.entered('A_1').promise]);
    await server.app.close();
    const lines = logs.errors().filter((line) => line.message.includes('shutdownTimeout'));
    expect(lines).toHaveLength(1);
    expect(lines[0]!.message).toMatch(/\b5 acknowledged events were not handled\b/);
    expect(lines[0]!.message).toMatch(/2 still running, 3 not started/);
  });

  it('in background mode, answers 503 once maxPendingEvents are pending, and accepts again once they are handled', async () => {
    booted = await boot(adapter, { dispatch: 'background', concurrency: 1, maxPendingEvents: 3 });
    const { server, blocking, dispatcher } = booted;
    expect(await postOneEach(server, 'B', 3)).toEqual([200, 200, 200]);
    const refused = await server.post(delivery([textMessage('B9', 'B_9', 'one too many')]));
    expect(refused.status).toBe(503);
    expect(await refused.text()).toMatch(/maxPendingEvents \(3\)/);
    blocking.releaseAll();
    await dispatcher.idle();
    expect(await postOneEach(server, 'C', 1)).toEqual([200]);
    await dispatcher.idle();
    expect(blocking.finished.sort()).toEqual(['B_0', 'B_1', 'B_2', 'C_0']);
  });

  it('in background mode, app.close() refuses new deliveries and drains the acknowledged ones', async () => {
    booted = await boot(adapter, { dispatch: 'background', concurrency: 1, shutdownTimeout: 10_000 });
    const { server, blocking, dispatcher } = booted;
    expect(await postOneEach(server, 'D', 3)).toEqual([200, 200, 200]);
    let closed = false;
    const closing = server.app.close().then(() => (closed = true));
    await until(() => dispatcher.isClosing, 'the dispatcher is closing');
    expect((await server.post(delivery([textMessage('LATE', 'm_late', 'too late')]))).status).toBe(503);
    expect(closed).toBe(false);
    blocking.releaseAll();
    await closing;
    expect(blocking.finished).toEqual(['D_0', 'D_1', 'D_2']);
    expect(logs.errors()).toEqual([]);
  });
});
