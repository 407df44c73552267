import { hash } from 'node:crypto';

/** The digests Meta signs with, and the block size HMAC pads their key to. */
const BLOCK_BYTES = { sha256: 64, sha1: 64 } as const;

/** A digest algorithm Meta signs deliveries with. */
export type HmacAlgorithm = keyof typeof BLOCK_BYTES;

/**
 * HMAC (RFC 2104) of one secret, computed as two one-shot `crypto.hash` calls over the padded key. Same bytes as
 * `createHmac(algorithm, secret).update(data).digest()`, for less: `createHmac` builds an OpenSSL MAC context per call,
 * which on the webhook's hot path cost more than hashing the body itself. The pads are worked out once per secret.
 */
class HmacKey {
  private readonly inner: Buffer;
  private readonly outer: Buffer;

  constructor(
    private readonly algorithm: HmacAlgorithm,
    secret: string,
  ) {
    const block = BLOCK_BYTES[algorithm];
    let key = Buffer.from(secret, 'utf8');
    if (key.length > block) key = hash(algorithm, key, 'buffer');
    this.inner = Buffer.alloc(block, 0x36);
    this.outer = Buffer.alloc(block, 0x5c);
    for (let index = 0; index < key.length; index++) {
      this.inner[index]! ^= key[index]!;
      this.outer[index]! ^= key[index]!;
    }
  }

  digest(data: Buffer): Buffer {
    const inner = hash(this.algorithm, Buffer.concat([this.inner, data], this.inner.length + data.length), 'buffer');
    return hash(this.algorithm, Buffer.concat([this.outer, inner], this.outer.length + inner.length), 'buffer');
  }
}

// Secrets are few (one, two while rotating); the bound only keeps a caller that signs with many from growing it.
const MAX_KEYS = 32;
const keys = new Map<string, HmacKey>();

/** The HMAC of `data` with `secret`, as `createHmac(algorithm, secret).update(data).digest()` gives it. */
export function hmac(algorithm: HmacAlgorithm, secret: string, data: Buffer): Buffer {
  const id = `${algorithm}:${secret}`;
  let key = keys.get(id);
  if (!key) {
    if (keys.size >= MAX_KEYS) keys.clear();
    key = new HmacKey(algorithm, secret);
    keys.set(id, key);
  }
  return key.digest(data);
}
