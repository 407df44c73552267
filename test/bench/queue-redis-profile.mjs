/**
 * Where Redis spends its time in queue mode: `node test/bench/queue-redis-profile.mjs [events per delivery] [deliveries]`.
 * Runs an edge and two workers (the bench build in `.bench/dist`), posts the deliveries, and prints Redis' own
 * INFO commandstats per event: our scripts and BullMQ's, by calls and by microseconds.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { blast, startProcess, startRedis, waitForCalls } from './queue-bench.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const distDir = join(root, '.bench/dist');
const [perDelivery = '1', deliveries = '3000'] = process.argv.slice(2);
const redis = await startRedis();
const admin = new Redis(redis.url);
const processes = [];
try {
  const edge = await startProcess(distDir, 'edge', 'express', redis.url, 'profile');
  const workers = await Promise.all([startProcess(distDir, 'worker', 'express', redis.url, 'profile'), startProcess(distDir, 'worker', 'express', redis.url, 'profile')]);
  processes.push(edge, ...workers);
  const url = `http://127.0.0.1:${edge.port}/webhook`;
  const warm = await blast(url, { eventsPerDelivery: Number(perDelivery), amount: 200, connections: 10 });
  await waitForCalls(workers, warm.ok * Number(perDelivery), 60_000);
  await admin.config('RESETSTAT');
  const run = await blast(url, { eventsPerDelivery: Number(perDelivery), amount: Number(deliveries), connections: 20 });
  const events = run.ok * Number(perDelivery);
  await waitForCalls(workers, (warm.ok * Number(perDelivery)) + events, 120_000);
  const stats = (await admin.info('commandstats')).split('\n').filter((line) => line.startsWith('cmdstat_'));
  const rows = stats
    .map((line) => {
      const [, name, calls, usec] = /^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/.exec(line) ?? [];
      return { name, calls: Number(calls), usec: Number(usec) };
    })
    .filter((row) => row.name && row.name !== 'info' && row.name !== 'config')
    .sort((a, b) => b.usec - a.usec);
  const total = rows.reduce((sum, row) => sum + row.usec, 0);
  console.log(`${events} events in ${run.ok} deliveries of ${perDelivery}: Redis spent ${(total / events).toFixed(1)} µs per event in commands (scripts count inside evalsha)`);
  for (const row of rows.slice(0, 12)) console.log(`  ${row.name.padEnd(14)} ${(row.calls / events).toFixed(2).padStart(6)} calls/event  ${(row.usec / events).toFixed(1).padStart(7)} µs/event  ${(row.usec / row.calls).toFixed(1).padStart(6)} µs/call`);
} finally {
  for (const p of processes) await p.stop();
  admin.disconnect();
  await redis.stop();
}
