import { Injectable, type CallHandler, type ExecutionContext, type INestApplication, type NestInterceptor } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { map, type Observable } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessengerWebhookModule, OnMessage } from 'nestjs-messenger-webhook';
import { createMessengerTestClient, MessengerEvents, metaStringify, signPayload, webhookBody, type MessengerTestClient } from 'nestjs-messenger-webhook/testing';
import { ADAPTERS, APP_SECRET, createTestApp, VERIFY_TOKEN } from '../support/app.js';

/** What many apps register globally: every answer wrapped in an envelope of their own. */
@Injectable()
class WrapEveryAnswer implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(map((data: unknown) => ({ data, wrapped: true })));
  }
}

@Injectable()
class CountingBot {
  messages = 0;

  @OnMessage()
  onMessage(): void {
    this.messages++;
  }
}

describe.each(ADAPTERS)('the answers Meta reads, in an app with a response-wrapping global interceptor, on %s', (adapter) => {
  let app: INestApplication;
  let client: MessengerTestClient;
  beforeAll(async () => {
    app = await createTestApp(adapter, {
      imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET })],
      providers: [CountingBot, { provide: APP_INTERCEPTOR, useClass: WrapEveryAnswer }],
    });
    client = createMessengerTestClient(app);
  });
  afterAll(() => app?.close());

  it('echoes the handshake challenge as it came, as text, or Meta refuses the subscription', async () => {
    const query = new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '1158201444' });
    const response = await fetch(`${await client.webhookUrl()}?${query.toString()}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.text()).toBe('1158201444');
  });

  it('answers a delivery with EVENT_RECEIVED as text, nosniff, and runs its handler', async () => {
    const raw = metaStringify(webhookBody(MessengerEvents.text('hi')));
    const response = await fetch(await client.webhookUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signPayload(raw, APP_SECRET) },
      body: raw,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-length')).toBe('14');
    expect(await response.text()).toBe('EVENT_RECEIVED');
    expect(app.get(CountingBot).messages).toBe(1);
  });

  it('refuses an unsigned delivery with 401 as JSON, as the exception filters write it', async () => {
    const raw = metaStringify(webhookBody(MessengerEvents.text('hi')));
    const response = await fetch(await client.webhookUrl(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: raw });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(((await response.json()) as { statusCode: number }).statusCode).toBe(401);
  });
});
