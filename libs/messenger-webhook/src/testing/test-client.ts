import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { RequestMethod, type INestApplication } from '@nestjs/common';
import { ApplicationConfig } from '@nestjs/core';
import { MessengerClient } from '../client/messenger-client.js';
import { MessengerDispatcher, type DispatchSummary } from '../dispatch/messenger-dispatcher.js';
import { MESSENGER_WEBHOOK_CONFIG, MESSENGER_WEBHOOK_PATH } from '../messenger-webhook.constants.js';
import type { ResolvedMessengerWebhookConfig } from '../messenger-webhook.options.js';
import { metaStringify } from './meta-json.js';
import { signPayload } from './sign-payload.js';
import { toWebhookBody, type EventsOrBody, type WebhookBodyOptions } from './webhook-body.js';

/** Options of {@link createMessengerTestClient}. */
export interface MessengerTestClientOptions {
  /** Secret to sign with (default: the first `appSecret` the module was configured with). */
  appSecret?: string;
  /** Full URL path of the webhook, e.g. `'/api/webhook'` (default: the module's path under the app's global prefix). */
  path?: string;
}

/** Options of {@link MessengerTestClient.send}; the envelope options apply only when events (not a body) are given. */
export interface SendOptions extends WebhookBodyOptions {
  /** Secret to sign with instead of the app's; `null` sends no signature header. */
  secret?: string | null;
  /** Extra request headers. */
  headers?: Record<string, string>;
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
   * every reply went out (awaited or not), so assertions can follow at once even with `dispatch: 'background'`. Makes
   * the app listen on 127.0.0.1 if needed.
   */
  async send(events: EventsOrBody, options: SendOptions = {}): Promise<TestResponse> {
    const raw = metaStringify(toWebhookBody(events, options));
    const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
    const secret = options.secret === undefined ? this.appSecret() : options.secret;
    if (secret !== null && secret !== undefined) headers['x-hub-signature-256'] = signPayload(raw, secret);
    const response = await fetch(await this.url(RequestMethod.POST), { method: 'POST', headers, body: raw });
    const body = await response.text();
    await this.dispatcher().idle();
    await this.repliesSent();
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
    const url = new URL(await this.url(RequestMethod.GET));
    url.searchParams.set('hub.mode', 'subscribe');
    url.searchParams.set('hub.verify_token', token);
    url.searchParams.set('hub.challenge', challenge);
    const response = await fetch(url);
    return { status: response.status, body: await response.text() };
  }

  /** The webhook's URL, making the app listen on 127.0.0.1 (any free port) if it does not listen yet. */
  async webhookUrl(): Promise<string> {
    return this.url(RequestMethod.POST);
  }

  private async url(method: RequestMethod): Promise<string> {
    this.baseUrl ??= this.listen().catch((error: unknown) => {
      this.baseUrl = undefined;
      throw error;
    });
    return `${await this.baseUrl}${this.routePath(method)}`;
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

  private routePath(method: RequestMethod): string {
    if (this.options.path !== undefined) return `/${trimSlashes(this.options.path)}`;
    const route = `/${trimSlashes(this.lookup<string>(MESSENGER_WEBHOOK_PATH, 'the webhook path'))}`;
    let config: ApplicationConfig;
    try {
      config = this.app.get(ApplicationConfig, { strict: false });
    } catch {
      return route;
    }
    const prefix = trimSlashes(config.getGlobalPrefix() ?? '');
    if (!prefix) return route;
    const excluded = (config.getGlobalPrefixOptions()?.exclude ?? []).some(
      (rule) => (rule.requestMethod === RequestMethod.ALL || rule.requestMethod === method) && rule.pathRegex.test(route),
    );
    return excluded ? route : `/${prefix}${route}`;
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

function trimSlashes(path: string): string {
  return path.replace(/^\/+|\/+$/g, '');
}
