import type { INestApplication } from '@nestjs/common';
import { afterEach, describe, expect, it } from 'vitest';
import { MessengerDispatcher, MessengerWebhookModule, type MessengerWebhookOptions } from 'nestjs-messenger-webhook';
import { createMessengerTestClient, MessengerEvents, type MessengerTestClient } from 'nestjs-messenger-webhook/testing';
import { ADAPTERS, APP_SECRET, createTestApp, VERIFY_TOKEN, type AdapterName } from '../support/app.js';
import { Blocking, roundTrip, Timeouts } from './blocking-bot.js';

interface Booted {
  app: INestApplication;
  client: MessengerTestClient;
  blocking: Blocking;
  timeouts: Timeouts;
}

async function boot(adapter: AdapterName, options: Partial<MessengerWebhookOptions>): Promise<Booted> {
  const app = await createTestApp(adapter, {
    imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, dedupe: false, ...options })],
    providers: [Blocking],
  });
  await app.init();
  return { app, client: createMessengerTestClient(app), blocking: app.get(Blocking), timeouts: new Timeouts(app) };
}

/** Sends one text message from `sender` with a pinned mid and resolves on the HTTP answer (background mode answers at once). */
const sendText = (client: MessengerTestClient, sender: string, mid: string) => client.send(MessengerEvents.text(mid, { sender, mid }), { waitForHandlers: false });

describe.each(ADAPTERS)('a handler that runs past handlerTimeout, on %s', (adapter) => {
  let booted: Booted | undefined;
  afterEach(async () => {
    booted?.blocking.releaseAll();
    await booted?.app.close();
    booted = undefined;
  });

  it('keeps its conversation: the next event of the same person starts only once its body really ended', async () => {
    booted = await boot(adapter, { dispatch: 'background', handlerTimeout: 50 });
    const { app, client, blocking, timeouts } = booted;
    const mids = ['m_1', 'm_2', 'm_3', 'm_4', 'm_5'];
    for (const mid of mids) expect((await sendText(client, 'U1', mid)).status).toBe(200);
    for (const mid of mids) {
      await blocking.entered(mid).promise;
      await timeouts.of(mid);
      // Had the timeout released the conversation, the next handler would have started by now.
      await roundTrip(client);
      expect(blocking.started, `after ${mid} timed out`).toEqual(mids.slice(0, mids.indexOf(mid) + 1));
      blocking.release(mid);
    }
    await app.get(MessengerDispatcher).idle();
    expect(blocking.finished).toEqual(mids);
    expect(blocking.overlaps).toBe(0);
  });

  it('keeps its concurrency slot: no more handler bodies run at once than concurrency', async () => {
    booted = await boot(adapter, { dispatch: 'background', handlerTimeout: 50, concurrency: 2 });
    const { app, client, blocking, timeouts } = booted;
    const mids = ['m_a', 'm_b', 'm_c', 'm_d', 'm_e', 'm_f'];
    // One person each: nothing but the concurrency bound holds them back.
    for (const [index, mid] of mids.entries()) expect((await sendText(client, `U${index}`, mid)).status).toBe(200);
    await Promise.all([blocking.entered('m_a').promise, blocking.entered('m_b').promise]);
    await Promise.all([timeouts.of('m_a'), timeouts.of('m_b')]);
    await roundTrip(client);
    expect(blocking.running).toBe(2);
    expect(blocking.started).toEqual(['m_a', 'm_b']);
    for (const mid of mids) {
      await blocking.entered(mid).promise;
      blocking.release(mid);
    }
    await app.get(MessengerDispatcher).idle();
    expect(blocking.finished.sort()).toEqual([...mids].sort());
    expect(blocking.maxRunning).toBe(2);
  });
});
