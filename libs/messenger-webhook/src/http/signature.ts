import { createHmac, timingSafeEqual } from 'node:crypto';
import { hmac } from './hmac.js';

/** Outcome of checking a delivery's signature headers against the app secret(s). */
export type SignatureCheck =
  | { ok: true; algorithm: 'sha256' | 'sha1' }
  | { ok: false; reason: 'missing' | 'malformed' | 'mismatch'; detail: string };

/** What {@link checkSignature} needs besides the body: the headers as received and the accepted secrets. */
export interface SignatureInput {
  /** Value of `X-Hub-Signature-256`, if any. */
  signature256?: string;
  /** Value of the legacy `X-Hub-Signature` (sha1), if any. */
  signature1?: string;
  /** Every secret that may have signed the body (several while a secret is being rotated). */
  secrets: readonly string[];
  /** Accept a sha1 `X-Hub-Signature` when no sha256 header is present. */
  allowSha1: boolean;
}

const SHA256_HEADER = /^sha256=[0-9a-f]{64}$/i;
// The received digest is decoded into these rather than a new Buffer per delivery: checking is synchronous.
const RECEIVED = { sha256: Buffer.alloc(32), sha1: Buffer.alloc(20) };
const OK = { sha256: Object.freeze({ ok: true, algorithm: 'sha256' }), sha1: Object.freeze({ ok: true, algorithm: 'sha1' }) } as const;
const SHA1_HEADER = /^sha1=[0-9a-f]{40}$/i;

/**
 * Checks Meta's HMAC over the raw request bytes. Pure: no Nest, no I/O. The HMAC must run over the bytes
 * Meta sent (it escapes `/` and non-ASCII), never over re-serialised JSON.
 */
export function checkSignature(rawBody: Buffer, input: SignatureInput): SignatureCheck {
  const header256 = input.signature256?.trim();
  if (header256) return compare(rawBody, header256, SHA256_HEADER, 'sha256', input.secrets);
  const header1 = input.signature1?.trim();
  if (header1 && input.allowSha1) return compare(rawBody, header1, SHA1_HEADER, 'sha1', input.secrets);
  if (header1) {
    return {
      ok: false,
      reason: 'missing',
      detail: 'X-Hub-Signature-256 header is missing (a legacy sha1 X-Hub-Signature was sent; set allowSha1Signature: true to accept it)',
    };
  }
  return { ok: false, reason: 'missing', detail: 'X-Hub-Signature-256 header is missing' };
}

function compare(
  rawBody: Buffer,
  header: string,
  format: RegExp,
  algorithm: 'sha256' | 'sha1',
  secrets: readonly string[],
): SignatureCheck {
  // test(), not exec(): no match array per delivery; the digits are read from the header by position.
  if (!format.test(header)) {
    const name = algorithm === 'sha256' ? 'X-Hub-Signature-256' : 'X-Hub-Signature';
    const hexLength = algorithm === 'sha256' ? 64 : 40;
    return { ok: false, reason: 'malformed', detail: `${name} header must be "${algorithm}=" followed by ${hexLength} hex digits` };
  }
  // The pattern allows exactly the digest's length in hex digits, so every byte is written.
  const received = RECEIVED[algorithm];
  received.write(header.slice(header.length - 2 * received.length), 'hex');
  // Every secret is tried even after a match so the time taken does not reveal which one matched.
  let matched = false;
  for (const secret of secrets) {
    const expected = hmac(algorithm, secret, rawBody);
    if (expected.length === received.length && timingSafeEqual(expected, received)) matched = true;
  }
  return matched
    ? OK[algorithm]
    : { ok: false, reason: 'mismatch', detail: 'signature does not match the body: check that appSecret is this app\'s App Secret' };
}

/** Computes the `X-Hub-Signature-256` header value Meta would send for `rawBody`. */
export function signBody(rawBody: string | Buffer, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}
