#!/usr/bin/env node
// Packs the library and installs the tarball, with a plain `npm install` and dependencies from the registry, into
// the app shapes users have: Nest 12 as an ES module app, Nest 12 as a CommonJS app, Nest 11 as a CommonJS app, each
// with the tsconfig, package.json and test runner `nest new` generates for it (`strict` on). In each it type-checks
// the app and a test written with the testing kit, boots the app on Express and on Fastify and sends one signed
// delivery of every event type, and runs the kit tests with the app's runner (Jest on Nest 11, vitest on the ES module
// app): the webhook test, and the replies test (a one-line reply checked with the fake Graph API through retries,
// a Retry-After, a permanent error and ten un-awaited replies). Shapes run one after another and share npm's cache.
// `--keep` keeps the apps, `--only <word>` picks shapes.
import { execFile, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const lib = join(repo, 'libs/messenger-webhook');
const work = mkdtempSync(join(tmpdir(), 'messenger-webhook-package-'));
const keep = process.argv.includes('--keep');
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const started = Date.now();

/** What `nest new` generates, per shape (read from @nestjs/schematics 11.1 and 12.0 application templates). */
const SHAPES = [
  {
    name: 'Nest 12, ES modules, vitest',
    id: 'nest12-esm',
    nest: '^12.0.1',
    esm: true,
    typescript: '^6.0.2',
    runner: 'vitest',
    devDependencies: { vitest: '^4.1.2', 'vite-tsconfig-paths': '^5.1.4' },
  },
  {
    // `nest new` sets up Jest here, but Jest loads no ES module package through `require` before Node 24.9, so on
    // Node 20 and 22 it cannot load Nest 12 itself (`@nestjs/testing` fails first): vitest runs the kit test instead.
    name: 'Nest 12, CommonJS, vitest',
    id: 'nest12-cjs',
    nest: '^12.0.1',
    esm: false,
    typescript: '^6.0.2',
    runner: 'vitest',
    devDependencies: { vitest: '^4.1.2', 'vite-tsconfig-paths': '^5.1.4' },
  },
  {
    name: 'Nest 11, CommonJS, Jest',
    id: 'nest11-cjs',
    nest: '^11.0.1',
    esm: false,
    typescript: '^5.7.3',
    runner: 'jest',
    devDependencies: { jest: '^30.0.0', 'ts-jest': '^29.2.5', '@types/jest': '^30.0.0' },
    // Apps made by @nestjs/schematics 11.0.x (most Nest 11 apps) have `module: commonjs`, so node10 resolution, where
    // `exports` is not read: `nestjs-messenger-webhook/testing` must still resolve its types.
    extraTsconfigs: {
      'tsconfig.node10.json': {
        compilerOptions: {
          module: 'commonjs', declaration: true, removeComments: true, emitDecoratorMetadata: true, experimentalDecorators: true,
          allowSyntheticDefaultImports: true, target: 'ES2023', sourceMap: true, outDir: './dist', baseUrl: './', incremental: true,
          skipLibCheck: true, strict: true, forceConsistentCasingInFileNames: true,
        },
        exclude: ['node_modules', 'dist'],
      },
    },
  },
];

/** Tests of the consumer's kit specs: webhook.spec.ts (1) and replies.spec.ts (5). */
const KIT_TESTS = 6;

const results = [];
let failures = 0;
const step = (text) => console.log(`\n== ${text}`);
const fail = (text) => {
  failures++;
  console.error(`  FAIL ${text}`);
};

try {
  step('pack the library');
  let t = Date.now();
  const packed = JSON.parse((await run('npm', ['pack', '--json', '--pack-destination', work], lib)).stdout)[0];
  const tarball = join(work, packed.filename);
  const files = packed.files.map((f) => f.path);
  console.log(`${packed.filename}: ${packed.entryCount} files, ${packed.size} bytes (${seconds(t)})`);
  const leaked = files.filter((p) => !p.startsWith('dist/') && !['package.json', 'README.md', 'LICENSE'].includes(p));
  if (leaked.length) fail(`the tarball holds files outside dist/: ${leaked.join(', ')}`);
  for (const wanted of ['LICENSE', 'README.md', 'dist/cjs/package.json', 'dist/cjs/index.js', 'dist/esm/index.js', 'dist/cjs/testing/index.d.ts', 'dist/esm/cli/messenger-webhook.js']) {
    if (!files.includes(wanted)) fail(`the tarball lacks ${wanted}`);
  }

  for (const shape of SHAPES.filter((s) => !only || s.id.includes(only))) {
    step(`${shape.name}: a fresh app in ${join(work, shape.id)}`);
    const shapeStart = Date.now();
    const before = failures;
    try {
      await checkShape(shape, tarball);
    } catch (error) {
      fail(error instanceof Error ? error.message : String(error));
    }
    results.push({ shape: shape.name, ok: failures === before, time: seconds(shapeStart) });
  }
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
} finally {
  if (keep) console.log(`\nkept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
console.log('');
for (const r of results) console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.shape} (${r.time})`);
console.log(
  failures === 0
    ? `package test passed: ${results.length} app shapes in ${seconds(started)}`
    : `package test FAILED: ${failures} problem(s) in ${seconds(started)}`,
);
process.exit(failures === 0 ? 0 : 1);

async function checkShape(shape, tarball) {
  const app = join(work, shape.id);
  mkdirSync(join(app, 'src'), { recursive: true });
  const major = shape.nest.replace(/^\^/, '').split('.')[0];
  writeJson(join(app, 'package.json'), {
    name: `consumer-${shape.id}`,
    private: true,
    ...(shape.esm ? { type: 'module' } : {}),
    scripts: shape.runner === 'jest' ? { test: 'jest' } : shape.runner === 'vitest' ? { test: 'vitest run' } : {},
    dependencies: {
      '@nestjs/common': shape.nest,
      '@nestjs/core': shape.nest,
      '@nestjs/platform-express': shape.nest,
      '@nestjs/platform-fastify': `^${major}.0.0`,
      'reflect-metadata': '^0.2.2',
      rxjs: '^7.8.1',
      // What the README's install line adds, as `npm install` would (the latest versions), ours from the tarball.
      ...Object.fromEntries(readmeInstall().map((name) => [name, name === 'nestjs-messenger-webhook' ? `file:${tarball}` : 'latest'])),
    },
    devDependencies: {
      '@nestjs/testing': shape.nest,
      '@types/node': '^24.0.0',
      typescript: shape.typescript,
      ...shape.devDependencies,
    },
    // Nest 11's package.json carries its Jest configuration.
    ...(shape.runner === 'jest'
      ? { jest: { moduleFileExtensions: ['js', 'json', 'ts'], rootDir: 'src', testRegex: '.*\\.spec\\.ts$', transform: { '^.+\\.(t|j)s$': 'ts-jest' }, testEnvironment: 'node' } }
      : {}),
  });
  writeJson(join(app, 'tsconfig.json'), tsconfigOf(shape));
  for (const [name, content] of Object.entries(shape.extraTsconfigs ?? {})) writeJson(join(app, name), content);
  if (shape.runner === 'vitest') {
    writeFileSync(
      join(app, 'vitest.config.ts'),
      "import { defineConfig } from 'vitest/config';\nimport tsconfigPaths from 'vite-tsconfig-paths';\n\n" +
        "export default defineConfig({\n  plugins: [tsconfigPaths()],\n  test: { globals: true, root: './', include: ['**/*.spec.ts'] },\n});\n",
    );
  }
  const ext = shape.esm ? '.js' : '';
  const source = (name) => readFileSync(join(here, 'consumer', name), 'utf8').replaceAll('{{ext}}', ext);
  writeFileSync(join(app, 'src/every.handler.ts'), source('every.handler.ts.txt'));
  writeFileSync(join(app, 'src/reply.handler.ts'), source('reply.handler.ts.txt'));
  writeFileSync(join(app, 'src/app.module.ts'), source('app.module.ts.txt'));
  writeFileSync(join(app, 'src/main.ts'), source(shape.esm ? 'main.esm.ts.txt' : 'main.cjs.ts.txt'));
  writeFileSync(join(app, 'src/webhook.spec.ts'), source('webhook.spec.ts.txt'));
  writeFileSync(join(app, 'src/replies.spec.ts'), source('replies.spec.ts.txt'));

  let t = Date.now();
  // A plain `npm install`: no flag that changes how peers resolve. The environment only lets npm trust its cache
  // (shared by the shapes and by earlier runs) instead of asking the registry again for every package.
  const install = await run('npm', ['install'], app, { ...process.env, npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false' });
  const log = `${install.stdout}\n${install.stderr}`;
  // npm prints each warning over several lines: `EBADENGINE   package: 'name@1.2.3',` then `required: { ... }`.
  const engines = [...log.matchAll(/EBADENGINE\s+package: '([^']+)',\s*\n[^\n]*EBADENGINE\s+required: (\{[^}]*\})/g)].map((m) => `${m[1]} ${m[2]}`);
  console.log(`  ok npm install (${seconds(t)}), EBADENGINE warnings: ${engines.length ? [...new Set(engines)].join('; ') : 'none'}`);
  if (engines.some((entry) => entry.startsWith('nestjs-messenger-webhook@'))) fail('our own package prints EBADENGINE');
  if (/ERESOLVE/.test(log)) fail(`npm install printed ERESOLVE:\n${log}`);

  t = Date.now();
  // One compilation with the app's tsconfig.json builds the app and type-checks the kit test beside it (`nest build`
  // would compile the same app files through tsconfig.build.json, which only leaves the tests out).
  await run('npx', ['tsc', '-p', 'tsconfig.json'], app);
  for (const name of Object.keys(shape.extraTsconfigs ?? {})) await run('npx', ['tsc', '-p', name, '--noEmit'], app);
  console.log(`  ok type-check (strict) and build: ${['tsconfig.json', ...Object.keys(shape.extraTsconfigs ?? {})].join(', ')} (${seconds(t)})`);

  for (const adapter of ['express', 'fastify']) {
    t = Date.now();
    await checkServer(app, adapter, shape);
    console.log(`  ok ${adapter}: handshake, forged delivery refused, every event type handled (${seconds(t)})`);
  }

  if (shape.runner) {
    t = Date.now();
    const out = await run('npm', ['test', '--silent'], app);
    const text = `${out.stdout}\n${out.stderr}`.replace(/\x1b\[[0-9;]*m/g, '');
    // Jest: `Tests:       6 passed, 6 total`; vitest: `Tests  6 passed (6)`. A spec the runner did not find would pass silently.
    const passed = Number(/Tests:?\s+(\d+) passed/.exec(text)?.[1] ?? 0);
    if (passed !== KIT_TESTS) fail(`${shape.runner} ran ${passed} kit tests, expected ${KIT_TESTS}:\n${text}`);
    else console.log(`  ok ${shape.runner} runs the kit tests (webhook, replies): ${passed} passed (${seconds(t)})`);
  }
}

/** The packages of the README's install line (the block marked `<!-- readme-check: install -->`). */
function readmeInstall() {
  const readme = readFileSync(join(repo, 'README.md'), 'utf8');
  const block = /<!-- readme-check: install -->\s*```bash\n([^`]*)```/.exec(readme)?.[1];
  const line = block?.split('\n').find((text) => text.startsWith('npm install '));
  if (!line) throw new Error('README.md has no `npm install` line in a block marked <!-- readme-check: install -->');
  const names = line.replace(/#.*/, '').trim().split(/\s+/).slice(2);
  if (!names.includes('nestjs-messenger-webhook')) throw new Error(`the README's install line does not install the package: ${line}`);
  return names;
}

function tsconfigOf(shape) {
  const common = {
    module: 'nodenext',
    moduleResolution: 'nodenext',
    resolvePackageJsonExports: true,
    esModuleInterop: true,
    isolatedModules: true,
    declaration: true,
    removeComments: true,
    emitDecoratorMetadata: true,
    experimentalDecorators: true,
    allowSyntheticDefaultImports: true,
    target: 'ES2023',
    sourceMap: true,
    outDir: './dist',
    incremental: true,
    skipLibCheck: true,
    // `nest new --strict` sets the strict flags one by one; `strict` covers them all and more.
    strict: true,
    strictPropertyInitialization: false,
  };
  if (shape.nest.startsWith('^11')) return { compilerOptions: { ...common, baseUrl: './', forceConsistentCasingInFileNames: true } };
  return { compilerOptions: { ...common, rootDir: '.', types: shape.runner === 'vitest' ? ['vitest/globals', 'node'] : ['node'] } };
}

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
    // Real-world shapes (issue 7): messaging events as changes[] items and flat on the entry, numeric ids, a postback
    // without title, a numeric product id, a quoted num_edit, an entry with an unusual time, Instagram fields, any
    // other field, and an event that cannot be read.
    ['OnPostback', 'PostbackEvent', { field: 'messaging_postbacks', value: { ...user, postback: { title: 'Start', payload: 'GET_STARTED' } } }, 'changes'],
    ['OnMessage', 'MessageEvent', { field: 'messages', value: { ...user, message: { mid: 'm_10', text: 'flat' } } }, 'flat'],
    ['OnPostback', 'PostbackEvent', { sender: { id: 2400000000000001 }, recipient: { id: 106000000000001 }, timestamp: 1, postback: { payload: 'MENU' } }],
    ['OnSendCart', 'SendCartEvent', { ...user, order: { products: [{ id: 5143500000000003, retailer_id: 'r1', name: 'Mug', unit_price: 12, currency: 'EUR', quantity: 1 }] } }],
    ['OnMessageEdit', 'MessageEditEvent', { ...user, message_edit: { mid: 'm_1', text: 'edited', num_edit: '37' } }],
    ['OnMessage', 'MessageEvent', { ...user, message: { mid: 'm_11', text: 'odd time' } }, 'messaging', { time: '2024-05-01T10:00:00+0000' }],
    ['OnMessage', 'MessageEvent', { ...user, message: { mid: 'm_12', text: 'no time' } }, 'messaging', { time: 'yesterday' }],
    ['OnComment', 'CommentEvent', { field: 'comments', value: { id: '1786', text: 'price?', from: { id: '1790', username: 'u' }, media: { id: '1790' } } }, 'changes'],
    ['OnMention', 'MentionEvent', { field: 'mentions', value: { media_id: '1790', comment_id: '1786' } }, 'changes'],
    ['OnStoryInsights', 'StoryInsightsEvent', { field: 'story_insights', value: { media_id: '1790', reach: 17, replies: -1 } }, 'changes'],
    ['OnChange', 'ChangeEvent', { field: 'feed', value: { item: 'status', verb: 'add' } }, 'changes'],
    ['OnInvalidEvent', 'InvalidEvent', { ...user, message: { mid: false } }],
  ];
}

async function checkServer(app, adapter, shape) {
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  // Nest 12's tsconfig has `rootDir: '.'`; Nest 11's computes it from the files, all under src/.
  const main = shape.nest.startsWith('^11') ? 'dist/main.js' : 'dist/src/main.js';
  const child = spawn(process.execPath, [main], { cwd: app, env: { ...process.env, PORT: String(port), ADAPTER: adapter, REPORT_HANDLED: '1' } });
  const handled = [];
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise((resolveExit) => child.on('exit', resolveExit));
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
    child.on('exit', (code) => rejectReady(new Error(`the app exited with ${code}: ${stderr}`)));
  });
  const problems = [];
  try {
    await withTimeout(ready, 30_000, `the app did not start on ${adapter} within 30 s: ${stderr}`);
    const url = `http://127.0.0.1:${port}/webhook`;
    const handshake = await fetch(`${url}?hub.mode=subscribe&hub.verify_token=pkg-token&hub.challenge=xyz`);
    const challenge = await handshake.text();
    if (handshake.status !== 200 || challenge !== 'xyz') problems.push(`handshake answered ${handshake.status} ${challenge}`);
    const forged = await post(url, { object: 'page', entry: [] }, 'wrong-secret');
    if (forged.status !== 403) problems.push(`a forged delivery answered ${forged.status}, expected 403`);
    for (const [decorator, className, raw, list = 'messaging', entryFields = {}] of cases()) {
      handled.length = 0;
      const entry = { id: 'PAGE_1', time: 1_700_000_000_000, ...(list === 'flat' ? raw : { [list]: [raw] }), ...entryFields };
      const response = await post(url, { object: 'page', entry: [entry] }, 'pkg-secret');
      // The app prints a line per handler call before the response goes out (dispatch: 'await'); stdout is a pipe,
      // so give the lines of this delivery until the response has been read to arrive.
      const expected = [decorator && `${decorator}:${className}`, `OnEvent:${className}`].filter(Boolean).sort();
      await waitFor(() => handled.length >= expected.length, 2_000);
      const seen = handled.map((h) => `${h.decorator}:${h.className}`).sort();
      const contextOk = handled.every((h) => h.platform === 'messenger' && h.pageId === 'PAGE_1' && h.standby === (list === 'standby'));
      if (response.status !== 200 || JSON.stringify(seen) !== JSON.stringify(expected) || !contextOk) {
        problems.push(`${className} via ${list}: status ${response.status}, handled ${JSON.stringify(seen)}, expected ${JSON.stringify(expected)}`);
      }
    }
    if (shape.id === 'nest12-esm' && adapter === 'express') {
      // The bin of the package, as the README's Simulator section runs it.
      const env = { ...process.env, MESSENGER_WEBHOOK_URL: url };
      await run('npx', ['messenger-webhook', 'verify', '--token', 'pkg-token'], app, env);
      handled.length = 0;
      await run('npx', ['messenger-webhook', 'send', '--secret', 'pkg-secret', 'text', 'from the bin'], app, env);
      await waitFor(() => handled.length >= 2, 2_000);
      if (!handled.some((h) => h.decorator === 'OnMessage')) problems.push('npx messenger-webhook send: no OnMessage call');
      else console.log('  ok npx messenger-webhook verify and send');
    }
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
  } finally {
    child.kill();
    await exited;
  }
  if (problems.length) throw new Error(`${shape.name} on ${adapter}:\n    ${problems.join('\n    ')}`);
}

/** Serialises like Meta (escaped `/` and non-ASCII) and signs those exact bytes. */
function post(url, body, secret) {
  const raw = JSON.stringify(body)
    .replace(/\//g, '\\/')
    .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const signature = `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature }, body: raw });
}

async function run(cmd, args, cwd, env = process.env) {
  try {
    return await promisify(execFile)(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${error.stdout ?? ''}${error.stderr ?? ''}`);
  }
}

async function waitFor(condition, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
}

function withTimeout(promise, ms, message) {
  let timer;
  return Promise.race([promise, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)))]).finally(() => clearTimeout(timer));
}

function writeJson(path, value) {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

function seconds(since) {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}
