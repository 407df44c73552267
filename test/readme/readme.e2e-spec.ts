import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessengerEvents } from 'nestjs-messenger-webhook/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { startRedis } from '../support/redis-server.js';
import { readmeBlocks, type ReadmeBlock } from './readme-blocks.js';
import { TS_MODES, typeCheckReadme } from './readme-typecheck.js';

// Every code block of the README is compiled or run here (or, for the install line, by `npm run test:package`), so the
// front door cannot drift from the code. A block says how it is checked in a `<!-- readme-check: ... -->` comment.

const repo = fileURLToPath(new URL('../..', import.meta.url));
const blocks = readmeBlocks();
const SHELL_MODES = ['quick-start', 'simulate', 'curl', 'simulator', 'queue-example'] as const;
// `install` is run by test/package/test-package.mjs, which reads that block; `none` is for text that is not code.
const KNOWN_MODES: readonly string[] = [...TS_MODES, ...SHELL_MODES, 'install', 'none'];

const only = (mode: string): ReadmeBlock => {
  const found = blocks.filter((block) => block.mode === mode);
  expect(found, `README blocks checked as "${mode}"`).toHaveLength(1);
  return found[0]!;
};

describe('README', () => {
  it('says for every code block how it is checked', () => {
    const unchecked = blocks.filter((block) => !block.mode || !KNOWN_MODES.includes(block.mode)).map((block) => `README.md:${block.line}`);
    expect(unchecked).toEqual([]);
    expect(blocks.filter((block) => block.mode === 'none' && !block.argument).map((block) => `README.md:${block.line}`)).toEqual([]);
    expect(blocks.filter((block) => block.lang === 'ts').every((block) => (TS_MODES as readonly string[]).includes(block.mode ?? ''))).toBe(true);
    expect(readFileSync(join(repo, 'test/package/test-package.mjs'), 'utf8')).toContain("readme-check: install");
    only('install');
  });

  it('TypeScript blocks compile under strict against the library', { timeout: 120_000 }, () => {
    const problems = typeCheckReadme(blocks).map(({ line, message }) => `README.md:${line}: ${message}`);
    expect(problems).toEqual([]);
  });

  describe('shell blocks, run against the example bot started by the quick start', () => {
    let bot: ChildProcess | undefined;
    let log = '';
    let port = 0;
    const work = mkdtempSync(join(tmpdir(), 'readme-'));
    afterAll(async () => {
      if (bot?.pid !== undefined && bot.exitCode === null) {
        const exited = new Promise((resolve) => bot!.once('exit', resolve));
        process.kill(-bot.pid, 'SIGTERM'); // npm start's process group: npm, the build, the bot
        await exited;
      }
      rmSync(work, { recursive: true, force: true });
    });

    // Nest's logger may colour its lines: compare without the colour codes.
    const lines = () => log.replace(/\x1b\[[0-9;]*m/g, '').split('\n');
    // Without PAGE_ACCESS_TOKEN the bot runs the Send API client dry: each reply is a `[dry run] POST me/messages` line.
    const greetings = () => lines().filter((line) => line.includes('[dry run]') && line.includes('Hello! What would you like to do?')).length;
    const waitForLog = async (pattern: RegExp, timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      while (!lines().some((line) => pattern.test(line))) {
        if (Date.now() > deadline) throw new Error(`no log line matched ${pattern} within ${timeoutMs} ms; log:\n${log}`);
        if (bot?.exitCode !== null) throw new Error(`the bot exited (${bot?.exitCode}); log:\n${log}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    /** Runs a README block with bash, on this test's port instead of 3000 and with the bin of this repository. */
    const runBlock = (code: string, env: Record<string, string> = {}) =>
      run('bash', ['-eo', 'pipefail', '-c', code.replaceAll('localhost:3000', `localhost:${port}`).replaceAll('npx messenger-webhook', `node ${join(repo, 'libs/messenger-webhook/dist/esm/cli/messenger-webhook.js')}`)], work, env);

    it('quick start: CI runs `npm ci` and `npm test`, and `npm start` serves the example bot', { timeout: 180_000 }, async () => {
      const commands = only('quick-start').code.split('\n').map((line) => line.replace(/#.*/, '').trim()).filter(Boolean);
      expect(commands).toEqual(['npm ci && npm start', 'npm test']);
      const ci = readFileSync(join(repo, '.ci/run'), 'utf8');
      expect(ci).toMatch(/^npm ci\b/m);
      expect(ci).toMatch(/^npm test\b/m);

      port = await freePort();
      // No Meta settings from the developer's shell: the quick start promises it runs on the dev defaults, and without
      // PAGE_ACCESS_TOKEN the bot only logs its replies.
      const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), FORCE_COLOR: '0' };
      for (const name of ['VERIFY_TOKEN', 'APP_SECRET', 'PAGE_ACCESS_TOKEN', 'HTTP_ADAPTER']) delete env[name];
      bot = spawn('npm', ['start'], { cwd: repo, env, detached: true });
      bot.stdout!.on('data', (chunk) => (log += chunk));
      bot.stderr!.on('data', (chunk) => (log += chunk));
      await waitForLog(/Webhook ready on http:\/\/localhost:\d+\/webhook/, 150_000);
    });

    it('the curl block: the handshake, a signed message, and the same message again, dropped as a redelivery', { timeout: 60_000 }, async () => {
      expect(port).not.toBe(0);
      const first = await runBlock(only('curl').code);
      expect(first.stdout).toMatch(/^CHALLENGE_ACCEPTED$/m);
      expect(first.stdout).toMatch(/^HTTP\/1\.1 200 OK/m);
      await waitForLog(/\[dry run\].*"id":"USER_1".*Hello! What would you like to do\?/, 10_000);

      const second = await runBlock(only('curl').code);
      expect(second.stdout).toMatch(/^HTTP\/1\.1 200 OK/m);
      // A message sent after it, in the same conversation, is answered only after the resent one was handled.
      await runBlock(`npx messenger-webhook send --url http://localhost:3000/webhook --secret dev-app-secret text "after the resend"`);
      await waitForLog(/\[dry run\].*did not understand \\"after the resend\\"/, 10_000);
      expect(greetings()).toBe(1);
    });

    it('npm run simulate tours every event type', { timeout: 120_000 }, async () => {
      const commands = only('simulate').code.split('\n').map((line) => line.replace(/#.*/, '').trim()).filter(Boolean);
      expect(commands).toEqual(['npm run simulate']);
      const result = await run('npm', ['run', 'simulate'], repo, { MESSENGER_WEBHOOK_URL: `http://localhost:${port}/webhook` });
      expect(result.code, result.stdout + result.stderr).toBe(0);
    });

    it('the simulator block runs as written', { timeout: 60_000 }, async () => {
      writeFileSync(join(work, 'delivery.json'), JSON.stringify(MessengerEvents.delivery()));
      const result = await runBlock(only('simulator').code);
      expect(result.code, result.stdout + result.stderr).toBe(0);
      expect(result.stdout).toMatch(/200/);
    });

    it('the queue-mode block: an edge and a worker on a Redis of the test\'s own, then both roles in one process', { timeout: 120_000 }, async () => {
      const commands = only('queue-example').code.split('\n').map((line) => line.replace(/#.*/, '').trim()).filter(Boolean);
      expect(commands).toHaveLength(3);
      const redis = await startRedis();
      const children: ChildProcess[] = [];
      // Each line as written, on the test's Redis and port; `npm start` becomes the bot it starts, already built by the
      // quick start above (a second build would race the first one's output).
      const launch = (command: string, queuePort: number) => {
        const line = command.replaceAll('redis://localhost:6379', redis.url).replace(/\bnpm start\b/, 'node apps/example-bot/dist/main.js');
        const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(queuePort), FORCE_COLOR: '0' };
        for (const name of ['VERIFY_TOKEN', 'APP_SECRET', 'PAGE_ACCESS_TOKEN', 'HTTP_ADAPTER', 'QUEUE', 'QUEUE_ROLE']) delete env[name];
        const child = spawn('bash', ['-c', line], { cwd: repo, env, detached: true });
        children.push(child);
        let output = '';
        child.stdout!.on('data', (chunk) => (output += chunk));
        child.stderr!.on('data', (chunk) => (output += chunk));
        const logLines = () => output.replace(/\x1b\[[0-9;]*m/g, '').split('\n');
        const waitFor = async (pattern: RegExp, timeoutMs = 30_000) => {
          const deadline = Date.now() + timeoutMs;
          while (!logLines().some((logLine) => pattern.test(logLine))) {
            if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no line matched ${pattern} (exit ${child.exitCode}); output:\n${output}`);
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        };
        return { waitFor, logLines };
      };
      const stopAll = () =>
        Promise.all(
          children.splice(0).map(async (child) => {
            if (child.pid === undefined || child.exitCode !== null) return;
            const exited = new Promise((resolve) => child.once('exit', resolve));
            process.kill(-child.pid, 'SIGTERM');
            await exited;
          }),
        );
      const send = (queuePort: number, text: string) =>
        run('node', [join(repo, 'libs/messenger-webhook/dist/esm/cli/messenger-webhook.js'), 'send', '--url', `http://localhost:${queuePort}/webhook`, '--secret', 'dev-app-secret', 'text', text], work);
      try {
        const edgePort = await freePort();
        const edge = launch(commands[0]!, edgePort);
        const worker = launch(commands[1]!, edgePort);
        await edge.waitFor(/QUEUE set: queue mode, role edge/);
        await edge.waitFor(/Webhook ready on http:\/\/localhost:\d+\/webhook/);
        await worker.waitFor(/Queue worker ready/);
        const sent = await send(edgePort, 'through the queue');
        expect(sent.stdout + sent.stderr).toMatch(/200 OK/);
        // The worker answers (a dry-run send); the edge only stored the event.
        await worker.waitFor(/\[dry run\].*did not understand \\"through the queue\\"/);
        expect(edge.logLines().filter((line) => line.includes('did not understand'))).toEqual([]);

        // One way at a time, as a user tries them: a worker left running would take the next process's events.
        await stopAll();
        const bothPort = await freePort();
        const both = launch(commands[2]!, bothPort);
        await both.waitFor(/QUEUE set: queue mode, role both/);
        await both.waitFor(/Webhook ready on http:\/\/localhost:\d+\/webhook/);
        expect((await send(bothPort, 'in one process')).stdout).toMatch(/200 OK/);
        await both.waitFor(/\[dry run\].*did not understand \\"in one process\\"/);
      } finally {
        await stopAll();
        await redis.stop();
      }
    });
  });
});

function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
