import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hmac } from '../../src/http/hmac.js';

// Secrets shorter than, equal to and longer than the 64-byte block (a long one is hashed first), and non-ASCII ones.
const SECRETS = ['', 'a', 'bench-app-secret', 'x'.repeat(63), 'y'.repeat(64), 'z'.repeat(65), 'é'.repeat(40), '🔑'.repeat(30), randomBytes(16).toString('hex')];
// Big then small, around the buffer each secret keeps (about 1 KB at first, grown up to 64 KB): a smaller body after a
// bigger one must hash only its own bytes.
const BODIES = [Buffer.alloc(0), Buffer.from('{"object":"page"}'), randomBytes(64), randomBytes(50_000), randomBytes(2_000), randomBytes(65_472), randomBytes(65_473), randomBytes(1_000_003), randomBytes(300)];

describe('hmac', () => {
  for (const algorithm of ['sha256', 'sha1'] as const) {
    it(`gives the bytes createHmac('${algorithm}') gives, for every secret length and body`, () => {
      for (const secret of SECRETS) {
        for (const body of BODIES) {
          expect(hmac(algorithm, secret, body).toString('hex'), `secret of ${secret.length} chars, body of ${body.length} bytes`).toBe(
            createHmac(algorithm, secret).update(body).digest('hex'),
          );
        }
      }
    });
  }

  it('keeps giving the right bytes past the number of secrets it remembers', () => {
    const body = Buffer.from('{"object":"page","entry":[]}');
    for (let round = 0; round < 2; round++) {
      for (let index = 0; index < 100; index++) {
        const secret = `secret-${index}`;
        expect(hmac('sha256', secret, body).equals(createHmac('sha256', secret).update(body).digest())).toBe(true);
      }
    }
  });
});
