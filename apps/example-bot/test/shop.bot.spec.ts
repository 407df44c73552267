import 'reflect-metadata';
import type { INestApplication, LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { createFakeGraphApi, createMessengerTestClient, MessengerEvents, type FakeGraphApi, type MessengerTestClient } from 'nestjs-messenger-webhook/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AppModule } from '../src/app.module.js';
import { BotConfig } from '../src/bot.config.js';

/** The replies the bot sent, as `[recipient, text]`. */
function replies(graph: FakeGraphApi): Array<[string, string | undefined]> {
  return graph.messages.map((body) => [(body.recipient as { id: string }).id, (body.message as { text?: string }).text]);
}

// The example bot tested the way a user tests their own bot: the app module as it is, the testing kit to drive it,
// and a fake Graph API to see what it answered.
describe('ShopBot', () => {
  let app: INestApplication;
  let client: MessengerTestClient;
  let graph: FakeGraphApi;

  beforeAll(async () => {
    graph = await createFakeGraphApi();
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
      .overrideProvider(BotConfig)
      .useValue(new BotConfig({ PAGE_ACCESS_TOKEN: 'test-page-token', GRAPH_API_URL: graph.url }))
      .compile();
    app = moduleRef.createNestApplication({ rawBody: true, logger: false });
    client = createMessengerTestClient(app);
  });
  afterAll(async () => {
    await app.close();
    await graph.close();
  });
  beforeEach(() => graph.reset());

  it('answers "hi" with the menu as quick replies, over signed HTTP', async () => {
    const response = await client.send(MessengerEvents.text('Hi there', { sender: 'ALICE' }));
    expect(response.status).toBe(200);
    expect(graph.messages).toEqual([
      {
        recipient: { id: 'ALICE' },
        messaging_type: 'RESPONSE',
        message: {
          text: 'Hello! What would you like to do?',
          quick_replies: [
            { content_type: 'text', title: 'See products', payload: 'MENU_PRODUCTS' },
            { content_type: 'text', title: 'My cart', payload: 'MENU_CART' },
          ],
        },
      },
    ]);
    expect(graph.calls[0]!.accessToken).toBe('test-page-token');
  });

  it('lists the products when the quick reply is tapped', async () => {
    await client.dispatch(MessengerEvents.quickReply('See products', 'MENU_PRODUCTS', { sender: 'BOB' }));
    expect(replies(graph)).toEqual([['BOB', expect.stringContaining('A1: Red mug')]]);
  });

  it('adds to the cart from a postback pattern and from text, with the quantity parsed', async () => {
    await client.dispatch(MessengerEvents.postback('ADD:A1:2', { sender: 'CAROL' }));
    await client.dispatch(MessengerEvents.text('add b2 1', { sender: 'CAROL' }));
    expect(replies(graph)).toEqual([
      ['CAROL', 'Added 2 x Red mug. Your cart: 2 x Red mug.'],
      ['CAROL', 'Added 1 x Blue scarf. Your cart: 2 x Red mug, 1 x Blue scarf.'],
    ]);
  });

  it('marks a photo seen, then thanks for it', async () => {
    await client.dispatch(MessengerEvents.attachment('image', undefined, { sender: 'DORA' }));
    expect(graph.calls.map((call) => call.body)).toEqual([
      { recipient: { id: 'DORA' }, sender_action: 'mark_seen' },
      { recipient: { id: 'DORA' }, messaging_type: 'RESPONSE', message: { text: 'Thanks for the photo, a human will look at it.' } },
    ]);
  });

  it('never answers its own echoes', async () => {
    const summary = await client.dispatch(MessengerEvents.echo('Hello! What would you like to do?', { sender: 'DAVE' }));
    expect(summary.dispatched).toBe(1);
    expect(graph.calls).toEqual([]);
  });

  it('watches standby conversations without answering', async () => {
    const summary = await client.dispatch(MessengerEvents.text('hi', { sender: 'ERIN' }), { standby: true });
    expect(summary.handlerCalls).toBe(1);
    expect(graph.calls).toEqual([]);
  });

  it('falls back politely on text it does not understand', async () => {
    await client.dispatch(MessengerEvents.text('what is the weather', { sender: 'FRANK' }));
    expect(replies(graph)).toEqual([['FRANK', expect.stringContaining('did not understand')]]);
  });

  it('refuses a delivery signed with another secret, and answers no one', async () => {
    const response = await client.send(MessengerEvents.text('hi'), { secret: 'not-the-secret' });
    expect(response.status).toBe(403);
    expect(graph.calls).toEqual([]);
  });
});

describe('ShopBot without PAGE_ACCESS_TOKEN', () => {
  it('still runs, and logs what it would have sent instead of calling the Graph API', async () => {
    const graph = await createFakeGraphApi();
    const lines: string[] = [];
    const logger: LoggerService = { log: (message) => void lines.push(String(message)), error: () => undefined, warn: () => undefined };
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
      .overrideProvider(BotConfig)
      .useValue(new BotConfig({ GRAPH_API_URL: graph.url }))
      .compile();
    const app = moduleRef.createNestApplication({ rawBody: true, logger });
    try {
      const response = await createMessengerTestClient(app).send(MessengerEvents.text('hi', { sender: 'GRACE' }));
      expect(response.status).toBe(200);
      expect(graph.calls).toEqual([]);
      expect(lines).toContainEqual(expect.stringMatching(/^\[dry run\] POST me\/messages on messenger \{"recipient":\{"id":"GRACE"\}.*"text":"Hello! What would you like to do\?"/));
    } finally {
      await app.close();
      await graph.close();
    }
  });
});
