/**
 * What the handler page scope costs: the in-process pipeline (one no-op handler per event, validation off) with and
 * without a Send API client configured, alternated over rounds so machine noise hits both alike. Prints per-round
 * figures and medians as CPU microseconds per event. Run after `npm run bench` built .bench/dist, or let it build:
 * `node test/bench/handler-scope.mjs [rounds] [seconds]`.
 */
import { fork, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const distDir = join(root, '.bench/dist');
const rounds = Number(process.argv[2] ?? 5);
const seconds = String(process.argv[3] ?? 4);

if (!existsSync(join(distDir, 'pipeline.js')) || process.env.BENCH_BUILD !== '0') {
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  for (const args of [['-b'], ['-p', 'test/bench/tsconfig.json']]) {
    if (spawnSync(process.execPath, [tsc, ...args], { cwd: root, stdio: 'inherit' }).status !== 0) throw new Error(`tsc ${args.join(' ')} failed`);
  }
}

function run(client) {
  return new Promise((resolveRun, reject) => {
    let result;
    const args = ['throughput', 'off', seconds, ...(client ? ['client'] : [])];
    const child = fork(join(distDir, 'pipeline.js'), args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.on('message', (message) => (result = message));
    child.on('exit', (code) => (result ? resolveRun(result) : reject(new Error(`pipeline ${args.join(' ')} exited with ${code}`))));
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const without = [];
const withClient = [];
for (let round = 1; round <= rounds; round++) {
  // Alternate which goes first, so a drift of the machine's load does not favour one side.
  const order = round % 2 ? [false, true] : [true, false];
  for (const client of order) (client ? withClient : without).push((await run(client)).cpuMicrosPerEvent);
  console.log(`round ${round}: no client ${without.at(-1).toFixed(2)} µs/event, client configured ${withClient.at(-1).toFixed(2)} µs/event`);
}
const a = median(without);
const b = median(withClient);
console.log(`median CPU per event: no client ${a.toFixed(2)} µs (${Math.round(1e6 / a)} events/CPU-s), client configured ${b.toFixed(2)} µs (${Math.round(1e6 / b)} events/CPU-s)`);
console.log(`handler page scope: +${(b - a).toFixed(2)} µs per event (${(((b - a) / a) * 100).toFixed(0)} %)`);
