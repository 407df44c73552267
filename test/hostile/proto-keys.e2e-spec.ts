import { Body, Controller, HttpCode, Injectable, Post, type INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MessengerWebhookModule, OnEvent, OnMessage, type MessageEvent, type MessengerEvent } from 'nestjs-messenger-webhook';
import { createMessengerTestClient, signPayload, type MessengerTestClient } from 'nestjs-messenger-webhook/testing';
import { ADAPTERS, APP_SECRET, createTestApp, VERIFY_TOKEN } from '../support/app.js';

/** A route of the app's own, beside the webhook: the app's JSON rules stay its own there. */
@Controller('other')
class OtherController {
  @Post()
  @HttpCode(200)
  take(@Body() body: unknown): unknown {
    return { keys: Object.keys(body as object) };
  }
}

/** Keeps the messages it is handed, and counts every event of any kind. */
@Injectable()
class Bot {
  readonly messages: MessageEvent[] = [];
  readonly everything: MessengerEvent[] = [];

  @OnMessage()
  onMessage(event: MessageEvent): void {
    this.messages.push(event);
  }

  @OnEvent()
  onEvent(event: MessengerEvent): void {
    this.everything.push(event);
  }
}

/**
 * A signed delivery as raw text: a `__proto__` key and a `constructor.prototype` pair inside a message's free-form
 * `nlp` object, another `__proto__` key (spelt with escapes) on a second event, and an ordinary third event.
 */
const RAW =
  '{"object":"page","entry":[{"id":"PAGE_1","time":1700000000000,"messaging":[' +
  '{"sender":{"id":"U1"},"recipient":{"id":"PAGE_1"},"timestamp":1700000000001,"message":{"mid":"m_proto","text":"hi","nlp":{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"entities":{}}}},' +
  '{"sender":{"id":"U2"},"recipient":{"id":"PAGE_1"},"timestamp":1700000000002,"message":{"mid":"m_escaped","text":"yo","\\u005f_proto__":{"polluted":true}}},' +
  '{"sender":{"id":"U3"},"recipient":{"id":"PAGE_1"},"timestamp":1700000000003,"message":{"mid":"m_plain","text":"plain"}}]}]}';

describe.each(ADAPTERS)('a signed delivery with __proto__ and constructor.prototype keys, on %s', (adapter) => {
  let app: INestApplication;
  let client: MessengerTestClient;
  let bot: Bot;
  beforeAll(async () => {
    app = await createTestApp(adapter, {
      imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, dedupe: false })],
      controllers: [OtherController],
      providers: [Bot],
    });
    client = createMessengerTestClient(app);
    bot = app.get(Bot);
  });
  afterAll(() => app.close());
  beforeEach(() => {
    bot.messages.length = 0;
    bot.everything.length = 0;
  });

  it('handles every event, with those keys removed and no prototype touched', async () => {
    const response = await client.send(RAW);
    expect(response.status).toBe(200);
    expect(bot.messages.map((event) => event.message.mid)).toEqual(['m_proto', 'm_escaped', 'm_plain']);
    const nlp = bot.messages[0]!.message.nlp as Record<string, unknown>;
    expect(Object.keys(nlp)).toEqual(['entities']);
    expect(Object.getPrototypeOf(nlp)).toBe(Object.prototype);
    expect(Object.hasOwn(bot.messages[1]!.message, '__proto__')).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('still checks the signature over the exact bytes sent', async () => {
    const wrong = await client.send(RAW, { secret: 'not-the-secret' });
    expect(wrong.status).toBe(403);
    // Signed over the bytes with the keys removed: not what was sent, so refused.
    const cleaned = RAW.replace('"__proto__":{"polluted":true},', '');
    const response = await client.send(RAW, { secret: null, headers: { 'x-hub-signature-256': signPayload(cleaned, APP_SECRET) } });
    expect(response.status).toBe(403);
    expect(bot.everything).toEqual([]);
  });

  it("leaves the app's other routes to the framework's own JSON rules", async () => {
    const response = await fetch((await client.webhookUrl()).replace(/webhook$/, 'other'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"__proto__":{"polluted":true},"a":1}',
    });
    // Fastify refuses such bodies by default (onProtoPoisoning: 'error'); Express keeps the key as an own property.
    expect(response.status).toBe(adapter === 'fastify' ? 400 : 200);
  });
});
