import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { createMessengerTestClient, MessengerEvents, type MessengerTestClient } from 'nestjs-messenger-webhook/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AppModule } from '../src/app.module.js';
import { SendApiService } from '../src/send-api.service.js';

// The example bot tested the way a user tests their own bot: the app module as it is, the testing kit to drive it.
describe('ShopBot', () => {
  let app: INestApplication;
  let client: MessengerTestClient;
  let sent: SendApiService['sent'];

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleRef.createNestApplication({ rawBody: true, logger: false });
    client = createMessengerTestClient(app);
    sent = app.get(SendApiService).sent;
  });
  afterAll(() => app.close());
  beforeEach(() => {
    sent.length = 0;
  });

  it('answers "hi" with the menu as quick replies, over signed HTTP', async () => {
    const response = await client.send(MessengerEvents.text('Hi there', { sender: 'ALICE' }));
    expect(response.status).toBe(200);
    expect(sent).toEqual([
      expect.objectContaining({ recipient: 'ALICE', quickReplies: [expect.objectContaining({ payload: 'MENU_PRODUCTS' }), expect.objectContaining({ payload: 'MENU_CART' })] }),
    ]);
  });

  it('lists the products when the quick reply is tapped', async () => {
    await client.dispatch(MessengerEvents.quickReply('See products', 'MENU_PRODUCTS', { sender: 'BOB' }));
    expect(sent).toHaveLength(1);
    expect(sent[0]!.text).toContain('A1: Red mug');
  });

  it('adds to the cart from a postback pattern and from text, with the quantity parsed', async () => {
    await client.dispatch(MessengerEvents.postback('ADD:A1:2', { sender: 'CAROL' }));
    await client.dispatch(MessengerEvents.text('add b2 1', { sender: 'CAROL' }));
    expect(sent.map((m) => m.text)).toEqual([
      'Added 2 x Red mug. Your cart: 2 x Red mug.',
      'Added 1 x Blue scarf. Your cart: 2 x Red mug, 1 x Blue scarf.',
    ]);
  });

  it('never answers its own echoes', async () => {
    const summary = await client.dispatch(MessengerEvents.echo('Hello! What would you like to do?', { sender: 'DAVE' }));
    expect(summary.dispatched).toBe(1);
    expect(sent).toEqual([]);
  });

  it('watches standby conversations without answering', async () => {
    const summary = await client.dispatch(MessengerEvents.text('hi', { sender: 'ERIN' }), { standby: true });
    expect(summary.handlerCalls).toBe(1);
    expect(sent).toEqual([]);
  });

  it('falls back politely on text it does not understand', async () => {
    await client.dispatch(MessengerEvents.text('what is the weather', { sender: 'FRANK' }));
    expect(sent).toEqual([expect.objectContaining({ recipient: 'FRANK', text: expect.stringContaining('did not understand') })]);
  });

  it('refuses a delivery signed with another secret, and answers no one', async () => {
    const response = await client.send(MessengerEvents.text('hi'), { secret: 'not-the-secret' });
    expect(response.status).toBe(403);
    expect(sent).toEqual([]);
  });
});
