/**
 * One bench server, run as a child process of `run.mjs` (`fork`): `node server.js <express|fastify> <bare|lib> [flags]`,
 * flags (lib only, for ablation runs): `dedupe` (keep the default dedupe on), `no-validate`, `no-signature`, `page-tokens`
 * (a map of page tokens: handlers run in the client's page scope).
 * It reports its port once listening, answers `stats` requests with its CPU time and handler calls, and closes on `stop`.
 * The apps themselves are in `bench-app.ts`.
 */
import type { INestApplication } from '@nestjs/common';
import { createBenchApp, handlerCallCount, type AdapterName, type ServerKind } from './bench-app.js';

/** Messages exchanged with `run.mjs` over the IPC channel. */
export type ServerMessage =
  | { type: 'ready'; port: number }
  | { type: 'stats'; cpu: NodeJS.CpuUsage; handlerCalls: number; rssMb: number };

async function main(): Promise<void> {
  const [adapter, kind, ...flags] = process.argv.slice(2) as [AdapterName, ServerKind, ...string[]];
  if ((adapter !== 'express' && adapter !== 'fastify') || (kind !== 'bare' && kind !== 'lib')) {
    throw new Error('usage: server.js <express|fastify> <bare|lib> [dedupe] [no-validate] [no-signature] [page-tokens]');
  }
  const app: INestApplication = await createBenchApp(adapter, kind, flags);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  const send = (message: ServerMessage) => process.send?.(message);
  process.on('message', (message: { type?: string }) => {
    if (message.type === 'stats') {
      send({ type: 'stats', cpu: process.cpuUsage(), handlerCalls: handlerCallCount(), rssMb: process.memoryUsage().rss / 2 ** 20 });
    } else if (message.type === 'stop') {
      void app.close().finally(() => process.exit(0));
    }
  });
  // Orphaned servers must not outlive the bench.
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', port });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
