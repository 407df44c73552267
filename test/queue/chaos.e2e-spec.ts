import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessengerEvents, metaStringify, signPayload, webhookBody } from 'nestjs-messenger-webhook/testing';
import { startRedis, type TestRedis } from '../support/redis-server.js';
import { eventually } from './queue-kit.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const appFile = join(root, '.test-out/chaos/chaos-app.js');

const CONVERSATIONS = 150;
const EVENTS = 3_000;
const PARALLEL_CONVERSATIONS = 40;

interface Child {
  readonly name: string;
  readonly process: ChildProcess;
  readonly port?: number;
  readonly output: string[];
}

/** Starts the compiled chaos app as a child process and resolves once it is ready. */
async function spawnApp(role: 'edge' | 'worker', name: string, redisUrl: string): Promise<Child> {
  const child = fork(appFile, [], {
    env: { ...process.env, ROLE: role, INSTANCE: name, REDIS_URL: redisUrl, QUEUE_NAME: 'chaos' },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const output: string[] = [];
  child.stdout!.on('data', (chunk) => output.push(String(chunk)));
  child.stderr!.on('data', (chunk) => output.push(String(chunk)));
  const port = await new Promise<number | undefined>((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start in 30 s:\n${output.join('')}`)), 30_000);
    child.once('exit', (code) => reject(new Error(`${name} exited (${code}):\n${output.join('')}`)));
    child.on('message', (message: { type?: string; port?: number }) => {
      if (message.type !== 'ready') return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolveReady(message.port);
    });
  });
  return { name, process: child, port, output };
}

async function stopApp(child: Child): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  const exited = new Promise((resolveExit) => child.process.once('exit', resolveExit));
  child.process.send({ type: 'stop' });
  const timer = setTimeout(() => child.process.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/**
 * POSTs `body` signed as Meta signs it to an app in another process: the kit's client drives an app of this process,
 * so the child's port is called with the kit's signature directly.
 */
function signedPost(port: number, body: string): Promise<number> {
  return fetch(`http://127.0.0.1:${port}/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signPayload(body, 'chaos-secret') },
    body,
  }).then((response) => response.status);
}

/** The bytes of one delivery of `texts` from `sender`; each text is its own mid, so a resent body is a redelivery. */
function deliveryOf(sender: string, texts: string[]): string {
  return metaStringify(webhookBody(texts.map((text) => MessengerEvents.text(text, { sender, mid: `mid-${text}` }))));
}

describe('queue mode chaos: an edge and two worker processes, one SIGKILLed mid-run', () => {
  let redis: TestRedis;
  let probe: Redis;
  const children: Child[] = [];

  beforeAll(async () => {
    // The children run the compiled library and app, as a user's processes would.
    for (const args of [['-b', 'libs/messenger-webhook/tsconfig.lib.json'], ['-p', 'test/queue/chaos/tsconfig.json']]) {
      const result = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), ...args], { cwd: root, encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`tsc ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
    }
    redis = await startRedis();
    probe = new Redis(redis.url);
  }, 180_000);

  afterAll(async () => {
    for (const child of children) await stopApp(child).catch(() => child.process.kill('SIGKILL'));
    probe?.disconnect();
    await redis?.stop();
  });

  it('loses no acknowledged event, keeps each conversation in order and alone, drops redeliveries, and answers 503 without Redis', async () => {
    const startedAt = Date.now();
    const edge = await spawnApp('edge', 'edge', redis.url);
    children.push(edge);
    const [w1, w2] = await Promise.all([spawnApp('worker', 'w1', redis.url), spawnApp('worker', 'w2', redis.url)]);
    children.push(w1!, w2!);
    const readyAt = Date.now();

    // Each conversation sends its events one delivery after the other (1 to 4 events each), as Meta does; many
    // conversations at once. `acknowledged` keeps, per conversation, the events in the order Meta got a 200 for them.
    const acknowledged = new Map<string, string[]>();
    const bodies: Array<{ sender: string; body: string; texts: string[] }> = [];
    let sent = 0;
    let next = 0;
    let killed: Promise<void> | undefined;
    let w3: Child | undefined;
    const perConversation = Math.ceil(EVENTS / CONVERSATIONS);
    const runConversation = async (c: number) => {
      const sender = `C${c}`;
      const texts: string[] = [];
      for (let i = 0; i < perConversation; ) {
        const size = Math.min(1 + ((c + i) % 4), perConversation - i);
        const batch = Array.from({ length: size }, (_unused, k) => `${sender}#${i + k}`);
        const body = deliveryOf(sender, batch);
        let status = await signedPost(edge.port!, body);
        // Meta retries what was not acknowledged; nothing here should need it, but a retry is what Meta would do.
        for (let retry = 0; status !== 200 && retry < 5; retry++) status = await signedPost(edge.port!, body);
        expect(status).toBe(200);
        texts.push(...batch);
        bodies.push({ sender, body, texts: batch });
        i += size;
        sent += size;
        if (!killed && sent >= EVENTS / 3) {
          // Mid-run, mid-handler: w1 dies without a chance to finish anything, and a new worker joins.
          killed = (async () => {
            w1!.process.kill('SIGKILL');
            w3 = await spawnApp('worker', 'w3', redis.url);
            children.push(w3);
          })();
        }
      }
      acknowledged.set(sender, texts);
    };
    await Promise.all(
      Array.from({ length: PARALLEL_CONVERSATIONS }, async () => {
        while (next < CONVERSATIONS) await runConversation(next++);
      }),
    );
    await killed;
    const sentAt = Date.now();
    const total = [...acknowledged.values()].reduce((sum, texts) => sum + texts.length, 0);
    expect(total).toBeGreaterThanOrEqual(EVENTS);

    // Every acknowledged event is handled to its end, even those w1 held when it died.
    await eventually(async () => (await probe.scard('chaos:done')) === total, () => `handled ${total} expected`, 60_000);
    const handledAt = Date.now();

    // Redeliveries of acknowledged events, to the edge, after they were handled: dropped, never handled again.
    const resent = bodies.filter((_body, index) => index % 10 === 0);
    for (const { body } of resent) expect(await signedPost(edge.port!, body)).toBe(200);
    const senders = [...new Set(resent.map((entry) => entry.sender))];
    for (const sender of senders) expect(await signedPost(edge.port!, deliveryOf(sender, [`${sender}#marker`]))).toBe(200);
    await eventually(async () => (await probe.scard('chaos:done')) === total + senders.length, () => 'markers not handled', 30_000);

    let orphans = 0;
    let rerunsBeyondOrphans = 0;
    for (const [sender, texts] of acknowledged) {
      const log = (await probe.lrange(`chaos:log:${sender}`, 0, -1)).map((line) => {
        const [what, text, instance] = line.split(' ');
        return { what: what!, text: text!, instance: instance! };
      });
      const starts = log.filter((entry) => entry.what === 'start');
      const ends = log.filter((entry) => entry.what === 'end');
      // At least once: every event ended; first handlings in the order Meta got its 200s.
      expect(new Set(ends.map((entry) => entry.text))).toEqual(new Set([...texts, ...(senders.includes(sender) ? [`${sender}#marker`] : [])]));
      const firstStarts = [...new Set(starts.map((entry) => entry.text))].filter((text) => !text.endsWith('#marker'));
      expect(firstStarts, `order of ${sender}`).toEqual(texts);
      // One at a time: a start while another event of the conversation runs is allowed only next to w1's orphan.
      const runningNow = new Map<string, string>();
      for (const entry of log) {
        const key = `${entry.text} ${entry.instance}`;
        if (entry.what === 'start') {
          const others = [...runningNow.values()].filter((instance) => instance !== 'w1');
          expect(others, `${sender}: ${entry.text} started while ${[...runningNow.keys()].join(', ')} ran`).toEqual([]);
          runningNow.set(key, entry.instance);
        } else runningNow.delete(key);
      }
      // What w1 held when it died (started, or finished but not yet acknowledged) is its orphan: it ran again
      // elsewhere, once. Nothing else ran twice.
      expect([...runningNow.keys()].filter((key) => !key.endsWith(' w1'))).toEqual([]);
      const runs = new Map<string, string[]>();
      for (const entry of starts) runs.set(entry.text, [...(runs.get(entry.text) ?? []), entry.instance]);
      for (const [text, instances] of runs) {
        if (instances.length === 1) continue;
        if (instances.length === 2 && instances[0] === 'w1' && instances[1] !== 'w1') orphans++;
        else {
          rerunsBeyondOrphans++;
          console.error(`${sender}: ${text} ran on ${instances.join(', ')}`);
        }
      }
    }
    expect(rerunsBeyondOrphans).toBe(0);
    expect(orphans).toBeLessThanOrEqual(8);
    console.log(`chaos: ${total} events over ${CONVERSATIONS} conversations; w1 killed after ${Math.round(EVENTS / 3)} acknowledged; ${orphans} event(s) it held ran again on another worker; ${resent.length} redeliveries dropped; ` +
        `processes up in ${readyAt - startedAt} ms, sending took ${sentAt - readyAt} ms, the last event was handled ${handledAt - sentAt} ms after the last 200`);

    // Without Redis the edge refuses, so Meta keeps the delivery.
    probe.disconnect();
    await redis.stop();
    expect(await signedPost(edge.port!, deliveryOf('C0', ['C0#after-redis']))).toBe(503);
  }, 150_000);
});
