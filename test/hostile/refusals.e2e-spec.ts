import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MessengerWebhookModule } from 'nestjs-messenger-webhook';
import { ADAPTERS, APP_SECRET, delivery, startServer, VERIFY_TOKEN, type TestServer } from '../support/app.js';
import { textMessage } from '../support/deliveries.js';
import { LogCapture } from '../support/log-capture.js';

const logs = new LogCapture();
const body = () => delivery([textMessage('U1', `m_${Math.random()}`, 'hi')]);

/** The lines an operator would read (debug and verbose are off in production). */
function readLines() {
  return logs.lines.filter((line) => line.level !== 'debug' && line.level !== 'verbose');
}

describe.each(ADAPTERS)('refused requests on %s', (adapter) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(adapter, { imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET })] }, { logger: logs });
  });
  afterAll(() => server.close());
  beforeEach(() => logs.clear());

  const handshake = (token: string) =>
    fetch(`${server.url}?${new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.verify_token': token, 'hub.challenge': '<script>alert(1)</script>' }).toString()}`);

  it.each([
    ['a wrong signature', 403, () => server.post(body(), { secret: 'wrong' })],
    ['no signature', 401, () => server.post(body(), { secret: null })],
    ['a text/plain body', 415, () => server.post(body(), { headers: { 'content-type': 'text/plain' } })],
    ['a body that is not an envelope', 400, () => server.post({ hello: 'world' })],
    ['a wrong verify token', 403, () => handshake('wrong-token')],
  ])('%s: answers %i as JSON and logs exactly one line, ours', async (_what, status, send) => {
    const response = await send();
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect((await response.json()) as object).toMatchObject({ statusCode: status });
    expect(readLines()).toEqual([expect.objectContaining({ level: 'warn', params: ['MessengerWebhook'] })]);
  });

  it('answers the handshake as text/plain with nosniff and no-store, so a browser never renders the echoed challenge', async () => {
    const response = await handshake(VERIFY_TOKEN);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('<script>alert(1)</script>');
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(readLines()).toEqual([]);
  });

  it('answers a delivery as text/plain EVENT_RECEIVED', async () => {
    const response = await server.post(body());
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await response.text()).toBe('EVENT_RECEIVED');
  });

  it.each(['application/json-seq', 'application/vnd.api+json'])('refuses a %s body with 415, saying what is wrong (not "the body is empty")', async (type) => {
    const response = await server.post(body(), { headers: { 'content-type': type } });
    const text = await response.text();
    expect(response.status).toBe(415);
    expect(text).not.toMatch(/empty/i);
    // Fastify refuses the media type itself; the library, where it sees the request, names what Meta sends.
    expect(text).toMatch(adapter === 'express' ? new RegExp(`application/json.*${type.replace(/[+.]/g, '\\$&')}`) : /Unsupported Media Type/);
  });
});

describe('an Express app that registers its own JSON body parser', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(
      'express',
      { imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET })] },
      { configure: useOwnJsonParser, logger: logs, raiseExpressLimit: false },
    );
  });
  afterAll(() => server.close());

  it('gets a 500 that names the parser as the likely cause and the fix, beside rawBody: true', async () => {
    logs.clear();
    const response = await server.post(body());
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).toContain('rawBody: true');
    expect(text).toContain('app.use(express.json())');
    expect(text).toContain("app.useBodyParser('json'");
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
