import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MessengerWebhookModule } from 'nestjs-messenger-webhook';
import { createMessengerTestClient, MessengerEvents, MessengerRecorder, type MessengerTestClient } from 'nestjs-messenger-webhook/testing';
import { ADAPTERS, APP_SECRET, createTestApp, VERIFY_TOKEN } from '../support/app.js';
import { LogCapture } from '../support/log-capture.js';


const logs = new LogCapture();
const webhookModule = () => MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, dedupe: false });
const message = () => MessengerEvents.text('hello', { sender: 'U1', mid: 'm_body' });
const messageOf = (body: string) => (JSON.parse(body) as { message: string }).message;

describe.each(ADAPTERS)('bodies that are not deliveries on %s', (adapter) => {
  let app: INestApplication;
  let client: MessengerTestClient;
  let recorder: MessengerRecorder;
  beforeAll(async () => {
    app = await createTestApp(adapter, { imports: [webhookModule()], providers: [MessengerRecorder] }, { logger: logs });
    client = createMessengerTestClient(app);
    recorder = app.get(MessengerRecorder);
  });
  beforeEach(() => recorder.reset());
  afterAll(() => app.close());

  it('answers 400, saying it is not valid JSON, to a signed body that is not JSON', async () => {
    const response = await client.send('{"object":"page","entry":[');
    expect(response.status).toBe(400);
    // The framework parses before the webhook sees the body, so the wording is Express's or Fastify's own.
    expect(messageOf(response.body)).toMatch(adapter === 'express' ? /JSON/ : /not valid JSON/);
    expect(recorder.calls).toEqual([]);
  });

  it.each([
    ['"object" is not a string', { object: 42, entry: [] }, 'body.object must be a string'],
    ['"object" is missing', { entry: [] }, 'body.object must be a string'],
    ['"entry" is not an array', { object: 'page', entry: { id: 'PAGE_1' } }, 'body.entry must be an array'],
    ['"entry" is missing', { object: 'page' }, 'body.entry must be an array'],
    ['the body is an array', [{ object: 'page', entry: [] }], 'body must be a JSON object'],
  ])('answers 400 naming the problem when %s', async (_case, payload, expected) => {
    const response = await client.send(JSON.stringify(payload));
    expect(response.status).toBe(400);
    expect(messageOf(response.body)).toContain(expected);
    expect(recorder.calls).toEqual([]);
  });

  it('answers 415 to a text/plain body, even a signed one', async () => {
    const response = await client.send(message(), { headers: { 'content-type': 'text/plain' } });
    expect(response.status).toBe(415);
    expect(messageOf(response.body)).toContain('application/json');
    expect(recorder.calls).toEqual([]);
  });

  it('still handles a well-formed delivery (the refusals above were about the bodies)', async () => {
    expect((await client.send(message())).status).toBe(200);
    expect(recorder.received('OnMessage')).toHaveLength(1);
  });
});

describe.each(ADAPTERS)('an app created without rawBody: true on %s', (adapter) => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await createTestApp(adapter, { imports: [webhookModule()], providers: [MessengerRecorder] }, { logger: logs, rawBody: false });
  });
  afterAll(() => app.close());

  it('answers 500 to a signed delivery, runs no handler, and logs how to fix it', async () => {
    logs.clear();
    const response = await createMessengerTestClient(app).send(message());
    // 500 rather than 4xx: Meta retries it, so nothing is lost once the app is fixed.
    expect(response.status).toBe(500);
    expect(app.get(MessengerRecorder).calls).toEqual([]);
    expect(logs.at('error').map((line) => line.message)).toContainEqual(expect.stringContaining('rawBody: true'));
  });
});
