import { prng } from '../../libs/messenger-webhook/test/support/prng.js';
/** The seed used when `ROBUSTNESS_SEED` is not set: fixed, so `npm test` is the same run every time. */
export const DEFAULT_SEED = 0x5eed_2026;

/** The seed of this run: `ROBUSTNESS_SEED=<n>` replays a run printed by a failure. */
export function robustnessSeed(): number {
  const fromEnv = process.env.ROBUSTNESS_SEED;
  if (fromEnv === undefined || fromEnv === '') return DEFAULT_SEED;
  const seed = Number(fromEnv);
  if (!Number.isInteger(seed)) throw new Error(`ROBUSTNESS_SEED must be an integer, got "${fromEnv}"`);
  return seed >>> 0;
}

/** A tiny seeded pseudo-random generator (mulberry32): the same seed gives the same sequence on every machine. */
export class Prng {
  private readonly random: () => number;

  /** @param seed any 32-bit integer. */
  constructor(readonly seed: number) {
    this.random = prng(seed);
  }

  /** A float in [0, 1). */
  next(): number {
    return this.random();
  }

  /** An integer in [0, maxExclusive). */
  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }

  /** An integer in [min, max]. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One item of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Prng.pick: empty list');
    return items[this.int(items.length)]!;
  }

  /** One item of a non-empty list of `[weight, item]` pairs, chosen in proportion to the weights. */
  weighted<T>(items: ReadonlyArray<readonly [number, T]>): T {
    const total = items.reduce((sum, [weight]) => sum + weight, 0);
    let roll = this.next() * total;
    for (const [weight, item] of items) {
      roll -= weight;
      if (roll < 0) return item;
    }
    return items[items.length - 1]![1];
  }
}
