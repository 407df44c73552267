/**
 * Profiles one bench server under load and prints its top functions by self time:
 * `node test/bench/profile.mjs <express|fastify> <bare|lib|lib-dedupe> <events per request> [seconds]`.
 * Run `npm run bench -- --quick` (or the build in run.mjs) first so `.bench/dist` exists. Profiles go to `.bench/prof/`.
 */
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { load, startServer } from './servers.mjs';
import { selfTimes } from './top-self.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const distDir = join(root, '.bench/dist');
const profDir = join(root, '.bench/prof');
const [adapter = 'fastify', variant = 'lib', events = '1', seconds = '8'] = process.argv.slice(2);

mkdirSync(profDir, { recursive: true });
const startedAt = Date.now();
const { signedDelivery } = await import(pathToFileURL(join(distDir, 'payload.js')).href);
const payload = signedDelivery(Number(events), Math.min(10, Number(events)));
const server = await startServer(distDir, adapter, variant, ['--cpu-prof', `--cpu-prof-dir=${profDir}`]);
const url = `http://127.0.0.1:${server.port}/webhook`;
const warmup = await load(url, payload, 1, 10);
const before = await server.stats();
const result = await load(url, payload, Number(seconds), 10);
const after = await server.stats();
await server.stop();
const cpuMs = (after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system) / 1000;
const requests = result.requests.total;
console.log(
  `${adapter}/${variant}, ${events} event(s): ${requests} requests (${result.non2xx} non-2xx), ${(requests / result.duration).toFixed(0)} req/s, ` +
    `${((cpuMs * 1000) / requests).toFixed(1)} µs CPU/req`,
);
const file = readdirSync(profDir)
  .filter((name) => name.endsWith('.cpuprofile') && statSync(join(profDir, name)).mtimeMs >= startedAt)
  .map((name) => join(profDir, name))
  .at(-1);
if (!file) throw new Error('no profile written');
// The profile spans the whole process life, so start-up (module loading) shows up as its own lines.
const { total, functions, packages, inclusive } = selfTimes(JSON.parse(readFileSync(file, 'utf8')));
const idle = packages.find(([name]) => name === '(idle)')?.[1] ?? 0;
const line = ([name, ms]) => `${ms.toFixed(0).padStart(7)} ms ${((100 * ms) / (total - idle)).toFixed(1).padStart(5)}%  ${name}`;
console.log(`${file}\n${(total - idle).toFixed(0)} ms busy of ${total.toFixed(0)} ms sampled (whole process life, start-up included)\n\nBy package:`);
for (const entry of packages.filter(([name]) => name !== '(idle)').slice(0, 14)) console.log(line(entry));
// The profile covers the warm-up too, so per-request figures divide by every request served.
const served = requests + warmup.requests.total;
console.log('\nBy package, per request served (warm-up included):');
for (const [name, ms] of packages.filter(([pkg]) => pkg !== '(idle)').slice(0, 14)) console.log(`${((ms * 1000) / served).toFixed(1).padStart(7)} µs/req  ${name}`);
console.log('\nInclusive (the package and everything it calls, per request served):');
for (const [name, ms] of inclusive.filter(([pkg]) => !pkg.startsWith('node:') && !pkg.startsWith('(')).slice(0, 10)) {
  console.log(`${ms.toFixed(0).padStart(7)} ms ${((ms * 1000) / served).toFixed(1).padStart(7)} µs/req  ${name}`);
}
console.log('\nTop 30 functions by self time:');
for (const entry of functions.filter(([name]) => !name.startsWith('(idle)')).slice(0, 30)) console.log(line(entry));
