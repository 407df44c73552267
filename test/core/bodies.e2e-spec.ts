import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MessengerWebhookModule, signBody } from 'nestjs-messenger-webhook';
import { ADAPTERS, APP_SECRET, delivery, startServer, VERIFY_TOKEN, type TestServer } from '../support/app.js';
import { textMessage } from '../support/deliveries.js';
import { LogCapture } from '../support/log-capture.js';
import { EveryListener } from '../support/recorder.js';

const logs = new LogCapture();
const webhookModule = () => MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, dedupe: false });
const validDelivery = JSON.stringify(delivery([textMessage('U1', 'm_body', 'hello')]));

describe.each(ADAPTERS)('bodies that are not deliveries on %s', (adapter) => {
  let server: TestServer;
  let listener: EveryListener;
  beforeAll(async () => {
    server = await startServer(adapter, { imports: [webhookModule()], providers: [EveryListener] }, { logger: logs });
    listener = server.app.get(EveryListener);
  });
  beforeEach(() => listener.reset());
  afterAll(() => server.close());

  it('answers 400, saying it is not valid JSON, to a signed body that is not JSON', async () => {
    const response = await server.post('{"object":"page","entry":[');
    expect(response.status).toBe(400);
    // The framework parses before the webhook sees the body, so the wording is Express's or Fastify's own.
    const { message } = (await response.json()) as { message: string };
    expect(message).toMatch(adapter === 'express' ? /JSON/ : /not valid JSON/);
    expect(listener.calls).toEqual([]);
  });

  it.each([
    ['"object" is not a string', { object: 42, entry: [] }, 'body.object must be a string'],
    ['"object" is missing', { entry: [] }, 'body.object must be a string'],
    ['"entry" is not an array', { object: 'page', entry: { id: 'PAGE_1' } }, 'body.entry must be an array'],
    ['"entry" is missing', { object: 'page' }, 'body.entry must be an array'],
    ['the body is an array', [{ object: 'page', entry: [] }], 'body must be a JSON object'],
  ])('answers 400 naming the problem when %s', async (_case, payload, expected) => {
    const response = await server.post(payload);
    expect(response.status).toBe(400);
    const { message } = (await response.json()) as { message: string };
    expect(message).toContain(expected);
    expect(listener.calls).toEqual([]);
  });

  it('answers 415 to a text/plain body, even a signed one', async () => {
    const response = await server.post(validDelivery, { headers: { 'content-type': 'text/plain' } });
    expect(response.status).toBe(415);
    expect(((await response.json()) as { message: string }).message).toContain('application/json');
    expect(listener.calls).toEqual([]);
  });

  it('still handles a well-formed delivery (the refusals above were about the bodies)', async () => {
    expect((await server.post(validDelivery)).status).toBe(200);
    expect(listener.callsOf('OnMessage')).toHaveLength(1);
  });
});

describe.each(ADAPTERS)('an app created without rawBody: true on %s', (adapter) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(adapter, { imports: [webhookModule()], providers: [EveryListener] }, { logger: logs, rawBody: false });
  });
  afterAll(() => server.close());

  it('answers 500 to a signed delivery, runs no handler, and logs how to fix it', async () => {
    logs.clear();
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(validDelivery, APP_SECRET) },
      body: validDelivery,
    });
    // 500 rather than 4xx: Meta retries it, so nothing is lost once the app is fixed.
    expect(response.status).toBe(500);
    expect(server.app.get(EveryListener).calls).toEqual([]);
    expect(logs.at('error').map((line) => line.message)).toContainEqual(expect.stringContaining('rawBody: true'));
  });
});
