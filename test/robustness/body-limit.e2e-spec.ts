import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { afterEach, describe, expect, it } from 'vitest';
import { MessengerWebhookModule, type MessengerWebhookOptions } from 'nestjs-messenger-webhook';
import { createMessengerTestClient, MessengerEvents, metaStringify, webhookBody, type MessengerTestClient } from 'nestjs-messenger-webhook/testing';
import { ADAPTERS, APP_SECRET, createTestApp, VERIFY_TOKEN } from '../support/app.js';
import { RecordingBot } from './harness.js';

const KIB = 1024;
const MIB = 1024 * KIB;

/** The bytes of a delivery of one message, padded (in the text) to exactly `bytes` bytes of JSON; send it signed. */
function deliveryOfSize(bytes: number, mid = `size-${bytes}`): string {
  const event = MessengerEvents.text('', { mid });
  const time = Date.now();
  const make = (text: string) => metaStringify(webhookBody({ ...event, message: { ...event.message, text } }, { time }));
  const padding = bytes - make('').length;
  if (padding < 0) throw new Error(`a delivery cannot be as small as ${bytes} bytes`);
  const body = make('x'.repeat(padding));
  expect(Buffer.byteLength(body)).toBe(bytes);
  return body;
}

describe.each(ADAPTERS)('body size limits on %s', (adapter) => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function boot(options: Partial<MessengerWebhookOptions> = {}): Promise<{ client: MessengerTestClient; bot: RecordingBot }> {
    app = await createTestApp(adapter, {
      imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, ...options })],
      providers: [RecordingBot],
    });
    // As the README tells Express users to: Express parses 100 kB by default.
    if (adapter === 'express') (app as NestExpressApplication).useBodyParser('json', { limit: '2mb' });
    return { client: createMessengerTestClient(app), bot: app.get(RecordingBot) };
  }

  it('answers 413 to a signed body over a custom bodyLimit, and runs no handler', async () => {
    const { client, bot } = await boot({ bodyLimit: 10 * KIB });
    const response = await client.send(deliveryOfSize(20 * KIB));
    expect(response.status).toBe(413);
    expect(response.body).toContain('bodyLimit');
    expect(bot.calls).toBe(0);
  });

  it('accepts a body of exactly bodyLimit bytes and refuses one byte more', async () => {
    const { client, bot } = await boot({ bodyLimit: 10 * KIB });
    expect((await client.send(deliveryOfSize(10 * KIB - 1, 'under'))).status).toBe(200);
    expect((await client.send(deliveryOfSize(10 * KIB, 'at'))).status).toBe(200);
    expect((await client.send(deliveryOfSize(10 * KIB + 1, 'over'))).status).toBe(413);
    expect(bot.calls).toBe(2);
  });

  it('applies the default bodyLimit of 1 MiB', async () => {
    const { client, bot } = await boot();
    expect((await client.send(deliveryOfSize(MIB, 'one-mib'))).status).toBe(200);
    expect((await client.send(deliveryOfSize(MIB + 1, 'one-mib-and-a-byte'))).status).toBe(413);
    expect(bot.calls).toBe(1);
  });

  // What the framework answers before the module sees the body: Express's JSON parser stops at the limit given to
  // useBodyParser (2 MB in boot() above), Fastify's at the adapter's bodyLimit (1 MiB by default).
  it('answers 413 from the framework itself beyond its own parser limit, with no handler run', async () => {
    const { client, bot } = await boot({ bodyLimit: 8 * MIB });
    const frameworkLimit = adapter === 'express' ? 2 * MIB : MIB;
    expect((await client.send(deliveryOfSize(frameworkLimit, 'at-framework-limit'))).status).toBe(200);
    const response = await client.send(deliveryOfSize(frameworkLimit + 1, 'over-framework-limit'));
    expect(response.status).toBe(413);
    expect(bot.calls).toBe(1);
    const large = await client.send(deliveryOfSize(3 * MIB, 'far-over-framework-limit'));
    expect(large.status).toBe(413);
    expect(bot.calls).toBe(1);
  });
});
