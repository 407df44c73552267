import { afterEach, describe, expect, it } from 'vitest';
import { MessengerWebhookModule, type MessengerWebhookOptions } from 'nestjs-messenger-webhook';
import { ADAPTERS, APP_SECRET, startServer, VERIFY_TOKEN, type TestServer } from '../support/app.js';
import { RecordingBot } from './harness.js';

const KIB = 1024;
const MIB = 1024 * KIB;

/** A valid signed delivery of one message, padded (in the text) to exactly `bytes` bytes of JSON. */
function deliveryOfSize(bytes: number, mid = `size-${bytes}`): string {
  const make = (text: string) =>
    JSON.stringify({
      object: 'page',
      entry: [{ id: 'PAGE_1', time: 1, messaging: [{ sender: { id: 'U1' }, recipient: { id: 'PAGE_1' }, timestamp: 1, message: { mid, text } }] }],
    });
  const padding = bytes - make('').length;
  if (padding < 0) throw new Error(`a delivery cannot be as small as ${bytes} bytes`);
  const body = make('x'.repeat(padding));
  expect(Buffer.byteLength(body)).toBe(bytes);
  return body;
}

describe.each(ADAPTERS)('body size limits on %s', (adapter) => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function boot(options: Partial<MessengerWebhookOptions> = {}): Promise<{ server: TestServer; bot: RecordingBot }> {
    server = await startServer(adapter, {
      imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, ...options })],
      providers: [RecordingBot],
    });
    return { server, bot: server.app.get(RecordingBot) };
  }

  it('answers 413 to a signed body over a custom bodyLimit, and runs no handler', async () => {
    const { server, bot } = await boot({ bodyLimit: 10 * KIB });
    const response = await server.post(deliveryOfSize(20 * KIB));
    expect(response.status).toBe(413);
    expect(await response.text()).toContain('bodyLimit');
    expect(bot.calls).toBe(0);
  });

  it('accepts a body of exactly bodyLimit bytes and refuses one byte more', async () => {
    const { server, bot } = await boot({ bodyLimit: 10 * KIB });
    expect((await server.post(deliveryOfSize(10 * KIB - 1, 'under'))).status).toBe(200);
    expect((await server.post(deliveryOfSize(10 * KIB, 'at'))).status).toBe(200);
    expect((await server.post(deliveryOfSize(10 * KIB + 1, 'over'))).status).toBe(413);
    expect(bot.calls).toBe(2);
  });

  it('applies the default bodyLimit of 1 MiB', async () => {
    const { server, bot } = await boot();
    expect((await server.post(deliveryOfSize(MIB, 'one-mib'))).status).toBe(200);
    expect((await server.post(deliveryOfSize(MIB + 1, 'one-mib-and-a-byte'))).status).toBe(413);
    expect(bot.calls).toBe(1);
  });

  // What the framework answers before the module sees the body: Express's JSON parser stops at the limit given to
  // useBodyParser (2 MB in test/support/app.ts), Fastify's at the adapter's bodyLimit (1 MiB by default).
  it('answers 413 from the framework itself beyond its own parser limit, with no handler run', async () => {
    const { server, bot } = await boot({ bodyLimit: 8 * MIB });
    const frameworkLimit = adapter === 'express' ? 2 * MIB : MIB;
    expect((await server.post(deliveryOfSize(frameworkLimit, 'at-framework-limit'))).status).toBe(200);
    const response = await server.post(deliveryOfSize(frameworkLimit + 1, 'over-framework-limit'));
    expect(response.status).toBe(413);
    expect(bot.calls).toBe(1);
    const large = await server.post(deliveryOfSize(3 * MIB, 'far-over-framework-limit'));
    expect(large.status).toBe(413);
    expect(bot.calls).toBe(1);
  });
});
