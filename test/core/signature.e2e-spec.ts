import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MessageEvent, MessengerWebhookModule, signBody } from 'nestjs-messenger-webhook';
import { ADAPTERS, APP_SECRET, delivery, startServer, VERIFY_TOKEN, type TestServer } from '../support/app.js';
import { signSha1, textMessage } from '../support/deliveries.js';
import { LogCapture } from '../support/log-capture.js';
import { EveryListener } from '../support/recorder.js';

const logs = new LogCapture();
const body = JSON.stringify(delivery([textMessage('U1', 'm_sig', 'hello')]));

describe.each(ADAPTERS)('signature of deliveries on %s', (adapter) => {
  describe('with one app secret', () => {
    let server: TestServer;
    let listener: EveryListener;
    beforeAll(async () => {
      server = await startServer(
        adapter,
        { imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, dedupe: false })], providers: [EveryListener] },
        { logger: logs },
      );
      listener = server.app.get(EveryListener);
    });
    beforeEach(() => listener.reset());
    afterAll(() => server.close());

    /** Posts `body` with exactly these headers. */
    async function send(headers: Record<string, string>): Promise<{ status: number; text: string }> {
      const response = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      return { status: response.status, text: await response.text() };
    }

    it('accepts a body signed with the app secret', async () => {
      const response = await send({ 'x-hub-signature-256': signBody(body, APP_SECRET) });
      expect(response.status).toBe(200);
      expect(listener.callsOf('OnMessage')).toHaveLength(1);
    });

    it('answers 401 and runs no handler when X-Hub-Signature-256 is missing', async () => {
      const response = await send({});
      expect(response.status).toBe(401);
      expect(response.text).toContain('X-Hub-Signature-256');
      expect(listener.calls).toEqual([]);
    });

    it.each([
      ['sha256=zz', 'sha256=zz'],
      ['a digest one hex digit short', signBody(body, APP_SECRET).slice(0, -1)],
      ['a digest one hex digit long', `${signBody(body, APP_SECRET)}0`],
      ['a sha1 value in the sha256 header', signSha1(body, APP_SECRET)],
      ['no algorithm prefix', signBody(body, APP_SECRET).slice('sha256='.length)],
    ])('answers 401 and runs no handler for a malformed header: %s', async (_case, header) => {
      const response = await send({ 'x-hub-signature-256': header });
      expect(response.status).toBe(401);
      expect(listener.calls).toEqual([]);
    });

    it('answers 401 for a valid legacy sha1 X-Hub-Signature alone, since allowSha1Signature is off', async () => {
      const response = await send({ 'x-hub-signature': signSha1(body, APP_SECRET) });
      expect(response.status).toBe(401);
      expect(response.text).toContain('allowSha1Signature');
      expect(listener.calls).toEqual([]);
    });

    it('answers 403 and runs no handler for a body signed with another secret', async () => {
      const response = await send({ 'x-hub-signature-256': signBody(body, 'another-secret') });
      expect(response.status).toBe(403);
      expect(listener.calls).toEqual([]);
    });

    it('answers 403 when the signature is of other bytes than those sent', async () => {
      const response = await send({ 'x-hub-signature-256': signBody(`${body} `, APP_SECRET) });
      expect(response.status).toBe(403);
      expect(listener.calls).toEqual([]);
    });

    it("verifies over Meta's own bytes (escaped / and non-ASCII) and hands the decoded text to the handler", async () => {
      // Written by hand the way Meta serialises: `\/` and `\u00e9` escapes, which JSON.stringify would not produce.
      const metaBytes = String.raw`{"object":"page","entry":[{"id":"PAGE_1","time":1700000000000,"messaging":[{"sender":{"id":"U1"},"recipient":{"id":"PAGE_1"},"timestamp":1700000000001,"message":{"mid":"m_meta","text":"Caf\u00e9 \/ th\u00e9 https:\/\/example.com\/menu"}}]}]}`;
      expect(JSON.stringify(JSON.parse(metaBytes))).not.toBe(metaBytes);
      const response = await server.post(metaBytes);
      expect(response.status).toBe(200);
      const [call] = listener.callsOf('OnMessage');
      expect(call?.event).toBeInstanceOf(MessageEvent);
      expect((call?.event as MessageEvent).message.text).toBe('Café / thé https://example.com/menu');
    });

    it('never puts the app secret in an answer or a log line', async () => {
      logs.clear();
      const refused = await Promise.all([
        send({}),
        send({ 'x-hub-signature-256': 'sha256=zz' }),
        send({ 'x-hub-signature-256': signBody(body, 'another-secret') }),
        send({ 'x-hub-signature': signSha1(body, APP_SECRET) }),
      ]);
      expect(refused.map((answer) => answer.status)).toEqual([401, 401, 403, 401]);
      // The refusals were logged (so the logs were read), and neither they nor the answers hold the secret.
      expect(logs.at('warn').filter((line) => line.message.startsWith('Refused a delivery'))).toHaveLength(4);
      expect(logs.text).not.toContain(APP_SECRET);
      for (const answer of refused) expect(answer.text).not.toContain(APP_SECRET);
    });
  });

  describe('while the app secret is rotated (appSecret: [old, new])', () => {
    let server: TestServer;
    let listener: EveryListener;
    beforeAll(async () => {
      server = await startServer(adapter, {
        imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: ['old-secret', 'new-secret'], dedupe: false })],
        providers: [EveryListener],
      });
      listener = server.app.get(EveryListener);
    });
    beforeEach(() => listener.reset());
    afterAll(() => server.close());

    it.each(['old-secret', 'new-secret'])('accepts a body signed with %s', async (secret) => {
      expect((await server.post(body, { secret })).status).toBe(200);
      expect(listener.callsOf('OnMessage')).toHaveLength(1);
    });

    it('still refuses a body signed with neither', async () => {
      expect((await server.post(body, { secret: APP_SECRET })).status).toBe(403);
      expect(listener.calls).toEqual([]);
    });
  });

  describe('with allowSha1Signature: true', () => {
    let server: TestServer;
    let listener: EveryListener;
    beforeAll(async () => {
      server = await startServer(adapter, {
        imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, allowSha1Signature: true, dedupe: false })],
        providers: [EveryListener],
      });
      listener = server.app.get(EveryListener);
    });
    beforeEach(() => listener.reset());
    afterAll(() => server.close());

    it('accepts a valid legacy sha1 X-Hub-Signature', async () => {
      const response = await server.post(body, { secret: null, headers: { 'x-hub-signature': signSha1(body, APP_SECRET) } });
      expect(response.status).toBe(200);
      expect(listener.callsOf('OnMessage')).toHaveLength(1);
    });

    it('refuses a sha1 signature made with another secret', async () => {
      const response = await server.post(body, { secret: null, headers: { 'x-hub-signature': signSha1(body, 'another-secret') } });
      expect(response.status).toBe(403);
      expect(listener.calls).toEqual([]);
    });

    it('still answers 401 when neither header is sent', async () => {
      expect((await server.post(body, { secret: null })).status).toBe(401);
      expect(listener.calls).toEqual([]);
    });
  });
});
