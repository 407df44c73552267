import { createHmac, timingSafeEqual } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { MessengerWebhookModule } from 'nestjs-messenger-webhook';
import { createMessengerTestClient, MessengerEvents, metaStringify, webhookBody, type MessengerTestClient } from 'nestjs-messenger-webhook/testing';
import { checkSignature } from '../../libs/messenger-webhook/src/http/signature.js';
import { ADAPTERS, APP_SECRET, createTestApp, VERIFY_TOKEN } from '../support/app.js';
import { RecordingBot } from './harness.js';

// The library's own `timingSafeEqual` is wrapped (it still compares for real), so a test can see that the
// constant-time comparison is the one that decides, and that it is never handed buffers of different lengths
// (it throws on those).
vi.mock('node:crypto', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:crypto')>();
  return { ...original, timingSafeEqual: vi.fn(original.timingSafeEqual) };
});

const body = metaStringify(webhookBody(MessengerEvents.text('hi', { mid: 'signed-once' })));
const rightHex = createHmac('sha256', APP_SECRET).update(body).digest('hex');
/** The right signature with its last hex digit changed: same length, one digit wrong. */
const oneDigitOff = rightHex.slice(0, -1) + (rightHex.endsWith('0') ? '1' : '0');
const WRONG_SIGNATURES = {
  'one digit off (64 hex)': { header: `sha256=${oneDigitOff}`, status: 403 },
  'another secret (64 hex)': { header: `sha256=${createHmac('sha256', 'another-secret').update(body).digest('hex')}`, status: 403 },
  'too short (62 hex)': { header: `sha256=${rightHex.slice(0, 62)}`, status: 401 },
  'too long (66 hex)': { header: `sha256=${rightHex}ab`, status: 401 },
  'not hex (64 chars)': { header: `sha256=${'z'.repeat(64)}`, status: 401 },
  'odd length (63 hex)': { header: `sha256=${rightHex.slice(0, 63)}`, status: 401 },
} as const;

const compare = vi.mocked(timingSafeEqual);

describe('checkSignature (library source, no HTTP)', () => {
  const raw = Buffer.from(body);
  const input = { secrets: [APP_SECRET], allowSha1: false };
  // A block body: a function returned from beforeEach would be run as a cleanup hook.
  beforeEach(() => {
    compare.mockClear();
  });

  it('accepts the right signature through timingSafeEqual on equal-length digests', () => {
    expect(checkSignature(raw, { ...input, signature256: `sha256=${rightHex}` })).toEqual({ ok: true, algorithm: 'sha256' });
    expect(compare).toHaveBeenCalledTimes(1);
    const [a, b] = compare.mock.calls[0]!;
    expect((a as Buffer).length).toBe(32);
    expect((b as Buffer).length).toBe(32);
  });

  it('refuses a wrong signature of the right length as a mismatch, comparing in constant time', () => {
    expect(() => checkSignature(raw, { ...input, signature256: `sha256=${oneDigitOff}` })).not.toThrow();
    expect(checkSignature(raw, { ...input, signature256: `sha256=${oneDigitOff}` })).toMatchObject({ ok: false, reason: 'mismatch' });
    expect(compare).toHaveBeenCalled();
  });

  it.each(['too short (62 hex)', 'too long (66 hex)', 'not hex (64 chars)', 'odd length (63 hex)'] as const)(
    'refuses a signature %s as malformed without throwing and without comparing',
    (name) => {
      const header = WRONG_SIGNATURES[name].header;
      expect(() => checkSignature(raw, { ...input, signature256: header })).not.toThrow();
      expect(checkSignature(raw, { ...input, signature256: header })).toMatchObject({ ok: false, reason: 'malformed' });
      expect(compare).not.toHaveBeenCalled();
    },
  );

  it('tries every secret even after one matched, so the time taken does not tell which one did', () => {
    const result = checkSignature(raw, { ...input, secrets: [APP_SECRET, 'old-secret', 'older-secret'], signature256: `sha256=${rightHex}` });
    expect(result).toEqual({ ok: true, algorithm: 'sha256' });
    expect(compare).toHaveBeenCalledTimes(3);
  });

  it('refuses a legacy sha1 signature of a wrong length or value without throwing', () => {
    const sha1 = createHmac('sha1', APP_SECRET).update(raw).digest('hex');
    const legacy = { ...input, allowSha1: true };
    expect(checkSignature(raw, { ...legacy, signature1: `sha1=${sha1}` })).toEqual({ ok: true, algorithm: 'sha1' });
    expect(checkSignature(raw, { ...legacy, signature1: `sha1=${sha1.slice(0, 38)}` })).toMatchObject({ ok: false, reason: 'malformed' });
    expect(checkSignature(raw, { ...legacy, signature1: `sha1=${'0'.repeat(40)}` })).toMatchObject({ ok: false, reason: 'mismatch' });
  });
});

describe.each(ADAPTERS)('wrong signatures over HTTP on %s', (adapter) => {
  let app: INestApplication;
  let client: MessengerTestClient;
  let bot: RecordingBot;
  beforeAll(async () => {
    app = await createTestApp(adapter, {
      imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET })],
      providers: [RecordingBot],
    });
    client = createMessengerTestClient(app);
    bot = app.get(RecordingBot);
  });
  afterAll(() => app?.close());
  beforeEach(() => {
    compare.mockClear();
  });

  it.each(Object.entries(WRONG_SIGNATURES))('refuses a signature %s with its 4xx, never a 500, and runs no handler', async (_name, wrong) => {
    const response = await client.send(body, { secret: null, headers: { 'x-hub-signature-256': wrong.header } });
    expect(response.status).toBe(wrong.status);
    expect(bot.calls).toBe(0);
    // Equal lengths reach the constant-time comparison; the others are refused by their shape before it.
    if (wrong.status === 403) expect(compare).toHaveBeenCalled();
    else expect(compare).not.toHaveBeenCalled();
  });

  it('accepts the right signature of the same body afterwards', async () => {
    const response = await client.send(body);
    expect(response.status).toBe(200);
    expect(bot.calls).toBe(1);
  });
});
