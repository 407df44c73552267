import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkSignature, signBody, type SignatureInput } from '../../src/http/signature.js';

const SECRET = 'app-secret';
// As Meta serialises it: "/" escaped, non-ASCII as \u escapes.
const BODY = Buffer.from('{"object":"page","entry":[{"id":"1","time":1,"messaging":[{"message":{"text":"caf\\u00e9 http:\\/\\/x"}}]}]}');

function sha1(body: Buffer, secret: string): string {
  return `sha1=${createHmac('sha1', secret).update(body).digest('hex')}`;
}

function check(input: Partial<SignatureInput>, body = BODY) {
  return checkSignature(body, { secrets: [SECRET], allowSha1: false, ...input });
}

describe('checkSignature', () => {
  it('accepts the sha256 signature of the raw bytes', () => {
    expect(check({ signature256: signBody(BODY, SECRET) })).toEqual({ ok: true, algorithm: 'sha256' });
  });

  it('accepts upper-case hex and surrounding spaces', () => {
    const signature = signBody(BODY, SECRET);
    expect(check({ signature256: `  sha256=${signature.slice(7).toUpperCase()} ` })).toEqual({ ok: true, algorithm: 'sha256' });
  });

  it('refuses a signature made with another secret as a mismatch', () => {
    expect(check({ signature256: signBody(BODY, 'other-secret') })).toMatchObject({ ok: false, reason: 'mismatch' });
  });

  it('refuses the signature of re-serialised JSON: only the raw bytes count', () => {
    const reserialised = JSON.stringify(JSON.parse(BODY.toString('utf8')));
    expect(reserialised).not.toBe(BODY.toString('utf8'));
    expect(check({ signature256: signBody(reserialised, SECRET) })).toMatchObject({ ok: false, reason: 'mismatch' });
  });

  it('refuses a signature of the right prefix but the wrong length as malformed', () => {
    const valid = signBody(BODY, SECRET);
    expect(check({ signature256: valid.slice(0, -2) })).toMatchObject({ ok: false, reason: 'malformed' });
    expect(check({ signature256: `${valid}00` })).toMatchObject({ ok: false, reason: 'malformed' });
    expect(check({ signature256: 'sha256=' })).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('refuses malformed headers, saying what the header must look like', () => {
    const hex = signBody(BODY, SECRET).slice(7);
    for (const header of [hex, `sha1=${hex}`, `md5=${hex}`, `sha256:${hex}`, `sha256=${'z'.repeat(64)}`, 'garbage']) {
      const result = check({ signature256: header });
      expect(result, header).toMatchObject({ ok: false, reason: 'malformed' });
      expect(result.ok === false && result.detail).toContain('X-Hub-Signature-256 header must be "sha256=" followed by 64 hex digits');
    }
  });

  it('refuses a delivery without signature header as missing', () => {
    expect(check({})).toMatchObject({ ok: false, reason: 'missing', detail: 'X-Hub-Signature-256 header is missing' });
    expect(check({ signature256: '   ' })).toMatchObject({ ok: false, reason: 'missing' });
  });

  it('refuses a legacy sha1 signature unless allowed, and says how to allow it', () => {
    const result = check({ signature1: sha1(BODY, SECRET) });
    expect(result).toMatchObject({ ok: false, reason: 'missing' });
    expect(result.ok === false && result.detail).toContain('allowSha1Signature: true');
  });

  it('accepts a legacy sha1 signature when allowed, and checks it', () => {
    expect(check({ signature1: sha1(BODY, SECRET), allowSha1: true })).toEqual({ ok: true, algorithm: 'sha1' });
    expect(check({ signature1: sha1(BODY, 'other-secret'), allowSha1: true })).toMatchObject({ ok: false, reason: 'mismatch' });
    expect(check({ signature1: 'sha1=abc', allowSha1: true })).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('prefers the sha256 header when both are sent: a wrong sha256 is not saved by a right sha1', () => {
    expect(check({ signature256: signBody(BODY, 'other-secret'), signature1: sha1(BODY, SECRET), allowSha1: true })).toMatchObject({
      ok: false,
      reason: 'mismatch',
    });
  });

  it('accepts any of several secrets while one is rotated, and none other', () => {
    const secrets = ['old-secret', 'new-secret'];
    expect(check({ secrets, signature256: signBody(BODY, 'old-secret') })).toEqual({ ok: true, algorithm: 'sha256' });
    expect(check({ secrets, signature256: signBody(BODY, 'new-secret') })).toEqual({ ok: true, algorithm: 'sha256' });
    expect(check({ secrets, signature256: signBody(BODY, 'retired-secret') })).toMatchObject({ ok: false, reason: 'mismatch' });
  });

  it('refuses a body changed after signing', () => {
    const signature = signBody(BODY, SECRET);
    expect(check({ signature256: signature }, Buffer.concat([BODY, Buffer.from(' ')]))).toMatchObject({ ok: false, reason: 'mismatch' });
  });
});

describe('signBody', () => {
  it('gives the header value Meta sends: sha256= and 64 lower-case hex digits', () => {
    expect(signBody('{}', SECRET)).toBe(`sha256=${createHmac('sha256', SECRET).update('{}').digest('hex')}`);
    expect(signBody(Buffer.from('{}'), SECRET)).toBe(signBody('{}', SECRET));
    expect(signBody('{}', SECRET)).toMatch(/^sha256=[0-9a-f]{64}$/);
  });
});
