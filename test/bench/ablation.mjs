/**
 * Where the library's time goes, by switching its parts off: runs the bare server and the library with validation
 * and/or the signature check turned off, alternating over rounds, and prints CPU per request of each.
 * `node test/bench/ablation.mjs <express|fastify> <events per request> [rate]` (rate: fixed req/s for every server,
 * so differences in throughput do not change the kernel's per-request cost; omitted: as fast as each server goes).
 * Needs `.bench/dist` (run `npm run bench -- --quick` once). Not part of `npm run bench`: it is a diagnosis tool.
 * `BENCH_VARIANTS=bare,lib,lib+page-tokens` picks the variants (`page-tokens`: handlers in the client's page scope).
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { median } from './report.mjs';
import { startServer } from './servers.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const distDir = join(root, '.bench/dist');
const [adapter = 'fastify', eventsArg = '1', rateArg] = process.argv.slice(2);
const events = Number(eventsArg);
const rate = rateArg ? Number(rateArg) : undefined;
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const seconds = Number(process.env.BENCH_SECONDS ?? 3);
const VARIANTS = process.env.BENCH_VARIANTS?.split(',') ?? ['bare', 'lib', 'lib+no-validate', 'lib+no-signature', 'lib+no-validate+no-signature'];

const { signedDelivery } = await import(pathToFileURL(join(distDir, 'payload.js')).href);
const payload = signedDelivery(events, Math.min(10, events));
const options = (url, duration) => ({
  url,
  method: 'POST',
  headers: payload.headers,
  body: payload.body,
  connections: 10,
  duration,
  ...(rate ? { overallRate: rate } : {}),
});

const figures = Object.fromEntries(VARIANTS.map((variant) => [variant, []]));
for (let round = 0; round < rounds; round++) {
  for (const variant of round % 2 ? [...VARIANTS].reverse() : VARIANTS) {
    const server = await startServer(distDir, adapter, variant);
    try {
      const url = `http://127.0.0.1:${server.port}/webhook`;
      await autocannon(options(url, 1));
      const before = await server.stats();
      const result = await autocannon(options(url, seconds));
      const after = await server.stats();
      if (result.non2xx + result.errors > 0) throw new Error(`${variant}: ${result.non2xx} non-2xx, ${result.errors} errors`);
      const requests = result.requests.total;
      const user = (after.cpu.user - before.cpu.user) / requests;
      const system = (after.cpu.system - before.cpu.system) / requests;
      figures[variant].push({ rps: requests / result.duration, cpu: user + system, user, system });
    } finally {
      await server.stop();
    }
  }
}
console.log(`${adapter}, ${events} event(s) per request, ${rate ? `fixed ${rate} req/s` : 'saturating'}, median of ${rounds} rounds × ${seconds} s`);
// The first variant is the baseline (`bare` by default).
const baseline = VARIANTS[0];
const bareCpu = median(figures[baseline].map((entry) => entry.cpu));
for (const variant of VARIANTS) {
  const pick = (key) => median(figures[variant].map((entry) => entry[key]));
  console.log(
    `${variant.padEnd(30)} ${pick('rps').toFixed(0).padStart(7)} req/s  CPU ${pick('cpu').toFixed(1).padStart(7)} µs/req ` +
      `(user ${pick('user').toFixed(1)}, sys ${pick('system').toFixed(1)})  +${(pick('cpu') - bareCpu).toFixed(1)} µs over ${baseline}`,
  );
}
