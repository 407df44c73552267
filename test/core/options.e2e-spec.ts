import { Injectable, Module, type INestApplication, type ModuleMetadata } from '@nestjs/common';
import { afterEach, describe, expect, it } from 'vitest';
import { MessengerWebhookModule, type MessengerWebhookOptions } from 'nestjs-messenger-webhook';
import { createMessengerTestClient, MessengerEvents, MessengerRecorder } from 'nestjs-messenger-webhook/testing';
import { ADAPTERS, APP_SECRET, createTestApp, VERIFY_TOKEN } from '../support/app.js';
import { LogCapture } from '../support/log-capture.js';

const logs = new LogCapture();

/** Stands in for a user's configuration service (e.g. @nestjs/config's ConfigService). */
@Injectable()
class WebhookConfig {
  readonly verifyToken = 'token-from-config';
  readonly appSecret = 'secret-from-config';
}

@Module({ providers: [WebhookConfig], exports: [WebhookConfig] })
class WebhookConfigModule {}

describe.each(ADAPTERS)('module options on %s', (adapter) => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
    logs.clear();
  });

  /** Creates the app and starts it, as a user's main.ts would: options are checked at start-up. */
  const start = async (metadata: ModuleMetadata, logger?: LogCapture) => {
    app = await createTestApp(adapter, metadata, { logger });
    await app.init();
    return { app, client: createMessengerTestClient(app), recorder: () => app!.get(MessengerRecorder) };
  };

  it('refuses to start without verifyToken, naming it', async () => {
    const options = { appSecret: APP_SECRET } as MessengerWebhookOptions;
    await expect(start({ imports: [MessengerWebhookModule.forRoot(options)] })).rejects.toThrow(
      /MessengerWebhookModule: verifyToken is required/,
    );
  });

  it('refuses to start without appSecret, naming it and the verifySignature: false way out', async () => {
    // The type already refuses this (appSecret is required unless verifySignature: false); the check at start-up is for
    // JavaScript callers and for options built at run time, e.g. from an unset environment variable.
    // @ts-expect-error appSecret is missing
    const started = start({ imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN })] });
    await expect(started).rejects.toThrow(/appSecret is required/);
    await expect(started).rejects.toThrow(/verifySignature: false/);
  });

  it('with verifySignature: false, starts without a secret, accepts unsigned deliveries, and warns about it', async () => {
    const { client, recorder } = await start(
      { imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, verifySignature: false })], providers: [MessengerRecorder] },
      logs,
    );
    expect(logs.at('warn').map((line) => line.message)).toContainEqual(expect.stringContaining('verifySignature is false'));
    const response = await client.send(MessengerEvents.text('no signature', { sender: 'U1', mid: 'm_unsigned' }), { secret: null });
    expect(response.status).toBe(200);
    expect(recorder().received('OnMessage')).toHaveLength(1);
  });

  it('forRootAsync reads its options from an injected config provider', async () => {
    const { client, recorder } = await start({
      imports: [
        MessengerWebhookModule.forRootAsync({
          imports: [WebhookConfigModule],
          inject: [WebhookConfig],
          useFactory: (config: WebhookConfig) => ({ verifyToken: config.verifyToken, appSecret: config.appSecret }),
        }),
      ],
      providers: [MessengerRecorder],
    });
    expect((await client.verify('token-from-config')).status).toBe(200);
    expect((await client.verify(VERIFY_TOKEN)).status).toBe(403);
    const message = MessengerEvents.text('configured later', { sender: 'U1', mid: 'm_async' });
    expect((await client.send(message, { secret: 'secret-from-config' })).status).toBe(200);
    expect((await client.send(message, { secret: APP_SECRET })).status).toBe(403);
    expect(recorder().received('OnMessage')).toHaveLength(1);
  });

  it('serves the webhook on a custom path', async () => {
    const { app, client, recorder } = await start({
      imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, path: 'hooks/meta' })],
      providers: [MessengerRecorder],
    });
    // The client finds the module's route by itself.
    expect(await client.webhookUrl()).toMatch(/\/hooks\/meta$/);
    expect(await (await client.verify(VERIFY_TOKEN, 'c1')).body).toBe('c1');
    expect((await client.send(MessengerEvents.text('hi', { sender: 'U1', mid: 'm_path' }))).status).toBe(200);
    expect(recorder().received('OnMessage')).toHaveLength(1);
    // Nothing is left at the default path.
    const atDefaultPath = createMessengerTestClient(app, { path: 'webhook' });
    expect((await atDefaultPath.send(MessengerEvents.text('hi', { sender: 'U1', mid: 'm_default' }))).status).toBe(404);
  });
});
