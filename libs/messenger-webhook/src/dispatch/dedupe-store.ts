/**
 * Remembers which events were already seen so a redelivery by Meta reaches no handler twice. Implement it over a
 * shared store (Redis `SET key 1 NX PX ttl`, say) when several instances of the app receive the same webhook.
 */
export interface DedupeStore {
  /** Records `key` for `ttlMs` and returns whether it was already recorded (and not expired). */
  checkAndSet(key: string, ttlMs: number): boolean | Promise<boolean>;
}

/**
 * The default {@link DedupeStore}: a process-local map with a time to live and a bound on its size, so memory
 * stays flat however many events pass. The oldest keys go first when the bound is reached.
 */
export class InMemoryDedupeStore implements DedupeStore {
  // A Map iterates in insertion order, so its first key is always the oldest: eviction is O(1).
  private readonly expiries = new Map<string, number>();

  /** @param maxEntries how many keys to keep at most. */
  constructor(private readonly maxEntries = 50_000) {}

  /** @inheritdoc */
  checkAndSet(key: string, ttlMs: number): boolean {
    const now = Date.now();
    const expiry = this.expiries.get(key);
    if (expiry !== undefined && expiry > now) return true;
    if (expiry !== undefined) this.expiries.delete(key);
    this.expiries.set(key, now + ttlMs);
    this.evict(now);
    return false;
  }

  /** How many keys are held now (expired ones may still count until evicted). */
  get size(): number {
    return this.expiries.size;
  }

  private evict(now: number): void {
    for (const [key, expiry] of this.expiries) {
      if (this.expiries.size <= this.maxEntries && expiry > now) return;
      this.expiries.delete(key);
    }
  }
}
