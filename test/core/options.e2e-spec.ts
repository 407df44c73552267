import { Injectable, Module } from '@nestjs/common';
import { afterEach, describe, expect, it } from 'vitest';
import { MessengerWebhookModule, type MessengerWebhookOptions } from 'nestjs-messenger-webhook';
import { ADAPTERS, APP_SECRET, delivery, startServer, VERIFY_TOKEN, type TestServer } from '../support/app.js';
import { textMessage } from '../support/deliveries.js';
import { LogCapture } from '../support/log-capture.js';
import { EveryListener } from '../support/recorder.js';

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
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
    logs.clear();
  });

  const handshake = (target: TestServer, token: string) =>
    fetch(`${target.url}?${new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.verify_token': token, 'hub.challenge': 'c1' }).toString()}`);

  it('refuses to start without verifyToken, naming it', async () => {
    const options = { appSecret: APP_SECRET } as MessengerWebhookOptions;
    await expect(startServer(adapter, { imports: [MessengerWebhookModule.forRoot(options)] })).rejects.toThrow(
      /MessengerWebhookModule: verifyToken is required/,
    );
  });

  it('refuses to start without appSecret, naming it and the verifySignature: false way out', async () => {
    // The type already refuses this (appSecret is required unless verifySignature: false); the check at start-up is for
    // JavaScript callers and for options built at run time, e.g. from an unset environment variable.
    // @ts-expect-error appSecret is missing
    const start = startServer(adapter, { imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN })] });
    await expect(start).rejects.toThrow(/appSecret is required/);
    await expect(start).rejects.toThrow(/verifySignature: false/);
  });

  it('with verifySignature: false, starts without a secret, accepts unsigned deliveries, and warns about it', async () => {
    server = await startServer(
      adapter,
      { imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, verifySignature: false })], providers: [EveryListener] },
      { logger: logs },
    );
    expect(logs.at('warn').map((line) => line.message)).toContainEqual(expect.stringContaining('verifySignature is false'));
    const response = await server.post(delivery([textMessage('U1', 'm_unsigned', 'no signature')]), { secret: null });
    expect(response.status).toBe(200);
    expect(server.app.get(EveryListener).callsOf('OnMessage')).toHaveLength(1);
  });

  it('forRootAsync reads its options from an injected config provider', async () => {
    server = await startServer(adapter, {
      imports: [
        MessengerWebhookModule.forRootAsync({
          imports: [WebhookConfigModule],
          inject: [WebhookConfig],
          useFactory: (config: WebhookConfig) => ({ verifyToken: config.verifyToken, appSecret: config.appSecret }),
        }),
      ],
      providers: [EveryListener],
    });
    expect((await handshake(server, 'token-from-config')).status).toBe(200);
    expect((await handshake(server, VERIFY_TOKEN)).status).toBe(403);
    const body = delivery([textMessage('U1', 'm_async', 'configured later')]);
    expect((await server.post(body, { secret: 'secret-from-config' })).status).toBe(200);
    expect((await server.post(body, { secret: APP_SECRET })).status).toBe(403);
    expect(server.app.get(EveryListener).callsOf('OnMessage')).toHaveLength(1);
  });

  it('serves the webhook on a custom path', async () => {
    server = await startServer(
      adapter,
      { imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, path: 'hooks/meta' })], providers: [EveryListener] },
      { path: 'hooks/meta' },
    );
    expect(server.url).toMatch(/\/hooks\/meta$/);
    expect(await (await handshake(server, VERIFY_TOKEN)).text()).toBe('c1');
    expect((await server.post(delivery([textMessage('U1', 'm_path', 'hi')]))).status).toBe(200);
    expect(server.app.get(EveryListener).callsOf('OnMessage')).toHaveLength(1);
    // Nothing is left at the default path.
    expect((await server.post(delivery([textMessage('U1', 'm_default', 'hi')]), { path: 'webhook' })).status).toBe(404);
  });
});
