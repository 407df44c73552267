import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { MessengerDispatcher, MessengerWebhookModule, type MessengerWebhookOptions } from 'nestjs-messenger-webhook';
import { ADAPTERS, APP_SECRET, delivery, startServer, VERIFY_TOKEN, type AdapterName, type TestServer } from '../support/app.js';
import { Blocking } from '../support/blocking-handler.js';
import { textMessage } from '../support/deliveries.js';
import { LogCapture } from '../support/log-capture.js';

const logs = new LogCapture();
const DEADLINE = 300;

interface Booted {
  server: TestServer;
  blocking: Blocking;
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
  return { server, blocking: server.app.get(Blocking) };
}

/** POSTs a signed delivery and times the answer; gives up after 5 s, so a hanging answer fails the test instead of stalling it. */
async function timedPost(server: TestServer, body: unknown): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  const response = await server.post(body, { signal: AbortSignal.timeout(5_000) });
  return { status: response.status, ms: performance.now() - started };
}

describe.each(ADAPTERS)('dispatch: await with a deliveryDeadline, on %s', (adapter) => {
  let booted: Booted | undefined;
  afterEach(async () => {
    booted?.blocking.releaseAll();
    await booted?.server.close();
    booted = undefined;
    logs.clear();
  });

  it('answers 200 at the deadline while the handlers go on, and a later delivery never waits behind them longer', async () => {
    booted = await boot(adapter, { handlerTimeout: 0, deliveryDeadline: DEADLINE, concurrency: 2, shutdownTimeout: 100 });
    const { server, blocking } = booted;
    const slow = ['m_0', 'm_1', 'm_2', 'm_3'].map((mid, index) => textMessage(`U${index}`, mid, 'hangs'));
    const first = await timedPost(server, delivery(slow));
    expect(first.status).toBe(200);
    expect(first.ms).toBeGreaterThanOrEqual(DEADLINE - 20);
    expect(first.ms).toBeLessThan(DEADLINE + 2_000);
    expect(blocking.started).toEqual(['m_0', 'm_1']);

    // One more person: both slots are taken by the first delivery's handlers, which never end on their own.
    const second = await timedPost(server, delivery([textMessage('U9', 'm_9', 'queued behind')]));
    expect(second.status).toBe(200);
    expect(second.ms).toBeLessThan(DEADLINE + 2_000);
    expect(blocking.started).toEqual(['m_0', 'm_1']);
    expect(logs.at('warn').filter((line) => line.message.includes('deliveryDeadline'))).toHaveLength(2);

    // Both deliveries were answered 200, so all their events count as acknowledged: a stop now loses them, and says so.
    await server.app.close();
    expect(logs.errors().map((line) => line.message)).toContainEqual(
      expect.stringContaining('5 acknowledged events were not handled (2 still running, 3 not started)'),
    );
  });

  it('with handlerTimeout: 0 and 16 hanging conversations, still answers every later delivery', async () => {
    booted = await boot(adapter, { handlerTimeout: 0, deliveryDeadline: DEADLINE });
    const { server, blocking } = booted;
    const hanging = Array.from({ length: 16 }, (_, index) => timedPost(server, delivery([textMessage(`H${index}`, `h_${index}`, 'hangs')])));
    expect((await Promise.all(hanging)).map((answer) => answer.status)).toEqual(Array(16).fill(200));
    const later = await Promise.all([1, 2, 3].map((index) => timedPost(server, delivery([textMessage(`L${index}`, `l_${index}`, 'later')]))));
    expect(later.map((answer) => answer.status)).toEqual([200, 200, 200]);
    for (const answer of later) expect(answer.ms).toBeLessThan(DEADLINE + 2_000);
    // Released, everything queued behind the hanging handlers still runs.
    blocking.releaseAll();
    await server.app.get(MessengerDispatcher).idle();
    expect(blocking.finished).toHaveLength(19);
  });

  it('in await mode too, refuses deliveries with 503 once maxPendingEvents are pending, instead of piling them up', async () => {
    booted = await boot(adapter, { handlerTimeout: 0, deliveryDeadline: DEADLINE, concurrency: 1, maxPendingEvents: 2 });
    const { server } = booted;
    const answered = await timedPost(server, delivery([textMessage('U1', 'm_1', 'hangs'), textMessage('U2', 'm_2', 'waits')]));
    expect(answered.status).toBe(200);
    const refused = await timedPost(server, delivery([textMessage('U3', 'm_3', 'one too many')]));
    expect(refused.status).toBe(503);
    expect(refused.ms).toBeLessThan(DEADLINE);
  });

  it("refuses a deliveryDeadline that is not below Meta's 20-second timeout", async () => {
    await expect(boot(adapter, { deliveryDeadline: 20_000 })).rejects.toThrow(/deliveryDeadline must be .*below 20000/);
  });
});
