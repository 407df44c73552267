import { signBody } from '../http/signature.js';

/** Returns the `X-Hub-Signature-256` header value Meta would send with `rawBody` for an app with `appSecret`. */
export function signPayload(rawBody: string | Buffer, appSecret: string): string {
  return signBody(rawBody, appSecret);
}
