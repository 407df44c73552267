import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MessengerWebhookModule } from 'nestjs-messenger-webhook';
import { createMessengerTestClient, MessengerEvents, metaStringify, signPayload, webhookBody, type MessengerTestClient } from 'nestjs-messenger-webhook/testing';
import { ADAPTERS, APP_SECRET, createTestApp, VERIFY_TOKEN } from '../support/app.js';
import { LogCapture } from '../support/log-capture.js';

const logs = new LogCapture();
/** A fresh delivery of one text message, as the bytes Meta would send. */
const body = () => metaStringify(webhookBody(MessengerEvents.text('hi')));

/** The lines an operator would read (debug and verbose are off in production). */
function readLines() {
  return logs.lines.filter((line) => line.level !== 'debug' && line.level !== 'verbose');
}

/**
 * POSTs `raw` to the webhook signed as the kit's `send()` signs it, but resolves with the whole `Response`: its headers
 * (content type, nosniff, no-store) are what these tests check.
 */
async function post(client: MessengerTestClient, raw: string, options: { secret?: string | null; headers?: Record<string, string> } = {}): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
  const secret = options.secret === undefined ? APP_SECRET : options.secret;
  if (secret !== null) headers['x-hub-signature-256'] = signPayload(raw, secret);
  return fetch(await client.webhookUrl(), { method: 'POST', headers, body: raw });
}

/** Meta's GET handshake with `token`, resolving with the whole `Response`. */
async function handshake(client: MessengerTestClient, token: string): Promise<Response> {
  const query = new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.verify_token': token, 'hub.challenge': '<script>alert(1)</script>' });
  return fetch(`${await client.webhookUrl()}?${query.toString()}`);
}

describe.each(ADAPTERS)('refused requests on %s', (adapter) => {
  let app: INestApplication;
  let client: MessengerTestClient;
  beforeAll(async () => {
    app = await createTestApp(adapter, { imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET })] }, { logger: logs });
    client = createMessengerTestClient(app);
    // Listening now: the boot's own log lines come before the lines the tests read.
    await client.webhookUrl();
  });
  afterAll(() => app.close());
  beforeEach(() => logs.clear());

  it.each([
    ['a wrong signature', 403, () => post(client, body(), { secret: 'wrong' })],
    ['no signature', 401, () => post(client, body(), { secret: null })],
    ['a text/plain body', 415, () => post(client, body(), { headers: { 'content-type': 'text/plain' } })],
    ['a body that is not an envelope', 400, () => post(client, JSON.stringify({ hello: 'world' }))],
    ['a wrong verify token', 403, () => handshake(client, 'wrong-token')],
  ])('%s: answers %i as JSON and logs exactly one line, ours', async (_what, status, send) => {
    const response = await send();
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect((await response.json()) as object).toMatchObject({ statusCode: status });
    expect(readLines()).toEqual([expect.objectContaining({ level: 'warn', params: ['MessengerWebhook'] })]);
  });

  it('answers the handshake as text/plain with nosniff and no-store, so a browser never renders the echoed challenge', async () => {
    const response = await handshake(client, VERIFY_TOKEN);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('<script>alert(1)</script>');
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(readLines()).toEqual([]);
  });

  it('answers a delivery as text/plain EVENT_RECEIVED', async () => {
    const response = await post(client, body());
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toBe('EVENT_RECEIVED');
  });

  it.each(['application/json-seq', 'application/vnd.api+json'])('refuses a %s body with 415, saying what is wrong (not "the body is empty")', async (type) => {
    const response = await client.send(body(), { headers: { 'content-type': type } });
    expect(response.status).toBe(415);
    expect(response.body).not.toMatch(/empty/i);
    // Fastify refuses the media type itself; the library, where it sees the request, names what Meta sends.
    expect(response.body).toMatch(adapter === 'express' ? new RegExp(`application/json.*${type.replace(/[+.]/g, '\\$&')}`) : /Unsupported Media Type/);
  });
});

describe('an Express app that registers its own JSON body parser', () => {
  let app: INestApplication;
  let client: MessengerTestClient;
  beforeAll(async () => {
    app = await createTestApp('express', { imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET })] }, { logger: logs });
    useOwnJsonParser(app);
    client = createMessengerTestClient(app);
    // Listening now: the boot's own log lines come before the lines the tests read.
    await client.webhookUrl();
  });
  afterAll(() => app.close());

  it('gets a 500 that names the parser as the likely cause and the fix, beside rawBody: true', async () => {
    logs.clear();
    const response = await client.send(MessengerEvents.text('hi'));
    expect(response.status).toBe(500);
    expect(response.body).toContain('rawBody: true');
    expect(response.body).toContain('app.use(express.json())');
    expect(response.body).toContain("app.useBodyParser('json'");
    expect(readLines()).toHaveLength(1);
  });
});

/** What `app.use(express.json())` does: reads and parses every JSON body before Nest's own parser sees it. */
function useOwnJsonParser(app: INestApplication): void {
  app.use((request: NodeJS.ReadableStream & { headers: Record<string, string>; body?: unknown; _body?: boolean }, _response: unknown, next: () => void) => {
    if (!request.headers['content-type']?.startsWith('application/json')) return next();
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      request.body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      // body-parser's own mark that the body was read, which makes every later parser (Nest's too) skip the request.
      request._body = true;
      next();
    });
  });
}
