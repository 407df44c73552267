import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessengerWebhookModule } from 'nestjs-messenger-webhook';
import { createMessengerTestClient, type MessengerTestClient } from 'nestjs-messenger-webhook/testing';
import { ADAPTERS, APP_SECRET, createTestApp, VERIFY_TOKEN } from '../support/app.js';

describe.each(ADAPTERS)('verification handshake on %s', (adapter) => {
  let app: INestApplication;
  let client: MessengerTestClient;
  beforeAll(async () => {
    app = await createTestApp(adapter, { imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET })] });
    client = createMessengerTestClient(app);
  });
  afterAll(() => app.close());

  // Meta's query, or a broken one: the kit's verify() only sends well-formed handshakes.
  const handshake = async (query: Record<string, string>) => fetch(`${await client.webhookUrl()}?${new URLSearchParams(query).toString()}`);

  it('echoes hub.challenge as plain text when the verify token matches', async () => {
    expect(await client.verify(VERIFY_TOKEN, 'abc123')).toEqual({ status: 200, body: 'abc123' });
    const response = await handshake({ 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': 'abc123' });
    expect(response.headers.get('content-type')).toMatch(/^text\/plain\b/);
  });

  it.each([
    ['a wrong verify token', { 'hub.mode': 'subscribe', 'hub.verify_token': 'not-the-token', 'hub.challenge': 'abc123' }],
    ['a token that only shares a prefix', { 'hub.mode': 'subscribe', 'hub.verify_token': `${VERIFY_TOKEN}x`, 'hub.challenge': 'abc123' }],
    ['no hub.mode', { 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': 'abc123' }],
    ['another hub.mode', { 'hub.mode': 'unsubscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': 'abc123' }],
    ['no hub.challenge', { 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN }],
    ['no hub.verify_token', { 'hub.mode': 'subscribe', 'hub.challenge': 'abc123' }],
  ])('refuses %s with 403 and does not echo the challenge', async (_case, query) => {
    const response = await handshake(query);
    expect(response.status).toBe(403);
    const body = await response.text();
    expect(body).not.toBe('abc123');
    expect(body).not.toContain(VERIFY_TOKEN);
  });
});
