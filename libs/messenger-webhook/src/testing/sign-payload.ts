import { createHmac } from 'node:crypto';
import { signBody } from '../http/signature.js';

/** The digest of a signature header: `'sha256'` for `X-Hub-Signature-256`, `'sha1'` for the legacy `X-Hub-Signature`. */
export type SignatureAlgorithm = 'sha256' | 'sha1';

/**
 * Returns the header value Meta would send with `rawBody` for an app with `appSecret`: `sha256=...` for
 * `X-Hub-Signature-256` (default), or `sha1=...` for the legacy `X-Hub-Signature` Meta still sends beside it.
 */
export function signPayload(rawBody: string | Buffer, appSecret: string, algorithm: SignatureAlgorithm = 'sha256'): string {
  return algorithm === 'sha1' ? `sha1=${createHmac('sha1', appSecret).update(rawBody).digest('hex')}` : signBody(rawBody, appSecret);
}
