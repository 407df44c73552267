import 'reflect-metadata';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Injectable, type CanActivate, type INestApplication, type ModuleMetadata } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CHANGE_KIND, Ctx, EVENT_KINDS, MessengerWebhookModule, OnEvent, Text, type MessengerContext } from 'nestjs-messenger-webhook';
import { createMessengerTestClient, MessengerEvents, WebhookBodyBuilder } from 'nestjs-messenger-webhook/testing';
import { main } from '../../src/cli/main.js';
import { APP_SECRET, createTestApp, VERIFY_TOKEN } from '../../../../test/support/app.js';

/** A listening app and the webhook URL the CLI is pointed at. */
interface TestServer {
  app: INestApplication;
  url: string;
}

/** Starts the app of `metadata` on Express; the testing kit's client finds its webhook URL (and makes it listen). */
async function startServer(metadata: ModuleMetadata): Promise<TestServer> {
  const app = await createTestApp('express', metadata);
  return { app, url: await createMessengerTestClient(app).webhookUrl() };
}

@Injectable()
class Recorder {
  events: Array<{ kind: string; text: string | undefined; platform: string; standby: boolean; pageId: string }> = [];
  sources: string[] = [];

  @OnEvent()
  onEvent(@Text() text: string | undefined, @Ctx() context: MessengerContext) {
    this.events.push({ kind: context.kind, text, platform: context.platform, standby: context.standby, pageId: context.pageId });
    this.sources.push(`${context.source}:${context.field}`);
  }
}

/** Runs the CLI in-process with its own environment and captured output. */
async function run(argv: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (line) => out.push(line), err: (line) => err.push(line), env });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** A loopback port nothing listens on: bound, then closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  return port;
}

describe('messenger-webhook CLI against a running app', () => {
  let server: TestServer;
  let recorder: Recorder;
  let dir: string;

  beforeAll(async () => {
    server = await startServer({ imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET })], providers: [Recorder] });
    recorder = server.app.get(Recorder);
    dir = await mkdtemp(join(tmpdir(), 'messenger-webhook-cli-'));
  });
  afterAll(async () => {
    await server?.app.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    recorder.events = [];
  });

  it('send text: 200 and the handler receives the message', async () => {
    const result = await run(['send', '--url', server.url, '--secret', APP_SECRET, '--sender', 'PSID_5', 'text', 'hello/é']);

    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^POST http:\/\/127\.0\.0\.1:\d+\/webhook text \(1 event, \d+ bytes\)\n200 OK in \d+ ms: EVENT_RECEIVED$/);
    expect(recorder.events).toEqual([{ kind: 'message', text: 'hello/é', platform: 'messenger', standby: false, pageId: 'PAGE_1' }]);
  });

  it('send takes the URL and the secret from the environment, and honours --object, --standby and --page', async () => {
    const env = { MESSENGER_WEBHOOK_URL: server.url, MESSENGER_APP_SECRET: APP_SECRET };
    const result = await run(['send', '--object', 'instagram', '--standby', '--page', 'IG_1', 'quick-reply', 'Yes', 'YES'], env);

    expect(result.code).toBe(0);
    expect(recorder.events).toEqual([{ kind: 'message', text: 'Yes', platform: 'instagram', standby: true, pageId: 'IG_1' }]);
  });

  it('send with a wrong secret exits 1, says the secret is probably wrong, and never prints a secret', async () => {
    const result = await run(['send', '--url', server.url, '--secret', 'wrong-secret', 'text', 'hi']);

    expect(result.code).toBe(1);
    expect(result.out).toMatch(/^403 Forbidden/m);
    expect(result.err).toMatch(/refused the signature \(403\): the secret is probably wrong/);
    expect(`${result.out}${result.err}`).not.toContain('wrong-secret');
    expect(recorder.events).toEqual([]);
  });

  it('send to an unreachable URL exits 1 and names the cause', async () => {
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}/webhook`;
    const result = await run(['send', '--url', url, '--secret', APP_SECRET, 'text', 'hi']);

    expect(result.code).toBe(1);
    expect(result.err).toBe(`messenger-webhook: cannot reach URL: ${url} (connect ECONNREFUSED 127.0.0.1:${port})`);
  });

  it('send to a URL that answers something else than 200 exits 1', async () => {
    const result = await run(['send', '--url', server.url.replace(/webhook$/, 'nowhere'), '--secret', APP_SECRET, 'postback', 'GET_STARTED']);

    expect(result.code).toBe(1);
    expect(result.err).toMatch(/answered 404 Not Found, not 200/);
  });

  it('send --file posts a whole envelope as it is', async () => {
    const file = join(dir, 'envelope.json');
    const body = new WebhookBodyBuilder('page')
      .entry('PAGE_1', { messaging: [MessengerEvents.text('first')] })
      .entry('PAGE_2', { messaging: [MessengerEvents.text('second', { pageId: 'PAGE_2' })], changes: [MessengerEvents.templateStatusUpdate()] })
      .build();
    await writeFile(file, JSON.stringify(body, null, 2));

    const result = await run(['send', '--url', server.url, '--secret', APP_SECRET, '--file', file]);

    expect(result.code).toBe(0);
    expect(result.out).toContain('(3 events,');
    expect(recorder.events.map(({ kind, pageId, text }) => `${pageId} ${kind} ${text ?? ''}`.trim())).toEqual([
      'PAGE_1 message first',
      'PAGE_2 message second',
      'PAGE_2 template_status_update',
    ]);
  });

  it('send --as-change delivers a messaging event as a changes[] item, to the same handlers', async () => {
    recorder.sources = [];
    const result = await run(['send', '--url', server.url, '--secret', APP_SECRET, '--object', 'instagram', '--as-change', 'postback', 'GET_STARTED']);

    expect(result.code).toBe(0);
    expect(recorder.events).toMatchObject([{ kind: 'postback', platform: 'instagram' }]);
    expect(recorder.sources).toEqual(['changes:messaging_postbacks']);
  });

  it('send --file wraps a single raw event', async () => {
    const file = join(dir, 'event.json');
    await writeFile(file, JSON.stringify(MessengerEvents.postback('BUY_1')));

    const result = await run(['send', '--url', server.url, '--secret', APP_SECRET, '--page', 'PAGE_3', '--file', file]);

    expect(result.code).toBe(0);
    expect(recorder.events).toMatchObject([{ kind: 'postback', pageId: 'PAGE_3' }]);
  });

  it('verify passes with the right token and fails with a wrong one', async () => {
    const passed = await run(['verify', '--url', server.url, '--token', VERIFY_TOKEN]);
    expect(passed.code).toBe(0);
    expect(passed.out).toMatch(/handshake passed/);

    const refused = await run(['verify', '--url', server.url], { MESSENGER_VERIFY_TOKEN: 'wrong-token' });
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/handshake refused \(403\): the verify token is probably wrong/);
  });

  it('tour runs the handshake and delivers every event type, Instagram, standby and a batch', async () => {
    const result = await run(['tour', '--url', server.url, '--secret', APP_SECRET, '--token', VERIFY_TOKEN]);

    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    const lines = result.out.split('\n').filter((line) => line.startsWith('  '));
    expect(lines.every((line) => /^ {2}ok {4}(GET|POST) .+ 200 +\d+ ms$/.test(line))).toBe(true);
    expect(result.out).toMatch(/All \d+ requests passed\./);
    const kinds = new Set(recorder.events.map((event) => event.kind));
    expect([...kinds].sort()).toEqual([...EVENT_KINDS, CHANGE_KIND].map((definition) => definition.kind).sort());
    expect(recorder.events.some((event) => event.platform === 'instagram')).toBe(true);
    expect(recorder.events.some((event) => event.standby)).toBe(true);
  });

  it('tour stops with exit code 1 when the server cannot be reached', async () => {
    const result = await run(['tour', '--url', `http://127.0.0.1:${await closedPort()}/webhook`]);

    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^messenger-webhook: cannot reach URL: .*ECONNREFUSED/);
  });
});

/** Refuses every request the way a typical app-wide auth guard does: Nest's default 403 body. */
@Injectable()
class DenyAll implements CanActivate {
  canActivate(): boolean {
    return false;
  }
}

describe('messenger-webhook CLI never prints credentials or tokens, and says what a 403 was', () => {
  let server: TestServer;
  let guarded: TestServer;
  const PASSWORD = 'pw-4f9c1e';
  const TOKEN = 'token-77ad21';
  const SECRET = 'secret-5b8e33';

  beforeAll(async () => {
    server = await startServer({ imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET })] });
    guarded = await startServer({
      imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET })],
      providers: [{ provide: APP_GUARD, useClass: DenyAll }],
    });
  });
  afterAll(async () => {
    await server?.app.close();
    await guarded?.app.close();
  });

  /** `url` with a user and password in it. */
  const withCredentials = (url: string) => url.replace('http://', `http://alice:${PASSWORD}@`);

  it('verify with credentials in the URL sends them as Basic auth and prints neither them nor the token', async () => {
    const result = await run(['verify', '--url', withCredentials(server.url), '--token', TOKEN]);
    const printed = `${result.out}\n${result.err}`;
    expect(result.code).toBe(1);
    expect(printed).not.toContain(PASSWORD);
    expect(printed).not.toContain(TOKEN);
    expect(printed).not.toContain('alice');
    expect(result.err).toMatch(/handshake refused \(403\): the verify token is probably wrong/);
  });

  it('send and tour with credentials in the URL print neither them, the secret nor the token', async () => {
    for (const argv of [
      ['send', '--url', withCredentials(server.url), '--secret', SECRET, 'text', 'hi'],
      ['tour', '--url', withCredentials(server.url), '--secret', SECRET, '--token', TOKEN],
      ['send', '--url', `http://alice:${PASSWORD}@[::1`, '--secret', SECRET, 'text', 'hi'],
      ['verify', '--url', `http://alice:${PASSWORD}@127.0.0.1:${await closedPort()}/webhook`, '--token', TOKEN],
    ]) {
      const result = await run(argv);
      const printed = `${result.out}\n${result.err}`;
      expect(result.code, argv.join(' ')).not.toBe(0);
      for (const secret of [PASSWORD, TOKEN, SECRET]) expect(printed, argv.join(' ')).not.toContain(secret);
    }
  });

  it('a 403 from another guard is reported as what the server answered, not blamed on the secret or the token', async () => {
    const sent = await run(['send', '--url', guarded.url, '--secret', APP_SECRET, 'text', 'hi']);
    expect(sent.code).toBe(1);
    expect(sent.err).not.toMatch(/secret is probably wrong/);
    expect(sent.err).toMatch(/answered 403 Forbidden: .*Forbidden resource/);

    const verified = await run(['verify', '--url', guarded.url, '--token', VERIFY_TOKEN]);
    expect(verified.code).toBe(1);
    expect(verified.err).not.toMatch(/verify token is probably wrong/);
    expect(verified.err).toMatch(/answered 403 Forbidden: .*Forbidden resource/);
  });
});

describe('messenger-webhook CLI usage errors', () => {
  it('a missing --secret or --url exits 2 and names the flag and the variable', async () => {
    const noSecret = await run(['send', '--url', 'http://127.0.0.1:9/webhook', 'text', 'hi']);
    expect(noSecret.code).toBe(2);
    expect(noSecret.err).toMatch(/missing --secret \(or set MESSENGER_APP_SECRET\)/);

    const noUrl = await run(['send', '--secret', 's', 'text', 'hi']);
    expect(noUrl.code).toBe(2);
    expect(noUrl.err).toMatch(/missing --url \(or set MESSENGER_WEBHOOK_URL\)/);
  });

  it('an unknown event type exits 2 and lists the known ones', async () => {
    const result = await run(['send', '--url', 'http://127.0.0.1:9/webhook', '--secret', 's', 'txt', 'hi']);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/unknown event type "txt"; known types: text, quick-reply, attachment, .*template-status-update/);
  });

  it('an unknown option, command or a bad --object exits 2', async () => {
    expect((await run(['send', '--nope', 'text', 'hi'])).err).toMatch(/Unknown option '--nope'/);
    expect((await run(['sned'])).code).toBe(2);
    expect((await run(['send', '--object', 'whatsapp', 'text', 'hi'])).err).toMatch(/--object must be page or instagram/);
  });

  it.each([['send'], ['verify'], ['tour']])('%s --help prints its usage', async (command) => {
    const result = await run([command, '--help']);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(new RegExp(`^Usage: messenger-webhook ${command} `));
  });

  it('--help lists the commands', async () => {
    const result = await run(['--help']);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/send .*\n.*verify .*\n.*tour /);
  });
});
