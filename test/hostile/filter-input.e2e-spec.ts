import { Injectable } from '@nestjs/common';
import { afterEach, describe, expect, it } from 'vitest';
import { MessengerWebhookModule, OnMessage, Param, type MessengerWebhookOptions } from 'nestjs-messenger-webhook';
import { ADAPTERS, APP_SECRET, delivery, startServer, VERIFY_TOKEN, type AdapterName, type TestServer } from '../support/app.js';
import { textMessage } from '../support/deliveries.js';

/** One handler per kind of text filter, each recording what it received. */
@Injectable()
class TextFilters {
  readonly regexp: string[] = [];
  readonly pattern: string[] = [];

  @OnMessage(/^hello/)
  byRegExp(): void {
    this.regexp.push('hit');
  }

  @OnMessage('{greeting} {rest}!')
  byPattern(@Param('greeting') greeting: string): void {
    this.pattern.push(greeting);
  }
}

async function boot(adapter: AdapterName, extra: Partial<MessengerWebhookOptions> = {}): Promise<{ server: TestServer; filters: TextFilters }> {
  const server = await startServer(adapter, {
    imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, dedupe: false, ...extra })],
    providers: [TextFilters],
  });
  return { server, filters: server.app.get(TextFilters) };
}

describe.each(ADAPTERS)('text a stranger typed, against text filters, on %s', (adapter) => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  // 5,000 characters: over the default bound of 4,096, under the body limits of both adapters.
  const long = `hello ${'a'.repeat(4_993)}!`;

  it('runs no RegExp filter on a value longer than maxRegExpInputLength (default 4,096), while {name} patterns still match it', async () => {
    let filters: TextFilters;
    ({ server, filters } = await boot(adapter));
    expect((await server.post(delivery([textMessage('U1', 'm_short', 'hello you!')]))).status).toBe(200);
    expect((await server.post(delivery([textMessage('U1', 'm_long', long)]))).status).toBe(200);
    expect(filters.regexp).toHaveLength(1);
    expect(filters.pattern).toEqual(['hello', 'hello']);
  });

  it('runs RegExp filters on values of any length with maxRegExpInputLength: 0', async () => {
    let filters: TextFilters;
    ({ server, filters } = await boot(adapter, { maxRegExpInputLength: 0 }));
    expect((await server.post(delivery([textMessage('U1', 'm_long', long)]))).status).toBe(200);
    expect(filters.regexp).toHaveLength(1);
  });
});
