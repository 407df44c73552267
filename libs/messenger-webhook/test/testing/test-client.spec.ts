import 'reflect-metadata';
import { Injectable, type INestApplication } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  Ctx,
  MessengerWebhookModule,
  OnMessage,
  OnPostback,
  OnStandby,
  OnTemplateStatusUpdate,
  Param,
  Sender,
  Text,
  type MessengerContext,
  type MessengerWebhookCommonOptions,
  type MessengerWebhookExtras,
  type MessengerWebhookOptions,
} from 'nestjs-messenger-webhook';
import { MessengerEvents, WebhookBodyBuilder, createMessengerTestClient } from 'nestjs-messenger-webhook/testing';
import { ADAPTERS, APP_SECRET, VERIFY_TOKEN, type AdapterName } from '../../../../test/support/app.js';

@Injectable()
class ShopBot {
  readonly messages: Array<{ text: string | undefined; sender: string | undefined; pageId: string; platform: string; standby: boolean }> = [];
  readonly purchases: Array<{ sku: string; sender: string | undefined }> = [];
  readonly standby: string[] = [];
  readonly templates: string[] = [];

  @OnMessage()
  async onMessage(@Text() text: string | undefined, @Sender() sender: string | undefined, @Ctx() context: MessengerContext) {
    // Slow on purpose: with dispatch 'background' the HTTP answer comes first and send() must still wait for this.
    if (text === 'slow') await new Promise((resolve) => setTimeout(resolve, 50));
    this.messages.push({ text, sender, pageId: context.pageId, platform: context.platform, standby: context.standby });
  }

  @OnPostback('BUY_{sku}')
  onBuy(@Param('sku') sku: string, @Sender() sender: string | undefined) {
    this.purchases.push({ sku, sender });
  }

  @OnStandby()
  onStandby(@Text() text: string | undefined) {
    this.standby.push(text ?? '');
  }

  @OnTemplateStatusUpdate()
  onTemplate(@Ctx() context: MessengerContext) {
    this.templates.push(context.kind);
  }
}

const moduleOptions: MessengerWebhookOptions = { verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET };

/** An app that is initialised or listening only when the test client asks for it. */
async function createApp(adapter: AdapterName, options: Partial<MessengerWebhookCommonOptions & MessengerWebhookExtras> = {}): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [MessengerWebhookModule.forRoot({ ...moduleOptions, ...options })],
    providers: [ShopBot],
  }).compile();
  return adapter === 'fastify'
    ? moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { rawBody: true, logger: false })
    : moduleRef.createNestApplication({ rawBody: true, logger: false });
}

/** An app of the module and ShopBot, already listening on a loopback port as a user's main.ts would make it. */
async function listeningApp(adapter: AdapterName): Promise<INestApplication> {
  const app = await createApp(adapter);
  await app.listen(0, '127.0.0.1');
  return app;
}

describe.each(ADAPTERS)('MessengerTestClient on %s', (adapter) => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('send() delivers signed events to the handlers of a listening app', async () => {
    const running = (app = await listeningApp(adapter));
    const client = createMessengerTestClient(running);

    // "/" and "é" make Meta's serialisation differ from JSON.stringify: only a raw-body check accepts it.
    const response = await client.send([MessengerEvents.text('café 1/2', { sender: 'PSID_7' }), MessengerEvents.postback('BUY_42')]);

    expect(response).toEqual({ status: 200, body: 'EVENT_RECEIVED' });
    const bot = running.get(ShopBot);
    expect(bot.messages).toEqual([{ text: 'café 1/2', sender: 'PSID_7', pageId: 'PAGE_1', platform: 'messenger', standby: false }]);
    expect(bot.purchases).toEqual([{ sku: '42', sender: 'USER_1' }]);
  });

  it('send() of a string posts those exact bytes, signed as they are', async () => {
    const running = (app = await listeningApp(adapter));
    const client = createMessengerTestClient(running);
    // Meta's escapes, which a re-serialisation would lose: only the bytes as given match their signature.
    const raw = String.raw`{"object":"page","entry":[{"id":"PAGE_1","time":1,"messaging":[{"sender":{"id":"U9"},"recipient":{"id":"PAGE_1"},"timestamp":1,"message":{"mid":"m_raw","text":"th\u00e9 \/ caf\u00e9"}}]}]}`;

    expect((await client.send(raw, { secret: 'another-secret' })).status).toBe(403);
    expect((await client.send(raw)).status).toBe(200);
    expect((await client.send('{"object":"page","entry":[')).status).toBe(400);
    expect(running.get(ShopBot).messages.map((message) => `${message.sender}: ${message.text}`)).toEqual(['U9: thé / café']);
  });

  it('send() with a wrong secret gets 403 and reaches no handler', async () => {
    const running = (app = await listeningApp(adapter));
    const client = createMessengerTestClient(running);

    const response = await client.send(MessengerEvents.text('hi'), { secret: 'not-the-app-secret' });

    expect(response.status).toBe(403);
    expect(running.get(ShopBot).messages).toEqual([]);
  });

  it('send() makes an idle app listen, finds a global prefix, and waits for background handlers', async () => {
    app = await createApp(adapter, { dispatch: 'background' });
    app.setGlobalPrefix('api');
    const client = createMessengerTestClient(app);

    const response = await client.send(MessengerEvents.text('slow'));

    expect(response.status).toBe(200);
    expect(await client.webhookUrl()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/webhook$/);
    expect(app.get(ShopBot).messages.map((message) => message.text)).toEqual(['slow']);
  });

  it('path is read as forRoot reads it: under the global prefix', async () => {
    app = await createApp(adapter, { path: 'hooks/meta' });
    app.setGlobalPrefix('api');
    const client = createMessengerTestClient(app, { path: 'hooks/meta' });

    expect((await client.send(MessengerEvents.text('via path'))).status).toBe(200);
    expect(await client.webhookUrl()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/hooks\/meta$/);
    expect(app.get(ShopBot).messages.map((message) => message.text)).toEqual(['via path']);
  });

  it('send() delivers Instagram, standby, changes and multi-entry bodies', async () => {
    app = await createApp(adapter);
    const client = createMessengerTestClient(app);

    await client.send(MessengerEvents.text('from instagram', { pageId: 'IG_1' }), { object: 'instagram', pageId: 'IG_1' });
    await client.send(MessengerEvents.text('owned by another app'), { standby: true });
    const batch = new WebhookBodyBuilder()
      .entry('PAGE_1', { messaging: [MessengerEvents.text('one')], changes: [MessengerEvents.templateStatusUpdate()] })
      .entry('PAGE_2', { messaging: [MessengerEvents.text('two', { pageId: 'PAGE_2' })] })
      .build();
    expect((await client.send(batch)).status).toBe(200);

    const bot = app.get(ShopBot);
    expect(bot.messages.map(({ text, platform, pageId }) => `${platform}/${pageId}: ${text}`)).toEqual([
      'instagram/IG_1: from instagram',
      'messenger/PAGE_1: one',
      'messenger/PAGE_2: two',
    ]);
    expect(bot.standby).toEqual(['owned by another app']);
    expect(bot.templates).toEqual(['template_status_update']);
  });

  it('verify() runs the handshake', async () => {
    app = await createApp(adapter);
    const client = createMessengerTestClient(app);

    expect(await client.verify(VERIFY_TOKEN, 'challenge-123')).toEqual({ status: 200, body: 'challenge-123' });
    expect((await client.verify('wrong-token')).status).toBe(403);
  });
});

describe('MessengerTestClient.dispatch()', () => {
  let app: INestApplication | undefined;
  afterEach(() => app?.close());

  it('calls the handlers without HTTP and returns the summary', async () => {
    app = await createApp('express');
    const client = createMessengerTestClient(app);

    const summary = await client.dispatch([MessengerEvents.text('hi'), MessengerEvents.postback('BUY_7'), MessengerEvents.read()]);

    expect(summary).toEqual({ events: 3, dispatched: 3, invalid: 0, duplicates: 0, handlerCalls: 2, failures: 0 });
    const bot = app.get(ShopBot);
    expect(bot.messages.map((message) => message.text)).toEqual(['hi']);
    expect(bot.purchases).toEqual([{ sku: '7', sender: 'USER_1' }]);
    expect(app.getHttpServer().listening).toBe(false);
  });

  it('counts an invalid event and hands it to no message handler', async () => {
    app = await createApp('express');
    const client = createMessengerTestClient(app);

    const summary = await client.dispatch({ ...MessengerEvents.text('hi'), message: { mid: false } });

    expect(summary).toMatchObject({ events: 1, dispatched: 1, invalid: 1, handlerCalls: 0 });
    expect(app.get(ShopBot).messages).toEqual([]);
  });
});
