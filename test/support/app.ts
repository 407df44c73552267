import 'reflect-metadata';
import type { INestApplication, LoggerService, ModuleMetadata } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { signBody } from 'nestjs-messenger-webhook';

/** The two HTTP platforms every end-to-end test runs on. */
export type AdapterName = 'express' | 'fastify';
export const ADAPTERS: readonly AdapterName[] = ['express', 'fastify'];

export const VERIFY_TOKEN = 'test-verify-token';
export const APP_SECRET = 'test-app-secret';

/** A running app on a loopback port, with helpers that speak to it as Meta would. */
export interface TestServer {
  app: INestApplication;
  url: string;
  /** POSTs `body` (an object is serialised; a string is sent as is) signed with `secret`. */
  post(body: unknown, options?: { secret?: string | null; headers?: Record<string, string>; path?: string; signal?: AbortSignal }): Promise<Response>;
  close(): Promise<void>;
}

/**
 * Creates (without listening) the Nest app of `metadata` on an adapter, as the README's testing section does; drive it
 * with the testing kit's `createMessengerTestClient(app)`.
 */
export async function createTestApp(
  adapter: AdapterName,
  metadata: ModuleMetadata,
  options: { rawBody?: boolean; logger?: LoggerService } = {},
): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule(metadata).compile();
  const rawBody = options.rawBody ?? true;
  // Silent unless a test wants to read the logs.
  const logger = options.logger ?? false;
  return adapter === 'fastify'
    ? moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { rawBody, logger })
    : moduleRef.createNestApplication({ rawBody, logger });
}

/** Boots `metadata` as a real Nest app over HTTP on the given adapter, the way a user's main.ts would. */
export async function startServer(
  adapter: AdapterName,
  metadata: ModuleMetadata,
  options: {
    rawBody?: boolean;
    path?: string;
    configure?: (app: INestApplication) => void;
    logger?: LoggerService;
    raiseExpressLimit?: boolean;
    /** Options of the Fastify adapter (its JSON parser's prototype-poisoning policy, say). */
    fastify?: ConstructorParameters<typeof FastifyAdapter>[0];
  } = {},
): Promise<TestServer> {
  const moduleRef = await Test.createTestingModule(metadata).compile();
  const rawBody = options.rawBody ?? true;
  // Silent unless a test wants to read the logs (`logger` is then where every Nest and library line goes).
  const logger = options.logger ?? false;
  const app: INestApplication =
    adapter === 'fastify'
      ? moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(options.fastify), { rawBody, logger })
      : moduleRef.createNestApplication({ rawBody, logger });
  // As the README tells Express users to; `raiseExpressLimit: false` leaves Nest's parser where init() puts it.
  if (adapter === 'express' && options.raiseExpressLimit !== false) (app as NestExpressApplication).useBodyParser('json', { limit: '2mb' });
  options.configure?.(app);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}/${options.path ?? 'webhook'}`;
  return {
    app,
    url,
    async post(body, postOptions = {}) {
      const raw = typeof body === 'string' ? body : JSON.stringify(body);
      const headers: Record<string, string> = { 'content-type': 'application/json', ...postOptions.headers };
      const secret = postOptions.secret === undefined ? APP_SECRET : postOptions.secret;
      if (secret !== null) headers['x-hub-signature-256'] = signBody(raw, secret);
      const target = postOptions.path ? `http://127.0.0.1:${address.port}/${postOptions.path}` : url;
      return fetch(target, { method: 'POST', headers, body: raw, signal: postOptions.signal });
    },
    close: () => app.close(),
  };
}

/** Wraps raw events into a one-entry Messenger delivery. */
export function delivery(events: unknown[], options: { object?: string; pageId?: string; list?: 'messaging' | 'standby' } = {}) {
  return {
    object: options.object ?? 'page',
    entry: [{ id: options.pageId ?? 'PAGE_1', time: 1_700_000_000_000, [options.list ?? 'messaging']: events }],
  };
}
