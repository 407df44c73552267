import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { MessengerWebhookModule } from 'nestjs-messenger-webhook';
import { ADAPTERS, APP_SECRET, startServer, VERIFY_TOKEN, type TestServer } from '../support/app.js';
import { textMessage } from '../support/deliveries.js';
import { LogCapture } from '../support/log-capture.js';
import { EveryListener } from '../support/recorder.js';

const logs = new LogCapture();

describe.each(ADAPTERS)('a signed delivery full of malformed items, on %s', (adapter) => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
    logs.clear();
  });

  it('logs one line for the 100,000 unreadable items of one delivery, with the count and the first paths, and handles the valid event', async () => {
    server = await startServer(
      adapter,
      { imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET })], providers: [EveryListener] },
      { logger: logs },
    );
    // Distinct values: identical unreadable items would be dropped as redeliveries of one another.
    const junk = Array.from({ length: 100_000 }, (_, index) => (index % 2 === 0 ? index : `junk ${index}`));
    const body = {
      object: 'page',
      entry: [
        { id: 'PAGE_1', time: 1_700_000_000_000, messaging: 'not a list' },
        { id: 'PAGE_1', time: 1_700_000_000_000, messaging: [...junk, textMessage('U1', 'm_valid', 'still here')] },
      ],
    };
    const started = performance.now();
    const response = await server.post(body);
    const ms = performance.now() - started;
    expect(response.status).toBe(200);
    expect(server.app.get(EveryListener).callsOf('OnMessage').map((call) => (call.event as { message: { mid: string } }).message.mid)).toEqual(['m_valid']);
    const skipped = logs.at('warn').filter((line) => line.message.includes('entry['));
    expect(skipped).toHaveLength(1);
    expect(skipped[0]!.message).toContain('100001 events of a delivery could not be read');
    expect(skipped[0]!.message).toContain('entry[0].messaging must be an array');
    expect(skipped[0]!.message).toContain('entry[1].messaging[0] (unknown): is not an object');
    expect(skipped[0]!.message).toContain('entry[1].messaging[1] (unknown): is not an object');
    expect(skipped[0]!.message).toMatch(/and 99998 more$/);
    expect(ms, 'one delivery of 100,000 bad items').toBeLessThan(10_000);
  });
});
