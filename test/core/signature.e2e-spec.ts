import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MessageEvent, MessengerWebhookModule, type MessengerWebhookOptions } from 'nestjs-messenger-webhook';
import {
  createMessengerTestClient,
  MessengerEvents,
  MessengerRecorder,
  metaStringify,
  signPayload,
  webhookBody,
  type MessengerTestClient,
} from 'nestjs-messenger-webhook/testing';
import { ADAPTERS, APP_SECRET, createTestApp, VERIFY_TOKEN } from '../support/app.js';
import { LogCapture } from '../support/log-capture.js';


const logs = new LogCapture();
const body = metaStringify(webhookBody([MessengerEvents.text('hello', { sender: 'U1', mid: 'm_sig' })]));

/** The legacy `X-Hub-Signature` value (sha1) Meta still sends beside the sha256 one. */
const signSha1 = (raw: string, secret: string) => signPayload(raw, secret, 'sha1');

/** An app of the module with these options and the recorder, and a kit client for it. */
async function start(adapter: (typeof ADAPTERS)[number], options: MessengerWebhookOptions, logger?: LogCapture) {
  const app = await createTestApp(adapter, { imports: [MessengerWebhookModule.forRoot(options)], providers: [MessengerRecorder] }, { logger });
  return { app, client: createMessengerTestClient(app), recorder: app.get(MessengerRecorder) };
}

describe.each(ADAPTERS)('signature of deliveries on %s', (adapter) => {
  describe('with one app secret', () => {
    let app: INestApplication;
    let client: MessengerTestClient;
    let recorder: MessengerRecorder;
    beforeAll(async () => {
      ({ app, client, recorder } = await start(adapter, { verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, dedupe: false }, logs));
    });
    beforeEach(() => recorder.reset());
    afterAll(() => app.close());

    /** Posts `body` with exactly these headers. */
    const send = (headers: Record<string, string>) => client.send(body, { secret: null, headers });

    it('accepts a body signed with the app secret', async () => {
      const response = await send({ 'x-hub-signature-256': signPayload(body, APP_SECRET) });
      expect(response.status).toBe(200);
      expect(recorder.received('OnMessage')).toHaveLength(1);
    });

    it('accepts the two headers Meta sends together (sha256 and the legacy sha1), with allowSha1Signature off', async () => {
      expect((await client.send(body, { signature: 'both' })).status).toBe(200);
      expect(recorder.received('OnMessage')).toHaveLength(1);
    });

    it('answers 401 and runs no handler when X-Hub-Signature-256 is missing', async () => {
      const response = await send({});
      expect(response.status).toBe(401);
      expect(response.body).toContain('X-Hub-Signature-256');
      expect(recorder.calls).toEqual([]);
    });

    it.each([
      ['sha256=zz', 'sha256=zz'],
      ['a digest one hex digit short', signPayload(body, APP_SECRET).slice(0, -1)],
      ['a digest one hex digit long', `${signPayload(body, APP_SECRET)}0`],
      ['a sha1 value in the sha256 header', signSha1(body, APP_SECRET)],
      ['no algorithm prefix', signPayload(body, APP_SECRET).slice('sha256='.length)],
    ])('answers 401 and runs no handler for a malformed header: %s', async (_case, header) => {
      const response = await send({ 'x-hub-signature-256': header });
      expect(response.status).toBe(401);
      expect(recorder.calls).toEqual([]);
    });

    it('answers 401 for a valid legacy sha1 X-Hub-Signature alone, since allowSha1Signature is off', async () => {
      const response = await client.send(body, { signature: 'sha1' });
      expect(response.status).toBe(401);
      expect(response.body).toContain('allowSha1Signature');
      expect(recorder.calls).toEqual([]);
    });

    it('answers 403 and runs no handler for a body signed with another secret', async () => {
      const response = await send({ 'x-hub-signature-256': signPayload(body, 'another-secret') });
      expect(response.status).toBe(403);
      expect(recorder.calls).toEqual([]);
    });

    it('answers 403 when the signature is of other bytes than those sent', async () => {
      const response = await send({ 'x-hub-signature-256': signPayload(`${body} `, APP_SECRET) });
      expect(response.status).toBe(403);
      expect(recorder.calls).toEqual([]);
    });

    it("verifies over Meta's own bytes (escaped / and non-ASCII) and hands the decoded text to the handler", async () => {
      // Written by hand the way Meta serialises: `\/` and `\u00e9` escapes, which JSON.stringify would not produce.
      const metaBytes = String.raw`{"object":"page","entry":[{"id":"PAGE_1","time":1700000000000,"messaging":[{"sender":{"id":"U1"},"recipient":{"id":"PAGE_1"},"timestamp":1700000000001,"message":{"mid":"m_meta","text":"Caf\u00e9 \/ th\u00e9 https:\/\/example.com\/menu"}}]}]}`;
      expect(JSON.stringify(JSON.parse(metaBytes))).not.toBe(metaBytes);
      const response = await client.send(metaBytes);
      expect(response.status).toBe(200);
      const [call] = recorder.received('OnMessage');
      expect(call?.event).toBeInstanceOf(MessageEvent);
      expect((call?.event as MessageEvent).message.text).toBe('Café / thé https://example.com/menu');
    });

    it('never puts the app secret in an answer or a log line', async () => {
      logs.clear();
      const refused = await Promise.all([
        send({}),
        send({ 'x-hub-signature-256': 'sha256=zz' }),
        send({ 'x-hub-signature-256': signPayload(body, 'another-secret') }),
        send({ 'x-hub-signature': signSha1(body, APP_SECRET) }),
      ]);
      expect(refused.map((answer) => answer.status)).toEqual([401, 401, 403, 401]);
      // The refusals were logged (so the logs were read), and neither they nor the answers hold the secret.
      expect(logs.at('warn').filter((line) => line.message.startsWith('Refused a delivery'))).toHaveLength(4);
      expect(logs.text).not.toContain(APP_SECRET);
      for (const answer of refused) expect(answer.body).not.toContain(APP_SECRET);
    });
  });

  describe('while the app secret is rotated (appSecret: [old, new])', () => {
    let app: INestApplication;
    let client: MessengerTestClient;
    let recorder: MessengerRecorder;
    beforeAll(async () => {
      ({ app, client, recorder } = await start(adapter, { verifyToken: VERIFY_TOKEN, appSecret: ['old-secret', 'new-secret'], dedupe: false }));
    });
    beforeEach(() => recorder.reset());
    afterAll(() => app.close());

    it.each(['old-secret', 'new-secret'])('accepts a body signed with %s', async (secret) => {
      expect((await client.send(body, { secret })).status).toBe(200);
      expect(recorder.received('OnMessage')).toHaveLength(1);
    });

    it('still refuses a body signed with neither', async () => {
      expect((await client.send(body, { secret: APP_SECRET })).status).toBe(403);
      expect(recorder.calls).toEqual([]);
    });
  });

  describe('with allowSha1Signature: true', () => {
    let app: INestApplication;
    let client: MessengerTestClient;
    let recorder: MessengerRecorder;
    beforeAll(async () => {
      ({ app, client, recorder } = await start(adapter, { verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, allowSha1Signature: true, dedupe: false }));
    });
    beforeEach(() => recorder.reset());
    afterAll(() => app.close());

    it('accepts a valid legacy sha1 X-Hub-Signature', async () => {
      const response = await client.send(body, { signature: 'sha1' });
      expect(response.status).toBe(200);
      expect(recorder.received('OnMessage')).toHaveLength(1);
    });

    it('accepts the two headers together, as Meta sends them', async () => {
      expect((await client.send(body, { signature: 'both' })).status).toBe(200);
      expect(recorder.received('OnMessage')).toHaveLength(1);
    });

    it('refuses a sha1 signature made with another secret', async () => {
      const response = await client.send(body, { secret: null, headers: { 'x-hub-signature': signSha1(body, 'another-secret') } });
      expect(response.status).toBe(403);
      expect(recorder.calls).toEqual([]);
    });

    it('still answers 401 when neither header is sent', async () => {
      expect((await client.send(body, { secret: null })).status).toBe(401);
      expect(recorder.calls).toEqual([]);
    });
  });
});
