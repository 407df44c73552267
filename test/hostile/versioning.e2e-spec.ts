import { Injectable, VersioningType, type INestApplication, type VersioningOptions } from '@nestjs/common';
import { afterEach, describe, expect, it } from 'vitest';
import { MessengerWebhookModule, OnMessage, type MessageEvent, type MessengerWebhookExtras } from 'nestjs-messenger-webhook';
import { createMessengerTestClient, MessengerEvents, metaStringify, signPayload, webhookBody, type MessengerTestClient } from 'nestjs-messenger-webhook/testing';
import { ADAPTERS, APP_SECRET, createTestApp, VERIFY_TOKEN } from '../support/app.js';

@Injectable()
class Bot {
  readonly texts: Array<string | undefined> = [];

  @OnMessage()
  onMessage(event: MessageEvent): void {
    this.texts.push(event.message.text);
  }
}

/** An app with versioning (and maybe a global prefix) enabled the way a user's main.ts does, and a kit client for it. */
async function bootWith(adapter: (typeof ADAPTERS)[number], versioning: VersioningOptions, extras: MessengerWebhookExtras = {}, globalPrefix?: string) {
  const app = await createTestApp(adapter, {
    imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, ...extras })],
    providers: [Bot],
  });
  if (globalPrefix) app.setGlobalPrefix(globalPrefix);
  app.enableVersioning(versioning);
  return { app, client: createMessengerTestClient(app), bot: app.get(Bot) };
}

/** POSTs a signed one-message delivery to `path` on the app's own origin, wherever the kit would send it. */
async function postTo(client: MessengerTestClient, path: string): Promise<number> {
  const raw = metaStringify(webhookBody(MessengerEvents.text('hi')));
  const { origin } = new URL(await client.webhookUrl());
  const response = await fetch(`${origin}/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signPayload(raw, APP_SECRET) },
    body: raw,
  });
  return response.status;
}

describe.each(ADAPTERS)('the webhook route under app.enableVersioning() on %s', (adapter) => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it.each<[string, VersioningOptions]>([
    ['URI versioning with defaultVersion 1', { type: VersioningType.URI, defaultVersion: '1' }],
    ['header versioning with defaultVersion 1', { type: VersioningType.HEADER, header: 'X-API-Version', defaultVersion: '1' }],
  ])('stays where Meta calls it (version-neutral) under %s, and the testing kit finds it', async (_what, versioning) => {
    let client: MessengerTestClient;
    let bot: Bot;
    ({ app, client, bot } = await bootWith(adapter, versioning));
    expect(await postTo(client, 'webhook')).toBe(200);
    expect(await postTo(client, 'v1/webhook')).toBe(404);
    expect((await client.send(MessengerEvents.text('from the kit'))).status).toBe(200);
    expect((await client.verify(VERIFY_TOKEN)).status).toBe(200);
    expect(bot.texts).toEqual(['hi', 'from the kit']);
  });

  it.each<[string, VersioningOptions, string | undefined]>([
    ['URI', { type: VersioningType.URI }, undefined],
    ['URI with a global prefix', { type: VersioningType.URI }, 'api'],
    ['URI without prefix letter', { type: VersioningType.URI, prefix: false }, undefined],
    ['header', { type: VersioningType.HEADER, header: 'X-API-Version' }, undefined],
    ['media type', { type: VersioningType.MEDIA_TYPE, key: 'v=' }, 'api'],
  ])('takes a version from the version option under %s versioning, and the testing kit still finds it', async (_what, versioning, prefix) => {
    let client: MessengerTestClient;
    let bot: Bot;
    ({ app, client, bot } = await bootWith(adapter, versioning, { version: '2' }, prefix));
    // Unversioned, the request finds no route: the webhook really moved to version 2.
    expect(await postTo(client, prefix ? `${prefix}/webhook` : 'webhook')).toBe(404);
    expect((await client.send(MessengerEvents.text('versioned'))).status).toBe(200);
    expect((await client.verify(VERIFY_TOKEN)).status).toBe(200);
    expect(bot.texts).toEqual(['versioned']);
  });
});
