/** Bench servers as child processes (`server.js`, compiled into `.bench/dist`) and the load that autocannon puts on them. */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import autocannon from 'autocannon';

/**
 * Starts one server and resolves once it listens on its own loopback port. `variant`: `bare`, `lib` (dedupe off),
 * `lib-dedupe`, or `lib` followed by `server.js` flags, e.g. `lib+no-validate+no-signature` (for ablation runs).
 * `execArgv` lets a caller profile it (`--cpu-prof`).
 */
export function startServer(distDir, adapter, variant, execArgv = []) {
  const [kind, ...flags] = variant.replace('lib-dedupe', 'lib+dedupe').split('+');
  const child = fork(join(distDir, 'server.js'), [adapter, kind, ...flags], {
    execArgv,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const name = `${adapter}/${variant} server (pid ${child.pid})`;
  // Servers log only warnings and errors; any line means something went wrong, so it is kept and reported.
  const logged = [];
  const keep = (chunk) => logged.push(...String(chunk).split('\n').filter(Boolean));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolveExit) => child.once('exit', (code, signal) => resolveExit(signal ?? code)));
  const died = exited.then((how) => {
    throw new Error(`${name} exited (${how}):\n${logged.join('\n')}`);
  });
  died.catch(() => {});
  /** Resolves with the next IPC message of `type`, or rejects if the server dies first. */
  const next = (type) =>
    Promise.race([
      new Promise((resolveMessage) => {
        const onMessage = (message) => {
          if (message.type !== type) return;
          child.off('message', onMessage);
          resolveMessage(message);
        };
        child.on('message', onMessage);
      }),
      died,
    ]);
  const ready = next('ready');
  let timer;
  const startTimeout = new Promise((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${name} did not start in 30 s:\n${logged.join('\n')}`)), 30_000);
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.send({ type: 'stop' });
    const killTimer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killTimer);
  };
  return Promise.race([ready, startTimeout])
    .then(
      ({ port }) => ({
        port,
        logged,
        pid: child.pid,
        /** CPU time (`process.cpuUsage()`) and handler calls so far. */
        stats: () => {
          const answer = next('stats');
          child.send({ type: 'stats' });
          return answer;
        },
        stop,
      }),
      async (error) => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        throw error;
      },
    )
    .finally(() => clearTimeout(timer));
}

/**
 * POSTs the same signed body for `seconds` over `connections` keep-alive connections. Adds `latencyMs` (p50, p99 of
 * 2xx responses) computed from every response time, because autocannon's own histogram rounds to whole milliseconds,
 * and `times` (those response times, sorted) so several loads can be merged.
 */
export async function load(url, payload, seconds, connections) {
  const times = [];
  const instance = autocannon({ url, method: 'POST', headers: payload.headers, body: payload.body, connections, duration: seconds });
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (statusCode >= 200 && statusCode < 300) times.push(responseTime);
  });
  const result = await instance;
  times.sort((x, y) => x - y);
  const at = (quantile) => (times.length ? times[Math.min(times.length - 1, Math.floor(quantile * times.length))] : NaN);
  return { ...result, times, latencyMs: { p50: at(0.5), p99: at(0.99) } };
}
