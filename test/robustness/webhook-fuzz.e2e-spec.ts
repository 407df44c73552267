import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MessengerWebhookModule } from 'nestjs-messenger-webhook';
import { createMessengerTestClient, MessengerEvents, type MessengerTestClient } from 'nestjs-messenger-webhook/testing';
import { ADAPTERS, APP_SECRET, createTestApp, VERIFY_TOKEN, type AdapterName } from '../support/app.js';
import { DEEP_NESTING, fuzzCase, MARKER_BASE, mixedDelivery, type FuzzCase } from './bodies.js';
import { ALLOWED_STATUSES, CrashRecorder, mapLimit, pollutionSince, postRaw, prototypeSnapshot, RecordingBot, signatureHeader } from './harness.js';
import { deepObject, toJsonText } from './json-text.js';
import { Prng, robustnessSeed } from './prng.js';

const FUZZ_CASES = 2_500;
const MIXED_DELIVERIES = 150;
const PARALLEL = 16;
const seed = robustnessSeed();

/** Nest's Express adapter parses `application/x-www-form-urlencoded` with body-parser's default 100 KB limit. */
const EXPRESS_URLENCODED_LIMIT = 100 * 1024;

/**
 * The status each defect calls for, from the first layer that can see it: a non-JSON content type (415; 413 first
 * when Express's urlencoded parser finds the body over its limit), bytes that are not JSON (400, the framework's
 * parser), then the signature (401 absent or malformed, 403 wrong), then the envelope (400), else 200. Express's
 * JSON parser is strict (top level must be an object or array) and reads an empty body as `{}`; Fastify's refuses
 * an empty body. `__proto__` / `constructor.prototype` keys, which Fastify's parser refuses a whole body for, are
 * removed on the webhook route of both adapters, so they change no status.
 */
function expectedStatus(adapter: AdapterName, fuzz: FuzzCase): number {
  if (fuzz.contentType === null || !fuzz.contentType.startsWith('application/json')) {
    const overUrlencodedLimit = fuzz.contentType === 'application/x-www-form-urlencoded' && fuzz.body.length > EXPRESS_URLENCODED_LIMIT;
    return adapter === 'express' && overUrlencodedLimit ? 413 : 415;
  }
  let parsed: unknown;
  try {
    parsed = adapter === 'express' && fuzz.body.length === 0 ? {} : JSON.parse(fuzz.body.toString('utf8'));
  } catch {
    return 400;
  }
  if (adapter === 'express' && (typeof parsed !== 'object' || parsed === null)) return 400;
  if (fuzz.signature === 'none' || fuzz.signature === 'malformed') return 401;
  if (fuzz.signature === 'wrong-secret') return 403;
  const isEnvelope =
    typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) && typeof (parsed as { object?: unknown }).object === 'string' && Array.isArray((parsed as { entry?: unknown }).entry);
  return isEnvelope ? 200 : 400;
}

function describeCase(fuzz: FuzzCase): string {
  const framing = fuzz.chunked ? 'chunked' : `${fuzz.body.length} B`;
  return `#${fuzz.index} [${fuzz.signature}, ${fuzz.contentType ?? 'no content-type'}, ${framing}] ${fuzz.what.join('; ') || 'unmutated'}`;
}

describe.each(ADAPTERS)('POST /webhook under generated bodies on %s', (adapter) => {
  let app: INestApplication;
  let client: MessengerTestClient;
  let url: string;
  let bot: RecordingBot;
  const crashes = new CrashRecorder();
  let prototypesBefore: Map<string, unknown>;

  beforeAll(async () => {
    crashes.install();
    prototypesBefore = prototypeSnapshot();
    app = await createTestApp(adapter, {
      imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET })],
      providers: [RecordingBot],
    });
    // As the README tells Express users to: Express parses 100 kB by default, under the module's bodyLimit of 1 MiB.
    if (adapter === 'express') (app as NestExpressApplication).useBodyParser('json', { limit: '2mb' });
    client = createMessengerTestClient(app);
    // The fuzz cases need what the kit's send() always adds (a content type, a length) left out: they post to its URL.
    url = await client.webhookUrl();
    bot = app.get(RecordingBot);
  });

  afterAll(async () => {
    await app?.close();
    crashes.uninstall();
  });

  // Each test answers for the crashes of its own requests only.
  beforeEach(() => {
    crashes.clear();
  });

  it(`answers ${FUZZ_CASES} malformed, truncated, hostile or mis-signed bodies without a 5xx, then still serves`, { timeout: 120_000 }, async ({ onTestFailed }) => {
    onTestFailed(() => console.error(`webhook fuzz on ${adapter} failed with seed ${seed}: replay with ROBUSTNESS_SEED=${seed}`));
    const rng = new Prng(seed);
    const cases = Array.from({ length: FUZZ_CASES }, (_, index) => fuzzCase(rng, index, { poisonKeys: true }));

    const statuses = await mapLimit(cases, PARALLEL, (fuzz) => postRaw(url, fuzz.body, fuzz.contentType, signatureHeader(fuzz.body, fuzz.signature), fuzz.chunked));
    // Rejections surface on a later turn of the event loop than the response that caused them.
    await new Promise((resolve) => setImmediate(resolve));

    const forbidden = cases.flatMap((fuzz, i) => (ALLOWED_STATUSES.includes(statuses[i]!) ? [] : [`${describeCase(fuzz)} -> ${statuses[i]}`]));
    expect(forbidden, `seed ${seed}`).toEqual([]);
    const unexpected = cases.flatMap((fuzz, i) => {
      const wanted = expectedStatus(adapter, fuzz);
      return statuses[i] === wanted ? [] : [`${describeCase(fuzz)} -> ${statuses[i]}, expected ${wanted}`];
    });
    expect(unexpected.slice(0, 20), `seed ${seed}: ${unexpected.length} unexpected statuses`).toEqual([]);
    // The generator must really reach every layer, or the run proves less than it claims.
    const histogram = Object.fromEntries(ALLOWED_STATUSES.map((status) => [status, statuses.filter((s) => s === status).length]));
    console.info(`webhook fuzz on ${adapter}, seed ${seed}: ${JSON.stringify(histogram)}, ${bot.calls} handler calls`);
    for (const status of ALLOWED_STATUSES.filter((s) => s !== 413)) expect(histogram[status], `answers ${status}`).toBeGreaterThan(FUZZ_CASES / 50);
    expect(histogram[200], 'deliveries accepted').toBeGreaterThan(FUZZ_CASES / 4);
    expect(bot.calls, 'events of accepted deliveries reached the handler').toBeGreaterThan(histogram[200]!);

    expect(crashes.crashes).toEqual([]);
    expect(pollutionSince(prototypesBefore)).toEqual([]);

    const before = bot.markers.get('t0') ?? 0;
    const response = await client.send(MessengerEvents.text('still there?', { mid: 'after-the-fuzz', timestamp: MARKER_BASE }));
    expect(response.status).toBe(200);
    expect(bot.markers.get('t0')).toBe(before + 1);
  });

  it('regression: a 5,000-deep value under an own "constructor" key neither crashes the process nor loses events', async () => {
    // class-transformer skips a "constructor" key, so the event validates; the dedupe key then ran JSON.stringify
    // over the raw event outside any try, overflowed the stack, and the rejection escaped as unhandled.
    const read = `{"sender":{"id":"U-deep"},"recipient":{"id":"PAGE_1"},"timestamp":${MARKER_BASE + 900_000_001},"read":{"watermark":1},"constructor":${deepObject(DEEP_NESTING).text}}`;
    const neighbour = JSON.stringify(MessengerEvents.text('hi', { sender: 'U-deep-2', mid: 'deep-neighbour', timestamp: MARKER_BASE + 900_000_002 }));
    const response = await client.send(`{"object":"page","entry":[{"id":"PAGE_1","time":1,"messaging":[${read},${neighbour}]}]}`);
    await new Promise((resolve) => setImmediate(resolve));

    expect(response.status).toBe(200);
    expect(crashes.crashes).toEqual([]);
    expect(bot.markers.get('t900000001'), 'the deep event itself').toBe(1);
    expect(bot.markers.get('t900000002'), 'its neighbour').toBe(1);
  });

  it(`still handles each valid event of ${MIXED_DELIVERIES} deliveries that mix them with malformed events and entries`, { timeout: 60_000 }, async ({ onTestFailed }) => {
    onTestFailed(() => console.error(`mixed deliveries on ${adapter} failed with seed ${seed}: replay with ROBUSTNESS_SEED=${seed}`));
    const rng = new Prng(seed ^ 0x6d1c);
    let marker = 1;
    // `__proto__` and `constructor.prototype` keys are removed on both adapters (Fastify's parser alone would refuse
    // the whole body), so a poisoned event costs none of its neighbours.
    const deliveries = Array.from({ length: MIXED_DELIVERIES }, () => mixedDelivery(rng, () => marker++, { poisonKeys: true }));
    const expected = deliveries.flatMap((mixed) => mixed.markers);
    expect(expected.length).toBeGreaterThan(MIXED_DELIVERIES);

    const statuses = await mapLimit(deliveries, PARALLEL, async (mixed) => (await client.send(toJsonText(mixed.body))).status);
    await new Promise((resolve) => setImmediate(resolve));

    expect(statuses.filter((status) => status !== 200), `seed ${seed}`).toEqual([]);
    const wrongCounts = expected.flatMap((name) => (bot.markers.get(name) === 1 ? [] : [`${name} handled ${bot.markers.get(name) ?? 0} times`]));
    expect(wrongCounts.slice(0, 20), `seed ${seed}: ${wrongCounts.length} of ${expected.length} valid events not handled exactly once`).toEqual([]);
    expect(crashes.crashes).toEqual([]);
    expect(pollutionSince(prototypesBefore)).toEqual([]);
  });
});
