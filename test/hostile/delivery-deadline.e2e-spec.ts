import { performance } from 'node:perf_hooks';
import type { INestApplication } from '@nestjs/common';
import { afterEach, describe, expect, it } from 'vitest';
import { MessengerDispatcher, MessengerWebhookModule, type MessengerWebhookOptions } from 'nestjs-messenger-webhook';
import { createMessengerTestClient, MessengerEvents, type MessengerTestClient } from 'nestjs-messenger-webhook/testing';
import { ADAPTERS, APP_SECRET, createTestApp, VERIFY_TOKEN, type AdapterName } from '../support/app.js';
import { Blocking } from './blocking-bot.js';
import { LogCapture } from '../support/log-capture.js';

const logs = new LogCapture();
const DEADLINE = 300;

interface Booted {
  app: INestApplication;
  client: MessengerTestClient;
  blocking: Blocking;
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
  return { app, client: createMessengerTestClient(app), blocking: app.get(Blocking) };
}

/** A text message from `sender` with a pinned mid, so the test can follow it through the blocking handler. */
const text = (sender: string, mid: string, body: string) => MessengerEvents.text(body, { sender, mid });

/**
 * Sends signed events and times the HTTP answer (not the handlers, which hang on purpose); gives up after 5 s, so a
 * hanging answer fails the test instead of stalling it.
 */
async function timedSend(client: MessengerTestClient, events: object[]): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('no answer within 5 s')), 5_000);
  });
  try {
    const response = await Promise.race([client.send(events, { waitForHandlers: false }), gaveUp]);
    return { status: response.status, ms: performance.now() - started };
  } finally {
    clearTimeout(timer);
  }
}

describe.each(ADAPTERS)('dispatch: await with a deliveryDeadline, on %s', (adapter) => {
  let booted: Booted | undefined;
  afterEach(async () => {
    booted?.blocking.releaseAll();
    await booted?.app.close();
    booted = undefined;
    logs.clear();
  });

  it('answers 200 at the deadline while the handlers go on, and a later delivery never waits behind them longer', async () => {
    booted = await boot(adapter, { handlerTimeout: 0, deliveryDeadline: DEADLINE, concurrency: 2, shutdownTimeout: 100 });
    const { app, client, blocking } = booted;
    const slow = ['m_0', 'm_1', 'm_2', 'm_3'].map((mid, index) => text(`U${index}`, mid, 'hangs'));
    const first = await timedSend(client, slow);
    expect(first.status).toBe(200);
    expect(first.ms).toBeGreaterThanOrEqual(DEADLINE - 20);
    expect(first.ms).toBeLessThan(DEADLINE + 2_000);
    expect(blocking.started).toEqual(['m_0', 'm_1']);

    // One more person: both slots are taken by the first delivery's handlers, which never end on their own.
    const second = await timedSend(client, [text('U9', 'm_9', 'queued behind')]);
    expect(second.status).toBe(200);
    expect(second.ms).toBeLessThan(DEADLINE + 2_000);
    expect(blocking.started).toEqual(['m_0', 'm_1']);
    expect(logs.at('warn').filter((line) => line.message.includes('deliveryDeadline'))).toHaveLength(2);

    // Both deliveries were answered 200, so all their events count as acknowledged: a stop now loses them, and says so.
    await app.close();
    expect(logs.errors().map((line) => line.message)).toContainEqual(
      expect.stringContaining('5 acknowledged events were not handled (2 still running, 3 not started)'),
    );
  });

  it('with handlerTimeout: 0 and 16 hanging conversations, still answers every later delivery', async () => {
    booted = await boot(adapter, { handlerTimeout: 0, deliveryDeadline: DEADLINE });
    const { app, client, blocking } = booted;
    const hanging = Array.from({ length: 16 }, (_, index) => timedSend(client, [text(`H${index}`, `h_${index}`, 'hangs')]));
    expect((await Promise.all(hanging)).map((answer) => answer.status)).toEqual(Array(16).fill(200));
    const later = await Promise.all([1, 2, 3].map((index) => timedSend(client, [text(`L${index}`, `l_${index}`, 'later')])));
    expect(later.map((answer) => answer.status)).toEqual([200, 200, 200]);
    for (const answer of later) expect(answer.ms).toBeLessThan(DEADLINE + 2_000);
    // Released, everything queued behind the hanging handlers still runs.
    blocking.releaseAll();
    await app.get(MessengerDispatcher).idle();
    expect(blocking.finished).toHaveLength(19);
  });

  it('in await mode too, refuses deliveries with 503 once maxPendingEvents are pending, instead of piling them up', async () => {
    booted = await boot(adapter, { handlerTimeout: 0, deliveryDeadline: DEADLINE, concurrency: 1, maxPendingEvents: 2 });
    const { client } = booted;
    const answered = await timedSend(client, [text('U1', 'm_1', 'hangs'), text('U2', 'm_2', 'waits')]);
    expect(answered.status).toBe(200);
    const refused = await timedSend(client, [text('U3', 'm_3', 'one too many')]);
    expect(refused.status).toBe(503);
    expect(refused.ms).toBeLessThan(DEADLINE);
  });

  it("refuses a deliveryDeadline that is not below Meta's 20-second timeout", async () => {
    await expect(boot(adapter, { deliveryDeadline: 20_000 })).rejects.toThrow(/deliveryDeadline must be .*below 20000/);
  });
});
