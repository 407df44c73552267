import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { describe, expect, it } from 'vitest';
import { MessengerClient, MessengerWebhookModule } from 'nestjs-messenger-webhook';
import { createFakeGraphApi } from 'nestjs-messenger-webhook/testing';
import { APP_SECRET, VERIFY_TOKEN } from '../support/app.js';

/** A provider of a feature module that does not import MessengerWebhookModule. */
@Injectable()
class Notifier {
  constructor(readonly client: MessengerClient) {}

  notify(user: string): Promise<unknown> {
    return this.client.sendText(user, 'your order shipped', { tag: 'POST_PURCHASE_UPDATE' });
  }
}

@Module({ providers: [Notifier], exports: [Notifier] })
class OrdersModule {}

const options = { verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, pageAccessToken: 'page-token' };

describe('isGlobal', () => {
  it('lets a module that does not import MessengerWebhookModule inject MessengerClient (forRoot)', async () => {
    const graph = await createFakeGraphApi();
    const moduleRef = await Test.createTestingModule({
      imports: [MessengerWebhookModule.forRoot({ ...options, graphApiUrl: graph.url, isGlobal: true }), OrdersModule],
    }).compile();
    try {
      const notifier = moduleRef.get(Notifier);
      expect(notifier.client).toBe(moduleRef.get(MessengerClient));
      await notifier.notify('PSID_1');
      expect(graph.messages).toEqual([
        { recipient: { id: 'PSID_1' }, messaging_type: 'MESSAGE_TAG', tag: 'POST_PURCHASE_UPDATE', message: { text: 'your order shipped' } },
      ]);
      expect(graph.calls[0]!.accessToken).toBe('page-token');
    } finally {
      await moduleRef.close();
      await graph.close();
    }
  });

  it('does the same with forRootAsync, the flag given beside the factory', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [MessengerWebhookModule.forRootAsync({ useFactory: () => options, isGlobal: true }), OrdersModule],
    }).compile();
    expect(moduleRef.get(Notifier).client).toBeInstanceOf(MessengerClient);
    await moduleRef.close();
  });

  it('is off by default: the feature module must import the webhook module to inject the client', async () => {
    await expect(Test.createTestingModule({ imports: [MessengerWebhookModule.forRoot(options), OrdersModule] }).compile()).rejects.toThrow(
      /can't resolve dependencies of the Notifier/,
    );
  });

  it('refuses a value that is not a boolean', () => {
    expect(() => MessengerWebhookModule.forRoot({ ...options, isGlobal: 'yes' as unknown as boolean })).toThrow('MessengerWebhookModule: isGlobal must be a boolean');
  });
});
