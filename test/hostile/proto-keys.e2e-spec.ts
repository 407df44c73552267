import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MessengerWebhookModule, signBody } from 'nestjs-messenger-webhook';
import { ADAPTERS, APP_SECRET, startServer, VERIFY_TOKEN, type TestServer } from '../support/app.js';
import { EveryListener } from '../support/recorder.js';

/** A route of the app's own, beside the webhook: the app's JSON rules stay its own there. */
@Controller('other')
class OtherController {
  @Post()
  @HttpCode(200)
  take(@Body() body: unknown): unknown {
    return { keys: Object.keys(body as object) };
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
  let server: TestServer;
  let listener: EveryListener;
  beforeAll(async () => {
    server = await startServer(adapter, {
      imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, dedupe: false })],
      controllers: [OtherController],
      providers: [EveryListener],
    });
    listener = server.app.get(EveryListener);
  });
  afterAll(() => server.close());
  beforeEach(() => listener.reset());

  it('handles every event, with those keys removed and no prototype touched', async () => {
    const response = await server.post(RAW);
    expect(response.status).toBe(200);
    const messages = listener.callsOf('OnMessage').map((call) => call.event as unknown as { message: Record<string, unknown> });
    expect(messages.map((event) => event.message.mid)).toEqual(['m_proto', 'm_escaped', 'm_plain']);
    const nlp = messages[0]!.message.nlp as Record<string, unknown>;
    expect(Object.keys(nlp)).toEqual(['entities']);
    expect(Object.getPrototypeOf(nlp)).toBe(Object.prototype);
    expect(Object.hasOwn(messages[1]!.message, '__proto__')).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('still checks the signature over the exact bytes sent', async () => {
    const wrong = await server.post(RAW, { secret: 'not-the-secret' });
    expect(wrong.status).toBe(403);
    // Signed over the bytes with the keys removed: not what was sent, so refused.
    const cleaned = RAW.replace('"__proto__":{"polluted":true},', '');
    const response = await server.post(RAW, { headers: { 'x-hub-signature-256': signBody(cleaned, APP_SECRET) }, secret: null });
    expect(response.status).toBe(403);
    expect(listener.calls).toEqual([]);
  });

  it("leaves the app's other routes to the framework's own JSON rules", async () => {
    const response = await fetch(server.url.replace(/webhook$/, 'other'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"__proto__":{"polluted":true},"a":1}',
    });
    // Fastify refuses such bodies by default (onProtoPoisoning: 'error'); Express keeps the key as an own property.
    expect(response.status).toBe(adapter === 'fastify' ? 400 : 200);
  });
});
