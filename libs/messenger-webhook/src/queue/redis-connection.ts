import type { Redis as RedisClient, RedisOptions } from 'ioredis';
import type { QueueDrivers } from './drivers.js';
import type { MessengerQueueOptions, QueueRedisClient } from './queue-options.js';

/** Whether `connection` is a client the user made, rather than a URL or options. */
export function isRedisClient(connection: MessengerQueueOptions['connection']): connection is QueueRedisClient {
  return typeof connection === 'object' && connection !== null && typeof (connection as QueueRedisClient).duplicate === 'function';
}

/**
 * Opens a client of our own on the configured Redis, with `overrides` (BullMQ needs `maxRetriesPerRequest: null`).
 * A client the user passed is duplicated, never reused, so closing ours never closes theirs.
 */
export function openRedis(drivers: QueueDrivers, connection: MessengerQueueOptions['connection'], overrides: RedisOptions): RedisClient {
  if (isRedisClient(connection)) return (connection as unknown as RedisClient).duplicate(overrides);
  if (typeof connection === 'string') {
    // ioredis reads the URL itself (password, db, TLS for rediss://); the overrides win over its defaults.
    return new (drivers.Redis as unknown as new (url: string, options: RedisOptions) => RedisClient)(connection, overrides);
  }
  return new drivers.Redis({ ...(connection as RedisOptions), ...overrides });
}

/** Where the connection points, for log lines: never the password (a URL's password is replaced by `***`). */
export function describeConnection(connection: MessengerQueueOptions['connection']): string {
  if (isRedisClient(connection)) return 'the ioredis client given in queue.connection';
  if (typeof connection === 'string') {
    try {
      const url = new URL(connection);
      if (url.password) url.password = '***';
      return url.toString();
    } catch {
      return 'the configured Redis URL';
    }
  }
  const options = connection as { host?: string; port?: number; path?: string; db?: number };
  return options.path ?? `${options.host ?? 'localhost'}:${options.port ?? 6379}${options.db ? `/${options.db}` : ''}`;
}

/** Resolves once `client` is ready; rejects after `timeoutMs`, or when the client gives up (the message names the last error). */
export function whenReady(client: RedisClient, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    let lastError = '';
    const done = (error?: Error) => {
      clearTimeout(timer);
      client.off('ready', onReady);
      client.off('end', onEnd);
      client.off('error', onError);
      if (error) reject(error);
      else resolve();
    };
    const onReady = () => done();
    const onEnd = () => done(new Error(`Redis connection closed${lastError ? ` (${lastError})` : ''}`));
    const onError = (error: Error) => {
      lastError = error.message;
    };
    const timer = setTimeout(() => done(new Error(`Redis not ready after ${timeoutMs} ms (status ${client.status}${lastError ? `, ${lastError}` : ''})`)), timeoutMs);
    client.once('ready', onReady);
    client.once('end', onEnd);
    client.on('error', onError);
  });
}
