import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signBody } from 'nestjs-messenger-webhook';
import { startRedis, type TestRedis } from '../support/redis-server.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

interface Ready {
  readonly port: number;
  readonly library: string;
  readonly before: { bullmq: boolean; ioredis: boolean };
  readonly after: { bullmq: boolean; ioredis: boolean };
}

/**
 * Nest 11 apps are CommonJS: `require('nestjs-messenger-webhook')` gets the CommonJS build, whose queue mode must load
 * the optional bullmq and ioredis through require, lazily. A plain `.cjs` app (edge and worker in one process) against
 * the test's own Redis receives a signed delivery and runs its handler.
 */
describe('queue mode from the CommonJS build', () => {
  let redis: TestRedis;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    // The child runs the CommonJS build of the current sources, as `npm run build` makes it.
    for (const command of [[join(root, 'node_modules/typescript/bin/tsc'), '-b', 'libs/messenger-webhook/tsconfig.cjs.json'], [join(root, 'libs/messenger-webhook/scripts/finish-build.mjs')]]) {
      const result = spawnSync(process.execPath, command, { cwd: root, encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`${command.join(' ')} failed:\n${result.stdout}${result.stderr}`);
    }
    redis = await startRedis();
  }, 120_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((done) => child!.once('exit', done));
      child.send({ type: 'stop' });
      const timer = setTimeout(() => child!.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await redis?.stop();
  });

  it('require() runs queue mode: bullmq and ioredis load only once queue is configured, and the handler gets the event', async () => {
    const app = fork(join(root, 'test/queue/cjs/queue-app.cjs'), [], { env: { ...process.env, REDIS_URL: redis.url }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    child = app;
    const output: string[] = [];
    app.stdout!.on('data', (chunk) => output.push(String(chunk)));
    app.stderr!.on('data', (chunk) => output.push(String(chunk)));
    const messages: Array<{ type: string; text?: string; eventId?: string } & Partial<Ready>> = [];
    const next = (type: string) =>
      new Promise<(typeof messages)[number]>((resolveMessage, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${type} message in 20 s:\n${output.join('')}`)), 20_000);
        const onExit = (code: number | null) => reject(new Error(`the CommonJS app exited (${code}):\n${output.join('')}`));
        app.once('exit', onExit);
        app.on('message', function onMessage(message: (typeof messages)[number]) {
          if (message.type !== type) return;
          clearTimeout(timer);
          app.off('message', onMessage);
          app.off('exit', onExit);
          resolveMessage(message);
        });
      });

    const ready = (await next('ready')) as unknown as Ready;
    expect(ready.library).toBe(join(root, 'libs/messenger-webhook/dist/cjs/index.js'));
    expect(ready.before).toEqual({ bullmq: false, ioredis: false });
    expect(ready.after).toEqual({ bullmq: true, ioredis: true });

    const body = JSON.stringify({
      object: 'page',
      entry: [{ id: 'PAGE', time: 1_700_000_000_000, messaging: [{ sender: { id: 'CJS-USER' }, recipient: { id: 'PAGE' }, timestamp: 1_700_000_000_000, message: { mid: 'mid-cjs-1', text: 'hello from CommonJS' } }] }],
    });
    const handled = next('handled');
    const response = await fetch(`http://127.0.0.1:${ready.port}/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, 'cjs-secret') },
      body,
    });
    expect(response.status).toBe(200);
    const event = await handled;
    expect(event.text).toBe('hello from CommonJS');
    expect(event.eventId).toMatch(/\S/);
  }, 60_000);
});
