/**
 * The queue-mode case of `npm run bench`, also runnable alone once the bench is built (`node test/bench/queue-bench.mjs`):
 * a private redis-server, an edge and two worker processes, against the in-process module on the same adapter.
 *  1. Edge answer latency at a steady 500 deliveries/s (one event each), sent evenly (one every 2 ms) by `paced`: not
 *     autocannon's `overallRate`, which sends each second's quota as one burst at the top of the second (its client
 *     resets a per-second counter on a 1 s interval), so its latencies are those of a 500-request burst, not of 500/s.
 *  2. End-to-end events/s: N events posted as fast as the edge takes them; time from the first request until the
 *     workers' handlers were called N times (in-process: until the server's handlers were, with dispatch 'await').
 * Traffic as a busy bot sees it: many conversations (PEOPLE, 20,000), each with a few events at most in a run, so
 * nearly every event finds its conversation idle and needs a drain of its own (a few people writing a lot would let
 * one drain take many events in a row, and flatter the figures).
 * `BENCH_REDIS_UNIX=1` connects every process to Redis over a Unix socket instead of loopback TCP (what a Redis on the
 * same host allows; about 5% less CPU per event here).
 * `BENCH_GATHER_MS=N` sets `queue.gatherMs` of the edge and workers; `BENCH_TRACE=1` keeps each paced answer's due
 * time and latency (`trace`), for finding stalls.
 * `BENCH_PROFILE_ROLE=worker` (or `edge`) writes a CPU profile of every process of that role to `.bench/prof`
 * (summarise one with `node test/bench/top-self.mjs <file>`).
 */
import { fork, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import { connect, createServer, Socket } from 'node:net';
import { join } from 'node:path';
import autocannon from 'autocannon';

const APP_SECRET = 'bench-app-secret';
const PAGE_ID = '104729381234567';
/** Distinct people (conversations) the events cycle through. */
export const PEOPLE = 20_000;

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Lowers a process's CPU priority (`nice`), when asked; 0 leaves it as it is. */
function niceOf(pid, nice) {
  if (nice) setPriority(pid, nice);
}

export async function startRedis(nice = 0) {
  const port = await freePort();
  const socket = process.env.BENCH_REDIS_UNIX ? `/tmp/bench-redis-${port}.sock` : null;
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning', ...(socket ? ['--unixsocket', socket, '--unixsocketperm', '700'] : [])], { stdio: 'ignore' });
  niceOf(child.pid, nice);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const up = await new Promise((resolve) => {
      const socket = new Socket();
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => (socket.destroy(), resolve(false)));
      socket.connect(port, '127.0.0.1');
    });
    if (up) break;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error('redis-server did not start (apt-get install redis-server)');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { url: socket ?? `redis://127.0.0.1:${port}`, pid: child.pid, stop: () => new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGTERM'))) };
}

export function startProcess(distDir, role, adapter, redisUrl, queueName, nice = 0, flags = []) {
  // BENCH_PROFILE_ROLE=worker (or edge) writes a CPU profile of each process of that role to .bench/prof (see top-self.mjs).
  const execArgv = process.env.BENCH_PROFILE_ROLE === role ? ['--cpu-prof', `--cpu-prof-dir=${join(distDir, '../prof')}`] : [];
  // BENCH_NODE_FLAGS (e.g. `--trace-gc`) adds Node flags to every process, for diagnosis.
  execArgv.push(...(process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? []));
  // BENCH_EDGE_FLAGS adds Node flags to the process that answers HTTP only (the edge, or the in-process server).
  if (role !== 'worker') execArgv.push(...(process.env.BENCH_EDGE_FLAGS?.split(' ').filter(Boolean) ?? []));
  execArgv.push(...flags);
  const child = fork(join(distDir, 'queue-server.js'), [role, adapter, redisUrl, queueName], { execArgv, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  niceOf(child.pid, nice);
  const logged = [];
  const keep = (chunk) => logged.push(...String(chunk).split('\n').filter(Boolean));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const next = (type) =>
    new Promise((resolve, reject) => {
      const onMessage = (message) => {
        if (message.type !== type) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(message);
      };
      const onExit = (code) => reject(new Error(`${role} exited (${code}): ${logged.join('\n')}`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  return next('ready').then(({ port }) => ({
    role,
    port,
    logged,
    pid: child.pid,
    stats: () => {
      const answer = next('stats');
      child.send({ type: 'stats' });
      return answer;
    },
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', resolve);
        child.send({ type: 'stop' });
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  }));
}

/** A signed delivery of `count` distinct message events, each from the next of {@link PEOPLE} people. */
function deliveryFor(sequence, count) {
  const messaging = Array.from({ length: count }, (_unused, k) => {
    const index = sequence * count + k;
    return {
      sender: { id: `2465${String(index % PEOPLE).padStart(12, '0')}` },
      recipient: { id: PAGE_ID },
      timestamp: 1_700_000_000_000 + index,
      message: { mid: `m_queue-bench-${index}-AQHRb8cNUmvwQp3uIKcdkbs6vvMthFtbq3B_l5Ru1TnfL9iW8Be4`, text: `Hello, is the blue jacket still available in size ${index % 5}?` },
    };
  });
  return JSON.stringify({ object: 'page', entry: [{ id: PAGE_ID, time: 1_700_000_000_000, messaging }] });
}

/** autocannon with a fresh, signed body per request (a repeated body would be dropped as a redelivery). */
// Across runs too: a warm-up body sent again by the measured run would be dropped as a redelivery.
let sequence = 0;

/**
 * The next `count` signed deliveries, built before the clock starts: Meta's signing does not run on the measured
 * machine, so the load generator should not take the CPU it costs from the processes under test.
 */
function prepared(count, eventsPerDelivery) {
  return Array.from({ length: count }, () => {
    const body = deliveryFor(sequence++, eventsPerDelivery);
    return { body, signature: `sha256=${createHmac('sha256', APP_SECRET).update(body).digest('hex')}` };
  });
}

export function blast(url, { eventsPerDelivery, seconds, amount, connections }) {
  const first = sequence;
  const ready = amount ? prepared(amount, eventsPerDelivery) : [];
  let next = 0;
  const times = [];
  const instance = autocannon({
    url,
    method: 'POST',
    connections,
    ...(amount ? { amount } : { duration: seconds }),
    requests: [
      {
        setupRequest: (request) => {
          // autocannon may prepare a request or two beyond `amount`: those are built here.
          const { body, signature } = ready[next++] ?? prepared(1, eventsPerDelivery)[0];
          return { ...request, body, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature } };
        },
      },
    ],
  });
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (statusCode === 200) times.push(responseTime);
  });
  return instance.then((result) => {
    times.sort((x, y) => x - y);
    const at = (q) => (times.length ? times[Math.min(times.length - 1, Math.floor(q * times.length))] : NaN);
    return { result, ok: times.length, p50: at(0.5), p99: at(0.99), sent: sequence - first };
  });
}

/**
 * One keep-alive connection that sends pre-serialised requests one at a time and reads only each answer's status and
 * framing (Content-Length, or chunks): Node's HTTP client cost about 250 µs of CPU per request here, taken from the processes under test (Meta's
 * sender does not run on the measured machine). `send` resolves with the status, or an Error.
 */
function rawConnection(port, host) {
  const socket = connect(port, host);
  socket.setNoDelay(true);
  let buffer = Buffer.alloc(0);
  let current = null;
  let broken = null;
  const finish = (outcome) => {
    const done = current;
    current = null;
    done?.(outcome);
  };
  socket.on('data', (chunk) => {
    buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
    while (current) {
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buffer.toString('latin1', 0, end);
      let after;
      if (/\r\ntransfer-encoding: *chunked/i.test(head)) {
        // Answers are a few bytes: the last chunk's marker ends the body.
        const last = buffer.indexOf('0\r\n\r\n', end + 4);
        if (last < 0) return;
        after = last + 5;
      } else {
        after = end + 4 + Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (buffer.length < after) return;
      }
      buffer = buffer.subarray(after);
      finish(Number(head.slice(9, 12)));
    }
  });
  const fail = (error) => {
    broken ??= error;
    finish(error);
  };
  socket.on('error', fail);
  socket.on('close', () => fail(new Error('connection closed by the server')));
  return {
    get busy() {
      return current !== null;
    },
    get broken() {
      return broken;
    },
    since: 0,
    send(bytes) {
      return new Promise((resolve) => {
        if (broken) return resolve(broken);
        current = resolve;
        this.since = performance.now();
        socket.write(bytes);
      });
    },
    /** Gives up on the request in flight with `error`, and on the connection. */
    abort(error) {
      fail(error);
      socket.destroy();
    },
    destroy: () => socket.destroy(),
  };
}

/**
 * Open-loop load at a steady `rate`: delivery k is due at start + k / rate, whatever the answers before it did, over at
 * most `connections` keep-alive connections (a delivery due while all are busy waits for one). Latency counts from when
 * the delivery was due, so a stall of the server (or of this process) shows in full instead of delaying the sends
 * that would have measured it. Requests are serialised before the clock starts and sent by {@link rawConnection}.
 * Returns the same shape as {@link blast}.
 */
export async function paced(url, { eventsPerDelivery, rate, seconds, connections }) {
  const { hostname, port, pathname } = new URL(url);
  const total = Math.round(rate * seconds);
  const first = sequence;
  const times = [];
  let non2xx = 0;
  let errors = 0;
  let timeouts = 0;
  const problems = new Set();
  const requests = prepared(total, eventsPerDelivery).map(({ body, signature }) =>
    Buffer.from(
      `POST ${pathname} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Hub-Signature-256: ${signature}\r\nConnection: keep-alive\r\n\r\n${body}`,
    ),
  );
  const pool = Array.from({ length: connections }, () => rawConnection(Number(port), hostname));
  const waiting = [];
  // BENCH_TRACE=1 keeps (due time, latency) of every answer, for finding stalls.
  const trace = [];
  let answered = 0;
  let allAnswered;
  const finished = new Promise((resolve) => (allAnswered = resolve));
  const settle = (connection, dueAt, outcome) => {
    if (outcome instanceof Error) {
      if (outcome === timedOut) timeouts++;
      else errors++;
      problems.add(outcome.message);
    } else if (outcome === 200) {
      times.push(performance.now() - dueAt);
      if (process.env.BENCH_TRACE) trace.push([dueAt - start, performance.now() - dueAt]);
    } else {
      non2xx++;
      problems.add(`HTTP ${outcome}`);
    }
    if (++answered === total) allAnswered();
    const next = waiting.shift();
    if (next && !connection.broken) dispatch(connection, next);
    else if (next) send(...next);
  };
  const dispatch = (connection, [dueAt, index]) => connection.send(requests[index]).then((outcome) => settle(connection, dueAt, outcome));
  const send = (dueAt, index) => {
    const free = pool.find((connection) => !connection.busy && !connection.broken);
    if (free) dispatch(free, [dueAt, index]);
    else waiting.push([dueAt, index]);
  };
  // An edge that stops answering must not hang the bench: an answer that takes over 10 s counts as a timeout.
  const timedOut = new Error('no answer within 10 s');
  const watchdog = setInterval(() => {
    for (const connection of pool) {
      if (connection.busy && performance.now() - connection.since > 10_000) connection.abort(timedOut);
    }
    if (pool.every((connection) => connection.broken)) for (const [dueAt] of waiting.splice(0)) settle(pool[0], dueAt, new Error('every connection is closed'));
  }, 1_000);
  const start = performance.now();
  let sent = 0;
  await new Promise((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
      for (; sent < due; sent++) send(start + (sent * 1000) / rate, sent);
      if (sent >= total) return resolve();
      setTimeout(tick, Math.max(0, start + (sent * 1000) / rate - performance.now()));
    };
    tick();
  });
  await finished;
  clearInterval(watchdog);
  const duration = (performance.now() - start) / 1000;
  for (const connection of pool) connection.destroy();
  times.sort((x, y) => x - y);
  const at = (q) => (times.length ? times[Math.min(times.length - 1, Math.floor(q * times.length))] : NaN);
  if (problems.size > 0) process.stderr.write(`  paced load: ${non2xx} non-2xx answers, ${errors} errors, ${timeouts} timeouts: ${[...problems].join('; ')}\n`);
  return { result: { non2xx, errors, timeouts, duration }, ok: times.length, p50: at(0.5), p99: at(0.99), sent: sequence - first, trace };
}

/** CPU seconds (user + system) a process has used so far, from /proc (Redis is not ours to ask). */
function procCpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

const cpuSecondsOf = (stats) => (stats.cpu.user + stats.cpu.system) / 1e6;

export async function waitForCalls(processes, expected, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const calls = (await Promise.all(processes.map((p) => p.stats()))).reduce((sum, stats) => sum + stats.handlerCalls, 0);
    if (calls >= expected) return calls;
    if (Date.now() > deadline) throw new Error(`only ${calls} of ${expected} handler calls after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Events sent flat out before each measured run. The queue setup runs BullMQ's, ioredis's and Nest's code once per job
 * or per script call, and V8 keeps optimising it for thousands of events: after 500 events a worker still spent about
 * 60% more CPU per event than after 15,000 (measured single-event flat out, Fastify). A server that has been up for
 * minutes is the one to measure. `BENCH_WARMUP=N` changes it.
 */
const WARM_UP_EVENTS = 15_000;

/** {@link WARM_UP_EVENTS}, or `BENCH_WARMUP`; `--quick` runs warm up with 2,000 (for trying the script, not for figures). */
const warmUpEvents = (quick) => Number(process.env.BENCH_WARMUP ?? (quick ? 2_000 : WARM_UP_EVENTS));

/** One measured setup: fresh Redis and processes; `mode` 'queue' (edge + 2 workers) or 'inprocess'. */
export async function measure(distDir, mode, adapter, scenario, nice) {
  const redis = mode === 'queue' ? await startRedis() : null;
  const name = `bench-${Date.now()}`;
  const processes = [];
  try {
    const edge = await startProcess(distDir, mode === 'queue' ? 'edge' : 'inprocess', adapter, redis?.url ?? '', name, 0, scenario.edgeFlags ?? []);
    processes.push(edge);
    const workers = mode === 'queue' ? await Promise.all([startProcess(distDir, 'worker', adapter, redis.url, name, nice), startProcess(distDir, 'worker', adapter, redis.url, name, nice)]) : [];
    processes.push(...workers);
    const handlers = mode === 'queue' ? workers : [edge];
    const url = `http://127.0.0.1:${edge.port}/webhook`;
    // Warm-up (JIT, connections, scripts), then the measured run.
    const warmUp = Math.ceil((scenario.warmUpEvents ?? warmUpEvents(false)) / scenario.eventsPerDelivery);
    await blast(url, { eventsPerDelivery: scenario.eventsPerDelivery, amount: warmUp, connections: 20 });
    const before = await waitForCalls(handlers, warmUp * scenario.eventsPerDelivery, 120_000);
    const cpuBefore = await Promise.all(processes.map((p) => p.stats()));
    const redisBefore = redis ? procCpuSeconds(redis.pid) : 0;
    const started = performance.now();
    // autocannon reports an `amount` run done only at its next 1-second tick, so the clock stops when the handlers
    // have run every event, watched while the requests go out (a stats poll every 20 ms, a few µs per poll).
    let handledAt;
    const handled = scenario.amount
      ? waitForCalls(handlers, before + scenario.amount * scenario.eventsPerDelivery, 120_000).then(
          () => (handledAt = performance.now()),
          () => undefined,
        )
      : null;
    const run = scenario.rate ? await paced(url, scenario) : await blast(url, scenario);
    // Only what was acknowledged counts (autocannon may prepare a request it never sends when time is up).
    const events = run.ok * scenario.eventsPerDelivery;
    if (handled && run.ok === scenario.amount) await handled;
    else await waitForCalls(handlers, before + events, 120_000);
    const seconds = ((handledAt ?? performance.now()) - started) / 1000;
    const cpuAfter = await Promise.all(processes.map((p) => p.stats()));
    const cpuMicros = (index) => ((cpuSecondsOf(cpuAfter[index]) - cpuSecondsOf(cpuBefore[index])) * 1e6) / events;
    const cpu = {
      http: cpuMicros(0),
      workers: workers.length ? workers.reduce((sum, _w, k) => sum + cpuMicros(k + 1), 0) : 0,
      redis: redis ? ((procCpuSeconds(redis.pid) - redisBefore) * 1e6) / events : 0,
    };
    const logged = processes.flatMap((p) => p.logged);
    return {
      mode,
      adapter,
      deliveries: run.ok,
      ok: run.ok,
      failed: run.result.non2xx + run.result.errors + run.result.timeouts,
      p50: run.p50,
      p99: run.p99,
      requestsPerSecond: run.ok / run.result.duration,
      endToEndEventsPerSecond: events / seconds,
      cpuMicrosPerEvent: { ...cpu, total: cpu.http + cpu.workers + cpu.redis },
      logged: logged.slice(0, 5),
    };
  } finally {
    for (const p of processes) await p.stop();
    await redis?.stop();
  }
}

/**
 * Runs the queue cases against in-process on the same adapter; returns figures for the report. `nice` > 0 runs the
 * workers at that lower CPU priority (as if they had machines of their own; the edge waits on Redis, so Redis keeps
 * the edge's); `only` picks case ids.
 */
export async function runQueueBench(distDir, { quick = false, adapter = 'express', nice = 0, only = null } = {}) {
  const warmUp = warmUpEvents(quick);
  const latency = { eventsPerDelivery: 1, rate: 500, seconds: quick ? 3 : 10, connections: 10, warmUpEvents: warmUp };
  const throughput = { eventsPerDelivery: 10, amount: quick ? 500 : 3_000, connections: 20, warmUpEvents: warmUp };
  const single = { eventsPerDelivery: 1, amount: quick ? 2_000 : 15_000, connections: 20, warmUpEvents: warmUp };
  const cases = [];
  // Express keeps every request alive past a young-generation collection (see the README's Performance): a smaller young
  // generation makes those collections shorter and more frequent, the tuning the README recommends for Express edges.
  const smallYoung = { ...latency, edgeFlags: ['--max-semi-space-size=4'] };
  const scenarios = [['latency-500', latency], ...(adapter === 'express' ? [['latency-500-semi4', smallYoung]] : []), ['throughput-batch10', throughput], ['throughput-single', single]];
  for (const [id, scenario] of scenarios) {
    if (only && !only.includes(id)) continue;
    for (const mode of ['inprocess', 'queue']) {
      process.stderr.write(`  queue bench: ${id} ${mode} (${adapter})\n`);
      cases.push({ id, scenario, ...(await measure(distDir, mode, adapter, scenario, nice)) });
    }
  }
  return { adapter, niceWorkers: nice, warmUpEvents: warmUp, cases };
}

/** `--nice=N` (workers at nice N) and `--cases=a,b` (case ids) from the command line. */
export function queueFlags(argv) {
  const value = (name) => argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
  return { nice: Number(value('nice') ?? 0) || 0, only: value('cases')?.split(',') ?? null };
}

const fmt = (value, digits = 0) => (Number.isFinite(value) ? value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a');

/** Markdown lines of the queue figures and their targets. */
export function renderQueue(queue) {
  const row = (entry) =>
    `| ${entry.id} | ${entry.mode === 'queue' ? 'queue: edge + 2 workers' : 'in-process'} | ${fmt(entry.deliveries)} | ${fmt(entry.requestsPerSecond)} | ${fmt(entry.p50, 2)} | ${fmt(entry.p99, 2)} | ${fmt(entry.endToEndEventsPerSecond)} | ` +
    `${fmt(entry.cpuMicrosPerEvent.http)} / ${fmt(entry.cpuMicrosPerEvent.workers)} / ${fmt(entry.cpuMicrosPerEvent.redis)} | ${fmt(2e6 / entry.cpuMicrosPerEvent.total)} | ${entry.failed} |`;
  const latency = queue.cases.find((entry) => entry.id === 'latency-500' && entry.mode === 'queue');
  const inProcessLatency = queue.cases.find((entry) => entry.id === 'latency-500' && entry.mode === 'inprocess');
  const queued = (id) => queue.cases.find((entry) => entry.id === id && entry.mode === 'queue');
  const small = queued('latency-500-semi4');
  const smallInProcess = queue.cases.find((entry) => entry.id === 'latency-500-semi4' && entry.mode === 'inprocess');
  const single = queued('throughput-single');
  const batch = queued('throughput-batch10');
  const capacity = (entry) => (entry ? 2e6 / entry.cpuMicrosPerEvent.total : NaN);
  const verdict = (value, pass) => (Number.isFinite(value) ? (pass ? 'PASS' : 'MISS') : 'n/a');
  const lines = [
    `Queue mode (${queue.adapter}; its own redis-server; no-op handler; workers at concurrency 32; events from ${PEOPLE.toLocaleString('en-US')} people, ` +
      'so nearly every event finds its conversation idle). latency-500: one event per delivery at 500 deliveries/s, sent evenly; ' +
      'latency-500-semi4 (Express): the same with the HTTP process started with --max-semi-space-size=4; ' +
      'throughput-batch10: 10-event deliveries (Meta batches under load) as fast as they are taken; throughput-single: one event per delivery. ' +
      `Each setup is first warmed up with ${fmt(queue.warmUpEvents)} events flat out (V8 optimises the queue's per-job code over thousands of events). ` +
      'End-to-end events/s runs from the first request until the handlers were called for every event. CPU per event is read from each ' +
      'process (Redis from /proc) over the same window; "2-core capacity" = 2 CPU-seconds ÷ CPU per event, what the setup would do with both cores to itself ' +
      `(the load generator excluded), the figure to read when the machine is shared.${queue.niceWorkers ? ` The workers run at nice ${queue.niceWorkers} (the edge, Redis and autocannon at 0): the edge and the Redis it waits on get the CPU first, as if the workers had machines of their own.` : ''}`,
    '',
    '| Case | Setup | deliveries | req/s | p50 ms | p99 ms | end-to-end events/s | CPU µs/event: HTTP / workers / Redis | 2-core capacity, events/s | failed |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...queue.cases.map(row),
    '',
    '| Target | Figure | Goal | |',
    '|---|---:|---|---|',
    `| queue edge p99 at 500 events/s | ${fmt(latency?.p99, 2)} ms (in-process ${fmt(inProcessLatency?.p99, 2)} ms) | < 20 ms | ${verdict(latency?.p99, latency?.p99 < 20)} |`,
    ...(small ? [`| the same, HTTP process with --max-semi-space-size=4 | ${fmt(small.p99, 2)} ms (in-process ${fmt(smallInProcess?.p99, 2)} ms) | < 20 ms | ${verdict(small.p99, small.p99 < 20)} |`] : []),
    `| queue end to end, 2 workers, one event per delivery | ${fmt(single?.endToEndEventsPerSecond)} events/s | >= 3,000 | ${verdict(single?.endToEndEventsPerSecond, single?.endToEndEventsPerSecond >= 3000)} |`,
    `| queue end to end, 2 workers, 10-event deliveries | ${fmt(batch?.endToEndEventsPerSecond)} events/s | >= 3,000 | ${verdict(batch?.endToEndEventsPerSecond, batch?.endToEndEventsPerSecond >= 3000)} |`,
    `| 2-core capacity from CPU per event: one event / 10-event deliveries | ${fmt(capacity(single))} / ${fmt(capacity(batch))} events/s | >= 3,000 | ${verdict(capacity(single), capacity(single) >= 3000)} / ${verdict(capacity(batch), capacity(batch) >= 3000)} |`,
    '',
  ];
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { fileURLToPath } = await import('node:url');
  const distDir = join(fileURLToPath(new URL('../..', import.meta.url)), '.bench/dist');
  const adapter = process.argv.includes('--fastify') ? 'fastify' : 'express';
  const queue = await runQueueBench(distDir, { quick: process.argv.includes('--quick'), adapter, ...queueFlags(process.argv) });
  console.log(renderQueue(queue));
  for (const entry of queue.cases) if (entry.logged.length) console.log(`${entry.id} ${entry.mode} logged: ${entry.logged.join(' | ')}`);
}
