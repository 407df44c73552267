import { Injectable, type INestApplication } from '@nestjs/common';
import { afterEach, describe, expect, it } from 'vitest';
import { MessengerDispatcher, MessengerWebhookModule, OnMessage, OnPostback, type MessageEvent, type PostbackEvent, type WebhookEnvelope } from 'nestjs-messenger-webhook';
import { MessengerEvents, webhookBody } from 'nestjs-messenger-webhook/testing';
import { APP_SECRET, createTestApp, VERIFY_TOKEN } from '../support/app.js';

/** Messages are handled by a plain method; postbacks by one that waits a turn of the event loop first. */
@Injectable()
class Bot {
  readonly handled: string[] = [];

  @OnMessage()
  onMessage(event: MessageEvent): void {
    this.handled.push(`message ${event.message.text ?? ''}`);
  }

  @OnPostback()
  async onPostback(event: PostbackEvent): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.handled.push(`postback ${event.postback.payload}`);
  }
}

// Handlers that return plain values settle while the delivery is taken in: the webhook answers without waiting on
// promises. What must not change: the summary, and order within a conversation when a handler does wait.
describe('deliveries whose handlers settle at once', () => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function boot() {
    app = await createTestApp('express', { imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET })], providers: [Bot] });
    await app.init();
    return { dispatcher: app.get(MessengerDispatcher), bot: app.get(Bot) };
  }

  const envelopeOf = (events: Parameters<typeof webhookBody>[0]): WebhookEnvelope => structuredClone(webhookBody(events));

  it('are summed up when admit() returns, handlers already called', async () => {
    const { dispatcher, bot } = await boot();
    const admitted = dispatcher.admit(envelopeOf([MessengerEvents.text('one', { mid: 'm.1' }), MessengerEvents.text('two', { mid: 'm.2', sender: 'U2' })]));
    if (typeof admitted === 'string') throw new Error(`refused: ${admitted}`);
    expect(bot.handled).toEqual(['message one', 'message two']);
    expect(admitted.settled).toMatchObject({ events: 2, dispatched: 2, handlerCalls: 2, failures: 0 });
    await expect(admitted.summary).resolves.toEqual(admitted.settled);
  });

  it('leave a delivery with a waiting handler to its promise, and keep its conversation in order', async () => {
    const { dispatcher, bot } = await boot();
    const admitted = dispatcher.admit(
      envelopeOf([MessengerEvents.postback('FIRST', { mid: 'm.3' }), MessengerEvents.text('second', { mid: 'm.4' }), MessengerEvents.text('elsewhere', { mid: 'm.5', sender: 'U3' })]),
    );
    if (typeof admitted === 'string') throw new Error(`refused: ${admitted}`);
    expect(admitted.settled).toBeUndefined();
    // Another conversation does not wait for the postback; the same conversation does.
    expect(bot.handled).toEqual(['message elsewhere']);
    await expect(admitted.summary).resolves.toMatchObject({ events: 3, dispatched: 3, handlerCalls: 3, failures: 0 });
    expect(bot.handled).toEqual(['message elsewhere', 'postback FIRST', 'message second']);
  });

  it('count a redelivery as a duplicate at once with the in-memory dedupe store', async () => {
    const { dispatcher, bot } = await boot();
    const body = envelopeOf(MessengerEvents.text('again', { mid: 'm.6' }));
    await dispatcher.dispatch(body);
    const admitted = dispatcher.admit(structuredClone(body));
    if (typeof admitted === 'string') throw new Error(`refused: ${admitted}`);
    expect(admitted.settled).toMatchObject({ events: 1, duplicates: 1, handlerCalls: 0 });
    expect(bot.handled).toEqual(['message again']);
  });
});
