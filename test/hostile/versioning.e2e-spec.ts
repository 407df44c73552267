import { VersioningType, type INestApplication, type VersioningOptions } from '@nestjs/common';
import { afterEach, describe, expect, it } from 'vitest';
import { MessengerWebhookModule, type MessengerWebhookExtras } from 'nestjs-messenger-webhook';
import { createMessengerTestClient, MessengerEvents } from 'nestjs-messenger-webhook/testing';
import { ADAPTERS, APP_SECRET, delivery, startServer, VERIFY_TOKEN, type TestServer } from '../support/app.js';
import { textMessage } from '../support/deliveries.js';
import { EveryListener } from '../support/recorder.js';

/** Boots an app with versioning (and maybe a global prefix) enabled the way a user's main.ts does. */
function bootWith(adapter: (typeof ADAPTERS)[number], versioning: VersioningOptions, extras: MessengerWebhookExtras = {}, globalPrefix?: string) {
  return startServer(
    adapter,
    { imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, ...extras })], providers: [EveryListener] },
    {
      configure: (app: INestApplication) => {
        if (globalPrefix) app.setGlobalPrefix(globalPrefix);
        app.enableVersioning(versioning);
      },
    },
  );
}

describe.each(ADAPTERS)('the webhook route under app.enableVersioning() on %s', (adapter) => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it.each<[string, VersioningOptions]>([
    ['URI versioning with defaultVersion 1', { type: VersioningType.URI, defaultVersion: '1' }],
    ['header versioning with defaultVersion 1', { type: VersioningType.HEADER, header: 'X-API-Version', defaultVersion: '1' }],
  ])('stays where Meta calls it (version-neutral) under %s, and the testing kit finds it', async (_what, versioning) => {
    server = await bootWith(adapter, versioning);
    expect((await server.post(delivery([textMessage('U1', 'm_neutral', 'hi')]))).status).toBe(200);
    expect((await server.post(delivery([textMessage('U1', 'm_v1', 'hi')]), { path: 'v1/webhook' })).status).toBe(404);
    const client = createMessengerTestClient(server.app);
    expect((await client.send(MessengerEvents.text('from the kit'))).status).toBe(200);
    expect((await client.verify(VERIFY_TOKEN)).status).toBe(200);
    expect(server.app.get(EveryListener).callsOf('OnMessage')).toHaveLength(2);
  });

  it.each<[string, VersioningOptions, string | undefined]>([
    ['URI', { type: VersioningType.URI }, undefined],
    ['URI with a global prefix', { type: VersioningType.URI }, 'api'],
    ['URI without prefix letter', { type: VersioningType.URI, prefix: false }, undefined],
    ['header', { type: VersioningType.HEADER, header: 'X-API-Version' }, undefined],
    ['media type', { type: VersioningType.MEDIA_TYPE, key: 'v=' }, 'api'],
  ])('takes a version from the version option under %s versioning, and the testing kit still finds it', async (_what, versioning, prefix) => {
    server = await bootWith(adapter, versioning, { version: '2' }, prefix);
    // Unversioned, the request finds no route: the webhook really moved to version 2.
    const unversioned = await server.post(delivery([textMessage('U1', 'm_unversioned', 'hi')]), { path: prefix ? `${prefix}/webhook` : 'webhook' });
    expect(unversioned.status).toBe(404);
    const client = createMessengerTestClient(server.app);
    expect((await client.send(MessengerEvents.text('versioned'))).status).toBe(200);
    expect((await client.verify(VERIFY_TOKEN)).status).toBe(200);
    expect(server.app.get(EveryListener).callsOf('OnMessage')).toHaveLength(1);
  });
});
