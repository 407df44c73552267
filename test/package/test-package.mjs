#!/usr/bin/env node
// Packs the library, installs the tarball into a fresh Nest 12 app outside the repository (dependencies from the
// registry, as a user would), compiles that app with its own tsc, boots it on Express and on Fastify, and sends
// signed deliveries: one event of every type must reach exactly its handler (and OnEvent).
import { execFileSync, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const lib = join(repo, 'libs/messenger-webhook');
const work = mkdtempSync(join(tmpdir(), 'messenger-webhook-package-'));
const keep = process.argv.includes('--keep');
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
const step = (text) => console.log(`\n== ${text}`);

let failures = 0;
try {
  step('pack the library');
  run('npx', ['tsc', '-b', 'libs/messenger-webhook/tsconfig.lib.json'], repo);
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], lib))[0];
  console.log(`${packed.filename}: ${packed.entryCount} files, ${packed.size} bytes`);
  const leaked = packed.files.map((f) => f.path).filter((p) => !p.startsWith('dist/') && !['package.json', 'README.md', 'LICENSE'].includes(p));
  if (leaked.length) throw new Error(`the tarball holds files outside dist/: ${leaked.join(', ')}`);

  step(`create a fresh Nest 12 app in ${work}`);
  const app = join(work, 'app');
  run('mkdir', ['-p', join(app, 'src')], work);
  writeFileSync(join(app, 'package.json'), JSON.stringify({
    name: 'consumer-app', private: true, type: 'module',
    dependencies: {
      '@nestjs/common': '^12.0.0', '@nestjs/core': '^12.0.0', '@nestjs/platform-express': '^12.0.0',
      '@nestjs/platform-fastify': '^12.0.0', 'class-transformer': '^0.5.1', 'class-validator': '^0.15.0',
      'reflect-metadata': '^0.2.2', rxjs: '^7.8.0', 'nestjs-messenger-webhook': `file:../${packed.filename}`,
    },
    devDependencies: { typescript: '6.0.3', '@types/node': '^20.19.0' },
  }, null, 2));
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      target: 'ES2023', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, experimentalDecorators: true,
      emitDecoratorMetadata: true, outDir: 'dist', rootDir: 'src', skipLibCheck: false, types: ['node'],
    },
    include: ['src'],
  }, null, 2));
  copyFileSync(join(here, 'consumer-app.ts.txt'), join(app, 'src/main.ts'));
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], app);
  console.log(`installed: ${readdirSync(join(app, 'node_modules/nestjs-messenger-webhook/dist')).length} entries in dist/`);

  step('compile the consumer app with its own tsc (type-checks our .d.ts files too: skipLibCheck is off)');
  run('npx', ['tsc', '-p', 'tsconfig.json'], app);

  for (const adapter of ['express', 'fastify']) {
    step(`boot on ${adapter} and send one signed delivery per event type`);
    failures += await checkAdapter(app, adapter);
  }
} catch (error) {
  failures++;
  console.error(`FAILED: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  if (keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
console.log(failures === 0 ? '\npackage test passed' : `\npackage test FAILED (${failures} problem(s))`);
process.exit(failures === 0 ? 0 : 1);

/** Every row of PROTOCOL.md section 5, as the decorator it must reach and the class it must arrive as. */
function cases() {
  const user = { sender: { id: 'USER_1' }, recipient: { id: 'PAGE_1' }, timestamp: 1_700_000_000_000 };
  return [
    ['OnMessage', 'MessageEvent', { ...user, message: { mid: 'm_1', text: 'h\u00e9llo / world' } }],
    ['OnEcho', 'EchoEvent', { sender: { id: 'PAGE_1' }, recipient: { id: 'USER_1' }, timestamp: 1, message: { mid: 'm_2', is_echo: true, app_id: 1517776481860111, text: 'echo' } }],
    ['OnMessageEdit', 'MessageEditEvent', { ...user, message_edit: { mid: 'm_1', text: 'edited', num_edit: 1 } }],
    ['OnReaction', 'ReactionEvent', { ...user, reaction: { mid: 'm_1', action: 'react', reaction: 'love', emoji: '\u2764' } }],
    ['OnRead', 'ReadEvent', { ...user, read: { watermark: 1_700_000_000_000 } }],
    ['OnDelivery', 'DeliveryEvent', { ...user, delivery: { mids: ['m_2'], watermark: 1_700_000_000_000 } }],
    ['OnPostback', 'PostbackEvent', { ...user, postback: { title: 'Start', payload: 'GET_STARTED', mid: 'm_3' } }],
    ['OnReferral', 'ReferralEvent', { ...user, referral: { ref: 'promo', source: 'SHORTLINK', type: 'OPEN_THREAD' } }],
    ['OnOptin', 'OptinEvent', { recipient: { id: 'PAGE_1' }, timestamp: 1, optin: { ref: 'checkbox', user_ref: 'UREF_1' } }],
    ['OnAccountLinking', 'AccountLinkingEvent', { ...user, account_linking: { status: 'linked', authorization_code: 'code' } }],
    ['OnFeedback', 'FeedbackEvent', { ...user, messaging_feedback: { feedback_screens: [{ screen_id: 0, questions: { q1: { type: 'csat', payload: '5' } } }] } }],
    ['OnResponseFeedback', 'ResponseFeedbackEvent', { ...user, response_feedback: { feedback: 'Good response', mid: 'm_2' } }],
    ['OnGamePlay', 'GamePlayEvent', { ...user, game_play: { game_id: 'g', player_id: 'p', context_type: 'SOLO', score: 10 } }],
    ['OnHandover', 'PassThreadControlEvent', { ...user, pass_thread_control: { new_owner_app_id: '123', metadata: 'm' } }],
    ['OnHandover', 'TakeThreadControlEvent', { ...user, take_thread_control: { previous_owner_app_id: '123', metadata: 'm' } }],
    ['OnHandover', 'RequestThreadControlEvent', { ...user, request_thread_control: { requested_owner_app_id: '456', metadata: 'm' } }],
    ['OnHandover', 'AppRolesEvent', { recipient: { id: 'PAGE_1' }, timestamp: 1, app_roles: { '123': ['primary_receiver'] } }],
    ['OnPolicyEnforcement', 'PolicyEnforcementEvent', { recipient: { id: 'PAGE_1' }, timestamp: 1, 'policy-enforcement': { action: 'block', reason: 'spam' } }],
    ['OnSendCart', 'SendCartEvent', { ...user, order: { products: [{ id: 'p1', retailer_id: 'r1', name: 'Mug', unit_price: 10, currency: 'USD', quantity: 2 }] } }],
    ['OnTemplateStatusUpdate', 'TemplateStatusUpdateEvent', { field: 'messenger_template_status_update', value: { event: 'APPROVED', message_template_id: 1, message_template_name: 'n', message_template_language: 'en_US', reason: null } }, 'changes'],
    [null, 'UnknownEvent', { ...user, brand_new_event: { x: 1 } }],
    ['OnStandby', 'MessageEvent', { ...user, message: { mid: 'm_9', text: 'standby' } }, 'standby'],
  ];
}

async function checkAdapter(app, adapter) {
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const child = spawn(process.execPath, ['dist/main.js'], { cwd: app, env: { ...process.env, PORT: String(port), ADAPTER: adapter } });
  const handled = [];
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const ready = new Promise((resolveReady, rejectReady) => {
    let buffer = '';
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      let newline;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        if (line === 'READY') resolveReady();
        else if (line.startsWith('HANDLED ')) handled.push(JSON.parse(line.slice(8)));
      }
    });
    child.on('exit', (code) => rejectReady(new Error(`app exited with ${code}: ${stderr}`)));
  });
  let problems = 0;
  const fail = (text) => { problems++; console.error(`  FAIL ${text}`); };
  try {
    await ready;
    const url = `http://127.0.0.1:${port}/webhook`;
    const handshake = await fetch(`${url}?hub.mode=subscribe&hub.verify_token=pkg-token&hub.challenge=xyz`);
    const challenge = await handshake.text();
    if (handshake.status !== 200 || challenge !== 'xyz') fail(`handshake answered ${handshake.status} ${challenge}`);
    else console.log('  ok handshake');
    const forged = await post(url, { object: 'page', entry: [] }, 'wrong-secret');
    if (forged.status !== 403) fail(`a forged delivery answered ${forged.status}, expected 403`);
    else console.log('  ok forged delivery refused with 403');
    for (const [decorator, className, raw, list = 'messaging'] of cases()) {
      handled.length = 0;
      const object = 'page';
      const response = await post(url, { object, entry: [{ id: 'PAGE_1', time: 1_700_000_000_000, [list]: [raw] }] }, 'pkg-secret');
      const seen = handled.map((h) => `${h.decorator}:${h.className}`).sort();
      const expected = [decorator && `${decorator}:${className}`, `OnEvent:${className}`].filter(Boolean).sort();
      const contextOk = handled.every((h) => h.platform === 'messenger' && h.pageId === 'PAGE_1' && h.standby === (list === 'standby'));
      if (response.status !== 200 || JSON.stringify(seen) !== JSON.stringify(expected) || !contextOk) {
        fail(`${className} via ${list}: status ${response.status}, handled ${JSON.stringify(seen)}, expected ${JSON.stringify(expected)}`);
      } else {
        console.log(`  ok ${className}${list !== 'messaging' ? ` (${list})` : ''} -> ${expected.join(', ')}`);
      }
    }
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  } finally {
    child.kill();
  }
  return problems;
}

/** Serialises like Meta (escaped `/` and non-ASCII) and signs those exact bytes. */
function post(url, body, secret) {
  const raw = JSON.stringify(body)
    .replace(/\//g, '\\/')
    .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const signature = `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature }, body: raw });
}
