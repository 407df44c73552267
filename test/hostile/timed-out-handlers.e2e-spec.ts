import { afterEach, describe, expect, it } from 'vitest';
import { MessengerDispatcher, MessengerWebhookModule, type MessengerWebhookOptions } from 'nestjs-messenger-webhook';
import { ADAPTERS, APP_SECRET, delivery, startServer, VERIFY_TOKEN, type AdapterName, type TestServer } from '../support/app.js';
import { Blocking, roundTrip, Timeouts } from '../support/blocking-handler.js';
import { textMessage } from '../support/deliveries.js';

interface Booted {
  server: TestServer;
  blocking: Blocking;
  timeouts: Timeouts;
}

async function boot(adapter: AdapterName, options: Partial<MessengerWebhookOptions>): Promise<Booted> {
  const server = await startServer(adapter, {
    imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, dedupe: false, ...options })],
    providers: [Blocking],
  });
  return { server, blocking: server.app.get(Blocking), timeouts: new Timeouts(server.app) };
}

describe.each(ADAPTERS)('a handler that runs past handlerTimeout, on %s', (adapter) => {
  let booted: Booted | undefined;
  afterEach(async () => {
    booted?.blocking.releaseAll();
    await booted?.server.close();
    booted = undefined;
  });

  it('keeps its conversation: the next event of the same person starts only once its body really ended', async () => {
    booted = await boot(adapter, { dispatch: 'background', handlerTimeout: 50 });
    const { server, blocking, timeouts } = booted;
    const mids = ['m_1', 'm_2', 'm_3', 'm_4', 'm_5'];
    for (const mid of mids) expect((await server.post(delivery([textMessage('U1', mid, mid)]))).status).toBe(200);
    for (const mid of mids) {
      await blocking.entered(mid).promise;
      await timeouts.of(mid);
      // Had the timeout released the conversation, the next handler would have started by now.
      await roundTrip(server);
      expect(blocking.started, `after ${mid} timed out`).toEqual(mids.slice(0, mids.indexOf(mid) + 1));
      blocking.release(mid);
    }
    await server.app.get(MessengerDispatcher).idle();
    expect(blocking.finished).toEqual(mids);
    expect(blocking.overlaps).toBe(0);
  });

  it('keeps its concurrency slot: no more handler bodies run at once than concurrency', async () => {
    booted = await boot(adapter, { dispatch: 'background', handlerTimeout: 50, concurrency: 2 });
    const { server, blocking, timeouts } = booted;
    const mids = ['m_a', 'm_b', 'm_c', 'm_d', 'm_e', 'm_f'];
    // One person each: nothing but the concurrency bound holds them back.
    for (const [index, mid] of mids.entries()) expect((await server.post(delivery([textMessage(`U${index}`, mid, mid)]))).status).toBe(200);
    await Promise.all([blocking.entered('m_a').promise, blocking.entered('m_b').promise]);
    await Promise.all([timeouts.of('m_a'), timeouts.of('m_b')]);
    await roundTrip(server);
    expect(blocking.running).toBe(2);
    expect(blocking.started).toEqual(['m_a', 'm_b']);
    for (const mid of mids) {
      await blocking.entered(mid).promise;
      blocking.release(mid);
    }
    await server.app.get(MessengerDispatcher).idle();
    expect(blocking.finished.sort()).toEqual([...mids].sort());
    expect(blocking.maxRunning).toBe(2);
  });
});
