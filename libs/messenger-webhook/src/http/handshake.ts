import { timingSafeEqual } from 'node:crypto';

/** Query parameters of Meta's verification request (`hub.mode`, `hub.verify_token`, `hub.challenge`). */
export type HandshakeQuery = Record<string, unknown>;

/**
 * Answers Meta's subscription handshake: returns the challenge to echo back, or `null` to refuse. The token
 * is compared in constant time so a caller cannot guess it byte by byte.
 */
export function answerHandshake(query: HandshakeQuery, verifyToken: string): string | null {
  const mode = query['hub.mode'];
  const token = query['hub.verify_token'];
  const challenge = query['hub.challenge'];
  if (mode !== 'subscribe' || typeof token !== 'string' || typeof challenge !== 'string') return null;
  return constantTimeEquals(token, verifyToken) ? challenge : null;
}

/** Compares two strings without leaking, through timing, where they first differ. */
export function constantTimeEquals(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  // timingSafeEqual needs equal lengths; comparing against itself keeps the work the same on a length mismatch.
  if (left.length !== right.length) {
    timingSafeEqual(right, right);
    return false;
  }
  return timingSafeEqual(left, right);
}
