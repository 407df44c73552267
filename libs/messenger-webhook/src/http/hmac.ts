import { hash } from 'node:crypto';

/** The digests Meta signs with, and the block size HMAC pads their key to. */
const BLOCK_BYTES = { sha256: 64, sha1: 64 } as const;
/** The length of each digest, in bytes. */
const DIGEST_BYTES = { sha256: 32, sha1: 20 } as const;
/**
 * The size of the buffer kept per secret (its pad, then the body): bodies up to this size less the pad are hashed from
 * it, bigger ones get one of their own (rare, and short-lived). The body's bytes are cleared once hashed.
 */
const KEPT_SCRATCH_BYTES = 64 * 1024;

/** A digest algorithm Meta signs deliveries with. */
export type HmacAlgorithm = keyof typeof BLOCK_BYTES;

/**
 * HMAC (RFC 2104) of one secret, computed as two one-shot `crypto.hash` calls over the padded key. Same bytes as
 * `createHmac(algorithm, secret).update(data).digest()`, for less: `createHmac` builds an OpenSSL MAC context per call,
 * which on the webhook's hot path cost more than hashing the body itself. The pads are worked out once per secret, and
 * each hash reads a buffer kept for it rather than a concatenation made per call: the webhook checks signatures
 * synchronously, so one buffer per secret is never used by two checks at once, and every byte saved per request is
 * garbage the collector does not copy (the inner digest comes back as a latin1 ('binary') string, written straight into place).
 */
class HmacKey {
  private readonly block: number;
  /** The inner pad, then the body (grown to the biggest body seen, up to KEPT_SCRATCH_BYTES). */
  private inner: Buffer;
  /** The outer pad, then the inner digest. */
  private readonly outer: Buffer;

  constructor(
    private readonly algorithm: HmacAlgorithm,
    secret: string,
  ) {
    const block = BLOCK_BYTES[algorithm];
    this.block = block;
    let key = Buffer.from(secret, 'utf8');
    if (key.length > block) key = hash(algorithm, key, 'buffer');
    this.inner = Buffer.alloc(block + 1024, 0x36);
    this.outer = Buffer.alloc(block + DIGEST_BYTES[algorithm], 0x5c);
    for (let index = 0; index < key.length; index++) {
      this.inner[index]! ^= key[index]!;
      this.outer[index]! ^= key[index]!;
    }
  }

  digest(data: Buffer): Buffer {
    const { block } = this;
    const length = block + data.length;
    let inner = this.inner;
    if (inner.length < length) {
      inner = Buffer.allocUnsafe(length);
      this.inner.copy(inner, 0, 0, block);
      if (length <= KEPT_SCRATCH_BYTES) this.inner = inner;
    }
    data.copy(inner, block);
    // 'binary' is latin1: one char per byte, so the digest goes back into bytes as it came.
    this.outer.write(hash(this.algorithm, inner.subarray(0, length), 'binary'), block, 'binary');
    // The kept buffer must not hold the last delivery (people's messages) until the next one comes.
    inner.fill(0, block, length);
    return hash(this.algorithm, this.outer, 'buffer');
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
