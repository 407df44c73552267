import 'reflect-metadata';
import type { INestApplication, LoggerService, ModuleMetadata } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';

/** The two HTTP platforms every end-to-end test runs on. */
export type AdapterName = 'express' | 'fastify';
export const ADAPTERS: readonly AdapterName[] = ['express', 'fastify'];

export const VERIFY_TOKEN = 'test-verify-token';
export const APP_SECRET = 'test-app-secret';

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
