import { Injectable } from '@nestjs/common';
import { afterEach, describe, expect, it } from 'vitest';
import { MessageEvent, MessengerWebhookModule, OnMessage, type MessengerContext } from 'nestjs-messenger-webhook';
import { ADAPTERS, APP_SECRET, delivery, startServer, VERIFY_TOKEN, type TestServer } from './support/app.js';

@Injectable()
class Bot {
  received: Array<{ event: unknown; context: MessengerContext }> = [];
  @OnMessage()
  onMessage(event: MessageEvent, context: MessengerContext) {
    this.received.push({ event, context });
  }
}

describe.each(ADAPTERS)('smoke on %s', (adapter) => {
  let server: TestServer;
  afterEach(() => server?.close());

  it('delivers a signed message to the handler', async () => {
    server = await startServer(adapter, {
      imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET })],
      providers: [Bot],
    });
    const response = await server.post(
      delivery([{ sender: { id: 'U1' }, recipient: { id: 'PAGE_1' }, timestamp: 1, message: { mid: 'm1', text: 'hi' } }]),
    );
    expect(response.status).toBe(200);
    const bot = server.app.get(Bot);
    expect(bot.received).toHaveLength(1);
    expect(bot.received[0]!.event).toBeInstanceOf(MessageEvent);
    expect(bot.received[0]!.context.pageId).toBe('PAGE_1');
  });
});
