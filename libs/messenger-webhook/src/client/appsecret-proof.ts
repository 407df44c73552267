import { createHmac } from 'node:crypto';

/** Meta's `appsecret_proof`: the hex HMAC-SHA256 of the access token keyed with the app secret. Pure. */
export function appSecretProof(accessToken: string, appSecret: string): string {
  return createHmac('sha256', appSecret).update(accessToken).digest('hex');
}
