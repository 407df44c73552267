import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InMemoryDedupeStore } from '../../src/dispatch/dedupe-store.js';

describe('InMemoryDedupeStore', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('says whether a key was seen, and records it', () => {
    const store = new InMemoryDedupeStore();
    expect(store.checkAndSet('a', 1_000)).toBe(false);
    expect(store.checkAndSet('a', 1_000)).toBe(true);
    expect(store.checkAndSet('b', 1_000)).toBe(false);
    expect(store.size).toBe(2);
  });

  it('forgets a key once its ttl has passed, not before', () => {
    const store = new InMemoryDedupeStore();
    store.checkAndSet('a', 1_000);

    vi.advanceTimersByTime(999);
    expect(store.checkAndSet('a', 1_000)).toBe(true);

    // The second check did not extend the first ttl: it ends 1000 ms after the key was first recorded.
    vi.advanceTimersByTime(1);
    expect(store.checkAndSet('a', 1_000)).toBe(false);
    expect(store.checkAndSet('a', 1_000)).toBe(true);
  });

  it('drops expired keys as new ones come, so the size does not grow with old traffic', () => {
    const store = new InMemoryDedupeStore();
    for (let index = 0; index < 100; index++) store.checkAndSet(`old-${index}`, 1_000);
    vi.advanceTimersByTime(1_001);
    store.checkAndSet('new', 1_000);
    expect(store.size).toBe(1);
  });

  it('keeps at most maxEntries keys, forgetting the oldest first', () => {
    const store = new InMemoryDedupeStore(3);
    for (const key of ['k1', 'k2', 'k3', 'k4', 'k5']) store.checkAndSet(key, 60_000);

    expect(store.size).toBe(3);
    // The newest are still known ...
    expect(store.checkAndSet('k5', 60_000)).toBe(true);
    expect(store.checkAndSet('k4', 60_000)).toBe(true);
    expect(store.checkAndSet('k3', 60_000)).toBe(true);
    // ... the oldest were forgotten.
    expect(store.checkAndSet('k1', 60_000)).toBe(false);
    expect(store.size).toBe(3);
  });
});
