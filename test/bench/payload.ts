import { signBody } from 'nestjs-messenger-webhook';

/** Verify Token of every bench server (the GET handshake is not benchmarked). */
export const VERIFY_TOKEN = 'bench-verify-token';
/** App Secret that signs every bench delivery. */
export const APP_SECRET = 'bench-app-secret';
/** Page that receives the bench deliveries. */
export const PAGE_ID = '104729381234567';

/** A text message as Meta sends it; `mid` is made unique by `index` (and `batch`, for the in-process bench). */
export function messageEvent(index: number, senders: number, batch = 0): Record<string, unknown> {
  return {
    sender: { id: `2465${String(index % senders).padStart(12, '0')}` },
    recipient: { id: PAGE_ID },
    timestamp: 1_700_000_000_000 + index,
    message: {
      mid: `m_bench-${batch}-${index}-AQHRb8cNUmvwQp3uIKcdkbs6vvMthFtbq3B_l5Ru1TnfL9iW8Be4n0gLvYQIbYZJ`,
      text: `Hello, is the blue jacket still available in size ${index % 5}?`,
    },
  };
}

/** A one-entry Messenger delivery holding `count` message events from `senders` people, mids distinct. */
export function deliveryBody(count: number, senders: number, batch = 0): { object: string; entry: unknown[] } {
  const messaging = Array.from({ length: count }, (_unused, index) => messageEvent(index, senders, batch));
  return { object: 'page', entry: [{ id: PAGE_ID, time: 1_700_000_000_000, messaging }] };
}

/** The bytes and headers of a signed delivery, serialised once so every request sends the same body. */
export function signedDelivery(count: number, senders: number): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify(deliveryBody(count, senders));
  return { body, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, APP_SECRET) } };
}
