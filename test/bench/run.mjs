/**
 * `npm run bench`: builds the library and the bench servers, then measures the library against the bare framework
 * over HTTP (autocannon on 127.0.0.1, servers as child processes) and its event pipeline in-process.
 * Prints a table, writes `.bench/results.json` and `.bench/results.md`, and exits 1 if any request failed.
 *
 * Flags: `--quick` (2 short rounds, 100k-event heap run: for trying the script, not for figures), `--no-build`,
 * `--no-queue` (skip the queue-mode case, which needs redis-server), `--queue-only` (only the queue-mode case),
 * `--express` / `--fastify` (the queue case on that adapter only; by default it runs on both), `--nice=N` (queue workers at nice N, the edge and Redis at
 * 0, as if the workers had machines of their own), `--cases=latency-500,latency-500-semi4,throughput-batch10,throughput-single` (queue cases to run; the semi4 case runs on Express only).
 * Environment: BENCH_ROUNDS, BENCH_SECONDS, BENCH_WARMUP, BENCH_CONNECTIONS, BENCH_HEAP_BATCHES, BENCH_PIPELINE_PROCESSES (median of that many pipeline processes, default 3) override the defaults;
 * BENCH_CASES (comma-separated HTTP case ids, e.g. `fastify-single,express-single`) runs only those HTTP cases, and
 * `--no-pipeline` skips the in-process pipeline runs: both for quick iteration, not for the published figures.
 */
import { fork, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { machineInfo, median, renderMarkdown, renderTable, TARGETS } from './report.mjs';
import { queueFlags, renderQueue, runQueueBench } from './queue-bench.mjs';
import { load, startServer } from './servers.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const outDir = join(root, '.bench');
const distDir = join(outDir, 'dist');
const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');

const config = {
  rounds: numberFrom('BENCH_ROUNDS', quick ? 2 : 5),
  seconds: numberFrom('BENCH_SECONDS', quick ? 2 : 3),
  warmupSeconds: numberFrom('BENCH_WARMUP', 1),
  connections: numberFrom('BENCH_CONNECTIONS', 10),
  /** Slices each round's measured window is cut into, taking turns between the variants (see measureRound). */
  slices: numberFrom('BENCH_SLICES', quick ? 2 : 6),
  pipelineSeconds: quick ? 2 : 5,
  pipelineProcesses: numberFrom('BENCH_PIPELINE_PROCESSES', quick ? 1 : 3),
  heapBatches: numberFrom('BENCH_HEAP_BATCHES', quick ? 100 : 1000),
  batchEvents: 100,
  batchSenders: 10,
};

/** Every HTTP case; the variants alternate within each round (order reversed every other round). */
const CASES = [
  { id: 'express-single', adapter: 'express', events: 1, variants: ['bare', 'lib', 'lib-dedupe'] },
  { id: 'express-batch', adapter: 'express', events: config.batchEvents, variants: ['bare', 'lib'] },
  { id: 'fastify-single', adapter: 'fastify', events: 1, variants: ['bare', 'lib'] },
  { id: 'fastify-batch', adapter: 'fastify', events: config.batchEvents, variants: ['bare', 'lib'] },
];

function numberFrom(name, fallback) {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

function build() {
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  for (const tscArgs of [['-b'], ['-p', 'test/bench/tsconfig.json']]) {
    const result = spawnSync(process.execPath, [tsc, ...tscArgs], { cwd: root, stdio: 'inherit' });
    if (result.status !== 0) throw new Error(`tsc ${tscArgs.join(' ')} failed (exit ${result.status})`);
  }
}

/**
 * Copies the built library into `.bench/node_modules`, which the bench servers resolve before the workspace link, so
 * every server of a run loads the same build even if someone rebuilds the library meanwhile. Returns its fingerprint.
 */
function snapshotLibrary() {
  const source = join(root, 'libs/messenger-webhook');
  const target = join(outDir, 'node_modules/nestjs-messenger-webhook');
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  cpSync(join(source, 'package.json'), join(target, 'package.json'));
  cpSync(join(source, 'dist'), join(target, 'dist'), { recursive: true, filter: (path) => !path.endsWith('.map') });
  const hash = createHash('sha256');
  const files = readdirSync(join(target, 'dist'), { recursive: true }).filter((file) => String(file).endsWith('.js')).sort();
  for (const file of files) hash.update(`${file}\0`).update(readFileSync(join(target, 'dist', String(file))));
  return { fingerprint: hash.digest('hex').slice(0, 12), files: files.length, ...gitState() };
}

/** The commit the run started from, and whether the library's sources differed from it (read-only git calls). */
function gitState() {
  const git = (...gitArgs) => spawnSync('git', ['--no-optional-locks', ...gitArgs], { cwd: root, encoding: 'utf8' });
  const head = git('rev-parse', '--short', 'HEAD');
  if (head.status !== 0) return { commit: null };
  const status = git('status', '--porcelain', '--', 'libs/messenger-webhook/src');
  return { commit: head.stdout.trim(), uncommittedLibraryChanges: status.stdout.trim().split('\n').filter(Boolean).length };
}

const failuresOf = (result) => result.non2xx + result.errors + result.timeouts;

/**
 * One round of a case: a fresh server per variant, each warmed up, then the measured window cut into `config.slices`
 * slices that take turns between the variants (a, b, a, b, ...), so every variant sees the same minutes of the machine:
 * on this shared machine the speed of the same code drifts by 2x from one few-second stretch to the next, which back to
 * back windows of several seconds each turned into noise in the ratios. CPU, requests and response times are summed
 * over each variant's slices. Every server is killed at the end of the round.
 */
async function measureRound(testCase, order, payload) {
  const servers = [];
  try {
    for (const variant of order) servers.push({ variant, server: await startServer(distDir, testCase.adapter, variant) });
    const slot = (server) => `http://127.0.0.1:${server.port}/webhook`;
    const runs = new Map();
    for (const { variant, server } of servers) {
      const warmup = await load(slot(server), payload, config.warmupSeconds, config.connections);
      runs.set(variant, { warmup, cpuMicros: 0, userMicros: 0, requests: 0, seconds: 0, times: [], non2xx: 0, errors: 0, failures: failuresOf(warmup) });
    }
    const sliceSeconds = config.seconds / config.slices;
    for (let slice = 0; slice < config.slices; slice++) {
      for (const { variant, server } of slice % 2 === 0 ? servers : [...servers].reverse()) {
        const run = runs.get(variant);
        const before = await server.stats();
        const result = await load(slot(server), payload, sliceSeconds, config.connections);
        const after = await server.stats();
        run.cpuMicros += after.cpu.user + after.cpu.system - (before.cpu.user + before.cpu.system);
        run.userMicros += after.cpu.user - before.cpu.user;
        run.requests += result.requests.total;
        run.seconds += result.duration;
        run.times.push(...result.times);
        run.non2xx += result.non2xx;
        run.errors += result.errors + result.timeouts;
        run.failures += failuresOf(result);
      }
    }
    const entry = {};
    for (const { variant, server } of servers) {
      const run = runs.get(variant);
      const { warmup } = run;
      const after = await server.stats();
      const ok = warmup['2xx'] + run.requests - run.non2xx;
      const expectedCalls = variant === 'lib-dedupe' ? 1 : ok * (variant === 'bare' ? 1 : testCase.events);
      run.times.sort((x, y) => x - y);
      const at = (quantile) => (run.times.length ? run.times[Math.min(run.times.length - 1, Math.floor(quantile * run.times.length))] : NaN);
      entry[variant] = {
        requestsPerSecond: run.requests / run.seconds,
        p50: at(0.5),
        p99: at(0.99),
        eventsPerSecond: (run.requests / run.seconds) * testCase.events,
        cpuMicrosPerRequest: run.requests > 0 ? run.cpuMicros / run.requests : NaN,
        cpuUserShare: run.cpuMicros > 0 ? run.userMicros / run.cpuMicros : NaN,
        requests: run.requests,
        non2xx: run.non2xx + warmup.non2xx,
        errors: run.errors + warmup.errors + warmup.timeouts,
        handlerCalls: after.handlerCalls,
        // With dedupe on, the one body is handled once and every later request is a dropped redelivery.
        handlerCallsOk: variant === 'lib-dedupe' ? after.handlerCalls === 1 : after.handlerCalls >= expectedCalls,
        serverLogLines: server.logged.slice(0, 5),
        serverLogCount: server.logged.length,
        rssMb: after.rssMb,
        failed: run.failures > 0,
      };
    }
    return entry;
  } finally {
    await Promise.all(servers.map(({ server }) => server.stop()));
  }
}

/** The HTTP cases BENCH_CASES selects (all when unset); an unknown id is an error rather than an empty run. */
function selectedCases() {
  const wanted = (process.env.BENCH_CASES ?? '').split(',').map((id) => id.trim()).filter(Boolean);
  if (wanted.length === 0) return CASES;
  const unknown = wanted.filter((id) => !CASES.some((testCase) => testCase.id === id));
  if (unknown.length > 0) throw new Error(`BENCH_CASES: unknown case(s) ${unknown.join(', ')}; known: ${CASES.map((testCase) => testCase.id).join(', ')}`);
  return CASES.filter((testCase) => wanted.includes(testCase.id));
}

async function runHttpCases(payloads) {
  const results = [];
  for (const testCase of selectedCases()) {
    const rounds = [];
    for (let round = 0; round < config.rounds; round++) {
      const order = round % 2 === 0 ? testCase.variants : [...testCase.variants].reverse();
      const entry = await measureRound(testCase, order, payloads[testCase.events]);
      for (const variant of order) {
        const m = entry[variant];
        process.stderr.write(
          `  ${testCase.id} round ${round + 1}/${config.rounds} ${variant.padEnd(10)} ${m.requestsPerSecond.toFixed(0).padStart(6)} req/s ` +
            `${m.cpuMicrosPerRequest.toFixed(0).padStart(6)} µs CPU/req${m.failed ? '  FAILED REQUESTS' : ''}\n`,
        );
      }
      rounds.push(entry);
    }
    results.push(summarise(testCase, rounds));
  }
  return results;
}

function summarise(testCase, rounds) {
  const variants = {};
  for (const variant of testCase.variants) {
    const runs = rounds.map((round) => round[variant]);
    const pick = (key) => median(runs.map((run) => run[key]));
    variants[variant] = {
      requestsPerSecond: pick('requestsPerSecond'),
      p50: pick('p50'),
      p99: pick('p99'),
      eventsPerSecond: pick('eventsPerSecond'),
      cpuMicrosPerRequest: pick('cpuMicrosPerRequest'),
      cpuUserShare: pick('cpuUserShare'),
      non2xx: runs.reduce((sum, run) => sum + run.non2xx, 0),
      errors: runs.reduce((sum, run) => sum + run.errors, 0),
      handlerCallsOk: runs.every((run) => run.handlerCallsOk),
      serverLogCount: runs.reduce((sum, run) => sum + run.serverLogCount, 0),
      serverLogSample: runs.flatMap((run) => run.serverLogLines).slice(0, 5),
      // Ratios are taken within each round (a and b ran back to back), then the median over rounds.
      ...(variant === 'bare'
        ? {}
        : {
            requestsRatio: median(rounds.map((round) => round[variant].requestsPerSecond / round.bare.requestsPerSecond)),
            cpuRatio: median(rounds.map((round) => round.bare.cpuMicrosPerRequest / round[variant].cpuMicrosPerRequest)),
          }),
    };
  }
  return { id: testCase.id, adapter: testCase.adapter, eventsPerRequest: testCase.events, variants, rounds };
}

function runPipeline(pipelineArgs) {
  return new Promise((resolveRun, reject) => {
    const child = fork(join(distDir, 'pipeline.js'), pipelineArgs, { cwd: root, execArgv: ['--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let result;
    child.on('message', (message) => {
      result = message;
    });
    child.on('exit', (code) => (result ? resolveRun(result) : reject(new Error(`pipeline ${pipelineArgs.join(' ')} exited with ${code} and no result`))));
  });
}

/**
 * Runs a pipeline throughput case in `config.pipelineProcesses` fresh processes and keeps the median one, with every
 * process's figure beside it: the same build lands in a fast (~240k events per CPU-second) or a slow (~90k) steady
 * state from one process to the next on this machine, so one process alone says little.
 */
async function medianPipeline(pipelineArgs) {
  const runs = [];
  for (let index = 0; index < config.pipelineProcesses; index++) runs.push(await runPipeline(pipelineArgs));
  const sorted = [...runs].sort((a, b) => a.eventsPerCpuSecond - b.eventsPerCpuSecond);
  return { ...sorted[Math.floor(sorted.length / 2)], processes: runs.map((run) => Math.round(run.eventsPerCpuSecond)) };
}

async function main() {
  const started = Date.now();
  if (!args.has('--no-build')) build();
  const library = snapshotLibrary();
  const { signedDelivery } = await import(pathToFileURL(join(distDir, 'payload.js')).href);
  const payloads = { 1: signedDelivery(1, 1), [config.batchEvents]: signedDelivery(config.batchEvents, config.batchSenders) };
  const machine = machineInfo();
  process.stderr.write(
    `bench: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; ${config.rounds} rounds × ${config.seconds} s (+${config.warmupSeconds} s warm-up), ` +
      `${config.connections} connections; bodies ${payloads[1].body.length} B and ${payloads[config.batchEvents].body.length} B\n`,
  );
  const queueOnly = args.has('--queue-only');
  const http = queueOnly ? [] : await runHttpCases(payloads);
  let pipeline = null;
  if (!queueOnly && !args.has('--no-pipeline')) {
    process.stderr.write('  pipeline: throughput with and without validation, then heap over many events\n');
    pipeline = {
      validated: await medianPipeline(['throughput', 'on', String(config.pipelineSeconds)]),
      unvalidated: await medianPipeline(['throughput', 'off', String(config.pipelineSeconds)]),
      heap: await runPipeline(['heap', String(config.heapBatches)]),
    };
  }
  const adapters = args.has('--fastify') ? ['fastify'] : args.has('--express') ? ['express'] : ['express', 'fastify'];
  const queues = [];
  if (!args.has('--no-queue')) for (const adapter of adapters) queues.push(await runQueueBench(distDir, { quick, adapter, ...queueFlags(process.argv) }));
  const queueText = queues.map(renderQueue).join('\n');
  const results = {
    date: new Date(started).toISOString(),
    durationSeconds: (Date.now() - started) / 1000,
    machine: { ...machine, loadAverageAtEnd: machineInfo().loadAverage },
    library,
    config: { ...config, bodyBytes: { single: payloads[1].body.length, batch: payloads[config.batchEvents].body.length }, quick },
    targets: TARGETS,
    http,
    pipeline,
    queues,
  };
  mkdirSync(outDir, { recursive: true });
  if (queueOnly) {
    writeFileSync(join(outDir, 'results-queue.json'), `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(join(outDir, 'results-queue.md'), queueText);
    console.log(queueText);
    console.log(`Written: .bench/results-queue.json, .bench/results-queue.md (${results.durationSeconds.toFixed(0)} s; load average ${results.machine.loadAverage.join(' ')} at the start, ${results.machine.loadAverageAtEnd.join(' ')} at the end)`);
    if (queues.some((queue) => queue.cases.some((entry) => entry.failed > 0))) process.exitCode = 1;
    return;
  }
  const table = renderTable(results);
  writeFileSync(join(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  if (pipeline) writeFileSync(join(outDir, 'results.md'), renderMarkdown(results) + (queues.length ? `\n${queueText}` : ''));
  console.log(table.text);
  if (queues.length) console.log(`\n${queueText}`);
  console.log(`Written: .bench/results.json, .bench/results.md (${results.durationSeconds.toFixed(0)} s)`);
  if (table.failed || queues.some((queue) => queue.cases.some((entry) => entry.failed > 0))) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
