import { Injectable, type INestApplication } from '@nestjs/common';
import { afterEach, describe, expect, it } from 'vitest';
import { MessengerWebhookModule, OnMessage, Param, type MessageEvent, type MessengerWebhookOptions } from 'nestjs-messenger-webhook';
import { createMessengerTestClient, MessengerEvents, type MessengerTestClient } from 'nestjs-messenger-webhook/testing';
import { ADAPTERS, APP_SECRET, createTestApp, VERIFY_TOKEN, type AdapterName } from '../support/app.js';

/** One handler per kind of text filter, each recording what it received. */
@Injectable()
class TextFilters {
  readonly regexp: string[] = [];
  readonly pattern: string[] = [];

  @OnMessage(/^hello/)
  byRegExp(event: MessageEvent): void {
    this.regexp.push(event.message.mid);
  }

  @OnMessage('{greeting} {rest}!')
  byPattern(@Param('greeting') greeting: string): void {
    this.pattern.push(greeting);
  }
}

async function boot(adapter: AdapterName, extra: Partial<MessengerWebhookOptions> = {}) {
  const app = await createTestApp(adapter, {
    imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, dedupe: false, ...extra })],
    providers: [TextFilters],
  });
  return { app, client: createMessengerTestClient(app), filters: app.get(TextFilters) };
}

describe.each(ADAPTERS)('text a stranger typed, against text filters, on %s', (adapter) => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  // 5,000 characters: over the default bound of 4,096, under the body limits of both adapters.
  const long = `hello ${'a'.repeat(4_993)}!`;

  it('runs no RegExp filter on a value longer than maxRegExpInputLength (default 4,096), while {name} patterns still match it', async () => {
    let client: MessengerTestClient;
    let filters: TextFilters;
    ({ app, client, filters } = await boot(adapter));
    expect((await client.send(MessengerEvents.text('hello you!', { mid: 'm_short' }))).status).toBe(200);
    expect((await client.send(MessengerEvents.text(long, { mid: 'm_long' }))).status).toBe(200);
    expect(filters.regexp).toEqual(['m_short']);
    expect(filters.pattern).toEqual(['hello', 'hello']);
  });

  it('runs RegExp filters on values of any length with maxRegExpInputLength: 0', async () => {
    let client: MessengerTestClient;
    let filters: TextFilters;
    ({ app, client, filters } = await boot(adapter, { maxRegExpInputLength: 0 }));
    expect((await client.send(MessengerEvents.text(long, { mid: 'm_long' }))).status).toBe(200);
    expect(filters.regexp).toEqual(['m_long']);
  });
});
