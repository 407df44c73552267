import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { RequestMethod, VERSION_NEUTRAL, type INestApplication } from '@nestjs/common';
import { ApplicationConfig } from '@nestjs/core';
import { MessengerClient } from '../client/messenger-client.js';
import { MessengerDispatcher, type DispatchSummary } from '../dispatch/messenger-dispatcher.js';
import { appRouting, webhookTarget, type AppRouting, type WebhookRouteSpec, type WebhookVersion } from '../http/webhook-route.js';
import { MESSENGER_WEBHOOK_CONFIG, MESSENGER_WEBHOOK_PATH, MESSENGER_WEBHOOK_VERSION } from '../messenger-webhook.constants.js';
import type { ResolvedMessengerWebhookConfig } from '../messenger-webhook.options.js';
import { metaStringify } from './meta-json.js';
import { signPayload } from './sign-payload.js';
import { toWebhookBody, type EventsOrBody, type WebhookBodyOptions } from './webhook-body.js';

/** Options of {@link createMessengerTestClient}. */
export interface MessengerTestClientOptions {
  /** Secret to sign with (default: the first `appSecret` the module was configured with). */
  appSecret?: string;
  /**
   * The webhook's path as given to `forRoot` / `forRootAsync` (default: read from the module). Like the module's own
   * route, it sits under the app's global prefix unless that prefix excludes it.
   */
  path?: string;
}

/** Options of {@link MessengerTestClient.send}; the envelope options apply only when events (not a body or a string) are given. */
export interface SendOptions extends WebhookBodyOptions {
  /** Secret to sign with instead of the app's; `null` sends no signature header. */
  secret?: string | null;
  /**
   * Which signature headers to send (default `'sha256'`): `'sha1'` sends only the legacy `X-Hub-Signature` (accepted
   * with `allowSha1Signature: true`), `'both'` sends the two headers, as Meta does.
   */
  signature?: 'sha256' | 'sha1' | 'both';
  /** Extra request headers. */
  headers?: Record<string, string>;
  /**
   * Wait for every handler to settle, and its replies to go out, before resolving (default `true`). `false` resolves as
   * soon as the app answered, e.g. to see that `dispatch: 'background'` answers before its handlers finish.
   */
  waitForHandlers?: boolean;
}

/** The answer of the app to a request. */
export interface TestResponse {
  /** HTTP status. */
  status: number;
  /** Response body as text. */
  body: string;
}

/** Creates a client that speaks to the app under test the way Meta does; see {@link MessengerTestClient}. */
export function createMessengerTestClient(app: INestApplication, options: MessengerTestClientOptions = {}): MessengerTestClient {
  return new MessengerTestClient(app, options);
}

/**
 * Drives an app that imports `MessengerWebhookModule`: `send()` over real HTTP, signed like Meta, `dispatch()` straight
 * into the dispatcher for fast handler tests, and `verify()` for the handshake.
 */
export class MessengerTestClient {
  private baseUrl?: Promise<string>;

  constructor(
    private readonly app: INestApplication,
    private readonly options: MessengerTestClientOptions = {},
  ) {}

  /**
   * Signs the delivery (Meta's serialisation), POSTs it and resolves once the app answered, every handler settled and
   * every reply went out (awaited or not), so assertions can follow at once even with `dispatch: 'background'` (unless
   * `waitForHandlers: false`, which resolves on the answer). Makes the app listen on 127.0.0.1 if needed. A string is
   * sent byte for byte (and signed as it is): a body copied from Meta's logs, or a malformed one.
   */
  async send(events: EventsOrBody | string, options: SendOptions = {}): Promise<TestResponse> {
    const raw = typeof events === 'string' ? events : metaStringify(toWebhookBody(events, options));
    const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
    const secret = options.secret === undefined ? this.appSecret() : options.secret;
    if (secret !== null && secret !== undefined) {
      const signature = options.signature ?? 'sha256';
      if (signature !== 'sha1') headers['x-hub-signature-256'] = signPayload(raw, secret);
      if (signature !== 'sha256') headers['x-hub-signature'] = signPayload(raw, secret, 'sha1');
    }
    const { url, headers: routeHeaders } = await this.target(RequestMethod.POST);
    const response = await fetch(url, { method: 'POST', headers: { ...routeHeaders, ...headers }, body: raw });
    const body = await response.text();
    if (options.waitForHandlers !== false) {
      await this.dispatcher().idle();
      await this.repliesSent();
    }
    return { status: response.status, body };
  }

  /**
   * Hands the delivery to the dispatcher without HTTP or signature (a JSON round trip still applies) and returns its
   * summary once every handler settled and every reply went out.
   */
  async dispatch(events: EventsOrBody, options: WebhookBodyOptions = {}): Promise<DispatchSummary> {
    // Handlers are discovered when the app initialises; init() does nothing on an app already initialised.
    await this.app.init();
    const body = JSON.parse(JSON.stringify(toWebhookBody(events, options))) as ReturnType<typeof toWebhookBody>;
    const summary = await this.dispatcher().dispatch(body);
    await this.repliesSent();
    return summary;
  }

  /** Runs Meta's GET handshake with `token` and a random challenge. */
  async verify(token: string, challenge = randomBytes(8).toString('hex')): Promise<TestResponse> {
    const target = await this.target(RequestMethod.GET);
    const url = new URL(target.url);
    url.searchParams.set('hub.mode', 'subscribe');
    url.searchParams.set('hub.verify_token', token);
    url.searchParams.set('hub.challenge', challenge);
    const response = await fetch(url, { headers: target.headers });
    return { status: response.status, body: await response.text() };
  }

  /** The webhook's URL, making the app listen on 127.0.0.1 (any free port) if it does not listen yet. */
  async webhookUrl(): Promise<string> {
    return (await this.target(RequestMethod.POST)).url;
  }

  /** The URL of the webhook's `method` route, and the headers its version needs under header or media-type versioning. */
  private async target(method: RequestMethod): Promise<{ url: string; headers: Record<string, string> }> {
    this.baseUrl ??= this.listen().catch((error: unknown) => {
      this.baseUrl = undefined;
      throw error;
    });
    const base = await this.baseUrl;
    const { path, headers } = webhookTarget(this.routeSpec(), this.appRouting(), method);
    return { url: `${base}${path}`, headers: { ...headers } };
  }

  private async listen(): Promise<string> {
    const server = this.app.getHttpServer() as { listening?: boolean };
    if (!server.listening) await this.app.listen(0, '127.0.0.1');
    const address = (this.app.getHttpServer() as { address(): AddressInfo | string | null }).address();
    if (address === null || typeof address === 'string') {
      throw new Error('MessengerTestClient: the app listens on a pipe or socket, not a TCP port; listen on a port to use send() and verify()');
    }
    // An app bound to every interface is reached over loopback.
    const host = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  }

  private routeSpec(): WebhookRouteSpec {
    const path = this.options.path ?? this.lookup<string>(MESSENGER_WEBHOOK_PATH, 'the webhook path');
    let version: WebhookVersion = VERSION_NEUTRAL;
    try {
      version = this.app.get<WebhookVersion>(MESSENGER_WEBHOOK_VERSION, { strict: false });
    } catch {
      // Registered by every module instance; a missing one means the default.
    }
    return { path, version };
  }

  private appRouting(): AppRouting {
    try {
      return appRouting(this.app.get(ApplicationConfig, { strict: false }));
    } catch {
      return appRouting(undefined);
    }
  }

  private appSecret(): string | undefined {
    return this.options.appSecret ?? this.lookup<ResolvedMessengerWebhookConfig>(MESSENGER_WEBHOOK_CONFIG, 'the module configuration').appSecrets[0];
  }

  /** Waits for the Graph API calls handlers made without awaiting them (failed ones included). */
  private async repliesSent(): Promise<void> {
    await this.lookup<MessengerClient>(MessengerClient, 'MessengerClient').idle();
  }

  private dispatcher(): MessengerDispatcher {
    return this.lookup<MessengerDispatcher>(MessengerDispatcher, 'MessengerDispatcher');
  }

  private lookup<T>(token: symbol | typeof MessengerDispatcher | typeof MessengerClient, what: string): T {
    try {
      return this.app.get<T>(token, { strict: false });
    } catch {
      throw new Error(`MessengerTestClient: ${what} was not found in the app: import MessengerWebhookModule.forRoot(...) in the module under test`);
    }
  }
}
