import { Injectable, type INestApplicationContext } from '@nestjs/common';
import { firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Ctx, MessengerClient, MessengerClientError, MessengerDispatcher, MessengerWebhookModule, OnMessage, Sender, Text, type MessengerContext } from 'nestjs-messenger-webhook';
import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import { createFakeGraphApi, createMessengerTestClient, MessengerEvents, WebhookBodyBuilder, type FakeGraphApi, type MessengerTestClient } from 'nestjs-messenger-webhook/testing';
import { APP_SECRET, createTestApp, VERIFY_TOKEN } from '../support/app.js';
import { deferred } from '../support/deferred.js';
import { startRedis, type TestRedis } from '../support/redis-server.js';
import { eventually, startQueueApp, startQueueWorker, uniqueQueueName, type QueueApp } from '../queue/queue-kit.js';

const TOKENS = { PAGE_A: 'EAAG-token-of-page-a-0123456789', PAGE_B: 'EAAG-token-of-page-b-9876543210' };
const INSTAGRAM_TOKEN = 'IGQW-instagram-login-token-77777';

/** Calls the injected client without saying which page sends: the event's page must be used. */
@Injectable()
class PagelessBot {
  /** Released by the test after the handlers returned. */
  later = deferred();
  /** Contexts seen, by sender, so the test can compare with the page each call went out from. */
  readonly seen = new Map<string, MessengerContext>();

  constructor(private readonly client: MessengerClient) {}

  @OnMessage('hi')
  async hi(@Sender() user: string): Promise<void> {
    await this.client.typingOn(user);
    await this.client.sendText(user, `hi ${user}`);
  }

  @OnMessage('later')
  later_(@Sender() user: string): void {
    // Not awaited, and made after the handler returned: still the event's page.
    void this.later.promise.then(() => this.client.sendText(user, `later ${user}`));
  }

  @OnMessage('mixed')
  mixed(@Sender() user: string, @Ctx() ctx: MessengerContext): void {
    for (let i = 1; i <= 9; i += 3) {
      void ctx.reply(`${i}`);
      void this.client.sendText(user, `${i + 1}`);
      void this.client.send(user, { text: `${i + 2}` });
    }
  }

  @OnMessage('profile')
  async profile(@Sender() user: string, @Text() text: string): Promise<void> {
    const profile = await this.client.getUserProfile(user);
    void this.client.sendText(user, `${text} ${String(profile.first_name ?? profile.name)}`);
  }
}

/** An app on Express and the kit's client for it. */
interface TestServer {
  app: INestApplication;
  client: MessengerTestClient;
  close(): Promise<void>;
}

async function startServer(metadata: ModuleMetadata): Promise<TestServer> {
  const app = await createTestApp('express', metadata);
  return { app, client: createMessengerTestClient(app), close: () => app.close() };
}

/** A delivery with one entry per page, each holding text messages: `[pageId, [[sender, text], ...]]`. */
function delivery(entries: Array<[string, Array<[string, string]>]>, object: 'page' | 'instagram' = 'page'): object {
  const builder = new WebhookBodyBuilder(object);
  for (const [pageId, texts] of entries) builder.entry(pageId, texts.map(([sender, text]) => MessengerEvents.text(text, { sender })));
  return builder.build();
}

const byToken = (graph: FakeGraphApi) =>
  graph.calls.map((call) => [call.accessToken, (call.body as { recipient: { id: string } }).recipient.id, (call.body as { message?: { text?: string } }).message?.text]);

describe('client calls without a page inside a handler go out from the event\'s page', () => {
  let server: TestServer;
  let graph: FakeGraphApi;
  let instagram: FakeGraphApi;
  let bot: PagelessBot;

  beforeAll(async () => {
    graph = await createFakeGraphApi({ appSecret: APP_SECRET, accessTokens: Object.values(TOKENS) });
    instagram = await createFakeGraphApi({ appSecret: APP_SECRET, accessTokens: [INSTAGRAM_TOKEN] });
    server = await startServer({
      imports: [
        MessengerWebhookModule.forRoot({
          verifyToken: VERIFY_TOKEN,
          appSecret: APP_SECRET,
          pageAccessToken: TOKENS,
          instagramAccessToken: { IG_ACCOUNT: INSTAGRAM_TOKEN },
          graphApiUrl: graph.url,
          instagramApiUrl: instagram.url,
          graphApiRetry: { minDelay: 1, maxDelay: 20 },
        }),
      ],
      providers: [PagelessBot],
    });
    bot = server.app.get(PagelessBot);
  });
  afterAll(async () => {
    await server?.close();
    await graph?.close();
    await instagram?.close();
  });
  beforeEach(() => {
    graph.reset();
    instagram.reset();
  });

  it('answers two events of two pages, handled side by side, each with its page\'s token', async () => {
    const body = delivery([
      ['PAGE_A', [['ANN', 'hi']]],
      ['PAGE_B', [['BEN', 'hi']]],
    ]);
    expect((await server.client.send(body)).status).toBe(200);
    await graph.waitForCalls(4);
    const calls = byToken(graph);
    expect(calls.filter(([, user]) => user === 'ANN')).toEqual([
      [TOKENS.PAGE_A, 'ANN', undefined],
      [TOKENS.PAGE_A, 'ANN', 'hi ANN'],
    ]);
    expect(calls.filter(([, user]) => user === 'BEN')).toEqual([
      [TOKENS.PAGE_B, 'BEN', undefined],
      [TOKENS.PAGE_B, 'BEN', 'hi BEN'],
    ]);
  });

  it('keeps the event\'s page for calls made after the handler returned, not awaited', async () => {
    bot.later = deferred();
    const body = delivery([
      ['PAGE_B', [['CID', 'later']]],
      ['PAGE_A', [['DOT', 'later']]],
    ]);
    expect((await server.client.send(body)).status).toBe(200);
    expect(graph.calls).toEqual([]);
    bot.later.resolve();
    await graph.waitForCalls(2);
    expect(byToken(graph).sort()).toEqual([
      [TOKENS.PAGE_B, 'CID', 'later CID'],
      [TOKENS.PAGE_A, 'DOT', 'later DOT'],
    ].sort());
  });

  it('queues ctx.reply and page-less client calls to one person as one conversation, in call order', async () => {
    const body = delivery([['PAGE_B', [['GUS', 'mixed']]]]);
    expect((await server.client.send(body)).status).toBe(200);
    await graph.waitForCalls(9);
    expect(byToken(graph)).toEqual(Array.from({ length: 9 }, (_, i) => [TOKENS.PAGE_B, 'GUS', `${i + 1}`]));
  });

  it('answers an Instagram event through the Instagram host and token, reading the Instagram profile', async () => {
    instagram.setUserProfile('IGSID_9', { name: 'Ines', username: 'ines' });
    const body = delivery([['IG_ACCOUNT', [['IGSID_9', 'profile']]]], 'instagram');
    expect((await server.client.send(body)).status).toBe(200);
    await instagram.waitForCalls(2);
    expect(instagram.calls.map((call) => [call.method, call.endpoint, call.accessToken])).toEqual([
      ['GET', 'IGSID_9', INSTAGRAM_TOKEN],
      ['POST', 'me/messages', INSTAGRAM_TOKEN],
    ]);
    expect(instagram.calls[0]!.query.fields).toBe('name,username,profile_pic');
    expect(instagram.messages[0]!.message).toEqual({ text: 'profile Ines' });
    expect(graph.calls).toEqual([]);
  });

  it('refuses a call outside any handler that names no page, saying how to name one', async () => {
    const client = server.app.get(MessengerClient);
    const refused = client.sendText('ANN', 'from a cron job');
    await expect(refused).rejects.toBeInstanceOf(MessengerClientError);
    await expect(refused).rejects.toThrow(/outside any handler.*pass \{ pageId: '<page id>' \}/);
    await client.sendText('ANN', 'from a cron job', { pageId: 'PAGE_B' });
    expect(byToken(graph)).toEqual([[TOKENS.PAGE_B, 'ANN', 'from a cron job']]);
  });
});

describe('with one pageAccessToken string', () => {
  let server: TestServer;
  let graph: FakeGraphApi;

  beforeAll(async () => {
    graph = await createFakeGraphApi({ accessTokens: ['the-only-page-token'] });
    server = await startServer({
      imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, pageAccessToken: 'the-only-page-token', graphApiUrl: graph.url })],
      providers: [PagelessBot],
    });
  });
  afterAll(async () => {
    await server?.close();
    await graph?.close();
  });
  beforeEach(() => graph.reset());

  it('keeps ctx.reply and page-less client calls to one person in call order', async () => {
    expect((await server.client.send(delivery([['PAGE_A', [['HAL', 'mixed']]]]))).status).toBe(200);
    await graph.waitForCalls(9);
    expect(byToken(graph)).toEqual(Array.from({ length: 9 }, (_, i) => ['the-only-page-token', 'HAL', `${i + 1}`]));
  });

  it('still answers an Instagram event (through the linked Page\'s token) as Instagram: its profile fields', async () => {
    graph.setUserProfile('IGSID_3', { name: 'Ida' });
    const body = delivery([['IG_ACCOUNT', [['IGSID_3', 'profile']]]], 'instagram');
    expect((await server.client.send(body)).status).toBe(200);
    await graph.waitForCalls(2);
    expect(graph.calls[0]!.query.fields).toBe('name,username,profile_pic');
    expect(graph.messages[0]!.message).toEqual({ text: 'profile Ida' });
  });
});

describe('with eventPageDefault: false', () => {
  it('runs no handler in the page scope: a page-less call with a map of tokens fails, saying to name the page', async () => {
    const graph = await createFakeGraphApi({ accessTokens: Object.values(TOKENS) });
    const server = await startServer({
      imports: [
        MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, pageAccessToken: TOKENS, graphApiUrl: graph.url, eventPageDefault: false }),
      ],
      providers: [PagelessBot],
    });
    try {
      const failure = firstValueFrom(server.app.get(MessengerDispatcher).failures$);
      expect((await server.client.send(delivery([['PAGE_A', [['IVY', 'hi']]]]))).status).toBe(200);
      expect(((await failure).error as Error).message).toMatch(/say which Page sends.*pass \{ pageId: '<page id>' \}/);
      expect(graph.calls).toEqual([]);
    } finally {
      await server.close();
      await graph.close();
    }
  });
});

describe('queue mode: a worker\'s handlers default to the event\'s page too', () => {
  let redis: TestRedis;
  let graph: FakeGraphApi;
  let edge: QueueApp;
  let worker: INestApplicationContext;

  beforeAll(async () => {
    redis = await startRedis();
    graph = await createFakeGraphApi({ accessTokens: Object.values(TOKENS) });
    const queue = { connection: redis.url, name: uniqueQueueName('handler-page'), attempts: 1 };
    edge = await startQueueApp({ ...queue, role: 'edge' }, { providers: [] });
    worker = await startQueueWorker(queue, [PagelessBot], { extra: { pageAccessToken: TOKENS, graphApiUrl: graph.url, graphApiRetry: { minDelay: 1, maxDelay: 20 } } });
  });
  afterAll(async () => {
    await edge?.app.close();
    await worker?.close();
    await redis?.stop();
    await graph?.close();
  });

  it('replies to each page\'s event with that page\'s token', async () => {
    const body = delivery([
      ['PAGE_A', [['EVE', 'hi']]],
      ['PAGE_B', [['FAY', 'hi']]],
    ]);
    expect((await edge.client.send(body)).status).toBe(200);
    await eventually(() => graph.messages.length === 2, () => JSON.stringify(byToken(graph)));
    expect(byToken(graph).filter(([, , text]) => text).sort()).toEqual([
      [TOKENS.PAGE_A, 'EVE', 'hi EVE'],
      [TOKENS.PAGE_B, 'FAY', 'hi FAY'],
    ]);
  });
});
