/**
 * What the handler page scope costs: the in-process pipeline (one no-op handler per event, validation off) with no Send
 * API client, with one page token (no scope on Messenger events) and with a map of page tokens (every handler in the
 * scope), alternated over rounds so machine noise hits all alike. Prints per-round figures and medians as CPU
 * microseconds per event. Run after `npm run bench` built .bench/dist, or let it build:
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

const CASES = ['none', 'token', 'pages'];

function run(client) {
  return new Promise((resolveRun, reject) => {
    let result;
    const args = ['throughput', 'off', seconds, client];
    const child = fork(join(distDir, 'pipeline.js'), args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.on('message', (message) => (result = message));
    child.on('exit', (code) => (result ? resolveRun(result) : reject(new Error(`pipeline ${args.join(' ')} exited with ${code}`))));
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const figures = Object.fromEntries(CASES.map((name) => [name, []]));
for (let round = 1; round <= rounds; round++) {
  // Rotate which goes first, so a drift of the machine's load does not favour one case.
  const order = CASES.map((_, i) => CASES[(i + round) % CASES.length]);
  for (const name of order) figures[name].push((await run(name)).cpuMicrosPerEvent);
  console.log(`round ${round}: ${CASES.map((name) => `${name} ${figures[name].at(-1).toFixed(2)}`).join(', ')} µs/event`);
}
const base = median(figures.none);
for (const name of CASES) {
  const value = median(figures[name]);
  const extra = name === 'none' ? '' : `, ${value - base >= 0 ? '+' : ''}${(value - base).toFixed(2)} µs (${(((value - base) / base) * 100).toFixed(0)} %) against no client`;
  console.log(`median ${name}: ${value.toFixed(2)} µs per event (${Math.round(1e6 / value)} events per CPU-second)${extra}`);
}
