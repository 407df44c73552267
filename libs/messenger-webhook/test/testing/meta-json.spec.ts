import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { metaStringify, signPayload } from 'nestjs-messenger-webhook/testing';

describe('metaStringify', () => {
  const value = { text: 'café à 5/5 \u{1F44D}', url: 'https://example.com/a/b', list: [1, true, null, { nested: 'é' }] };

  it('parses back to the same value', () => {
    expect(JSON.parse(metaStringify(value))).toEqual(value);
  });

  it('escapes "/" and non-ASCII the way Meta does, in lowercase hex', () => {
    const json = metaStringify(value);
    expect(json).toContain('caf\\u00e9 \\u00e0 5\\/5 \\ud83d\\udc4d');
    expect(json).toContain('https:\\/\\/example.com\\/a\\/b');
    expect(json).toMatch(/^[\x20-\x7e]*$/);
  });

  it('gives other bytes than JSON.stringify, so a server must verify the raw body', () => {
    expect(metaStringify(value)).not.toBe(JSON.stringify(value));
    expect(metaStringify({ plain: 'ascii only' })).toBe(JSON.stringify({ plain: 'ascii only' }));
  });

  it('keeps a backslash before a slash unambiguous', () => {
    expect(JSON.parse(metaStringify({ path: 'a\\/b' }))).toEqual({ path: 'a\\/b' });
  });

  it('refuses values without a JSON form', () => {
    expect(() => metaStringify(undefined)).toThrow(TypeError);
  });
});

describe('signPayload', () => {
  it('returns the X-Hub-Signature-256 value: sha256= and the HMAC of the exact bytes', () => {
    const raw = metaStringify({ text: 'é' });
    const expected = createHmac('sha256', 'secret').update(Buffer.from(raw, 'utf8')).digest('hex');
    expect(signPayload(raw, 'secret')).toBe(`sha256=${expected}`);
    expect(signPayload(Buffer.from(raw), 'secret')).toBe(`sha256=${expected}`);
  });
});
