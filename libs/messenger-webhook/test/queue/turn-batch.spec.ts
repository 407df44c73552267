import { describe, expect, it } from 'vitest';
import { TurnBatch } from '../../src/queue/turn-batch.js';

/** A write whose outcome the test decides, recording what it was given. */
function controlledWrites() {
  const calls: Array<{ items: string[]; release: () => void; resolve: (replies: string[]) => void; reject: (error: Error) => void }> = [];
  const write = (items: string[], release: () => void) =>
    new Promise<string[]>((resolve, reject) => {
      calls.push({ items, release, resolve, reject });
    });
  return { calls, write };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** A serial batch with `a` written and in flight, and `b` submitted a turn later, waiting behind it. */
async function secondWaitingBehindFirst() {
  const { calls, write } = controlledWrites();
  const batch = new TurnBatch<string, string>(write, 100, true);
  const first = batch.submit(['a']);
  await nextTurn();
  const second = batch.submit(['b']);
  await nextTurn();
  return { calls, batch, first, second };
}

describe('TurnBatch', () => {
  it('coalesces what arrives in one turn into one write, and gives each caller its own replies', async () => {
    const batch = new TurnBatch<string, string>(async (items) => items.map((item) => item.toUpperCase()), 100);
    expect(await Promise.all([batch.submit(['a', 'b']), batch.submit(['c'])])).toEqual([['A', 'B'], ['C']]);
  });

  it('in serial mode sends what arrives while a write is in flight as one write once it is released', async () => {
    const { calls, batch, first, second } = await secondWaitingBehindFirst();
    const third = batch.submit(['c']);
    await nextTurn();
    expect(calls.map((call) => call.items)).toEqual([['a']]);
    // The writer releases before it settles (the edge, once its script is answered): the next write goes at once.
    calls[0]!.release();
    expect(calls.map((call) => call.items)).toEqual([['a'], ['b', 'c']]);
    calls[1]!.resolve(['B', 'C']);
    calls[0]!.resolve(['A']);
    expect(await Promise.all([first, second, third])).toEqual([['A'], ['B'], ['C']]);
  });

  it('in serial mode releases a write that settles without releasing, failed or not', async () => {
    const { calls, first, second } = await secondWaitingBehindFirst();
    calls[0]!.reject(new Error('Redis went away'));
    await expect(first).rejects.toThrow('Redis went away');
    expect(calls.map((call) => call.items)).toEqual([['a'], ['b']]);
    calls[1]!.resolve(['B']);
    expect(await second).toEqual(['B']);
  });

  it('rejects the callers of a write that throws, and goes on with the next', async () => {
    let throws = true;
    const batch = new TurnBatch<string, string>((items) => {
      if (throws) {
        throws = false;
        throw new Error('bad arguments');
      }
      return Promise.resolve(items);
    }, 100, true);
    await expect(batch.submit(['a'])).rejects.toThrow('bad arguments');
    expect(await batch.submit(['b'])).toEqual(['b']);
  });

  it('never splits a caller, bounds a write by maxEvents, and drops callers whose deadline passed while they waited', async () => {
    const { calls, write } = controlledWrites();
    const batch = new TurnBatch<string, string>(write, 3, true);
    const first = batch.submit(['a']);
    await nextTurn();
    const big = batch.submit(['b', 'c']);
    const next = batch.submit(['d', 'e']);
    // This caller gave up already (its webhook answered 503): it must not be written after it.
    const late = batch.submit(['x'], Date.now() - 1);
    await nextTurn();
    calls[0]!.resolve(['A']);
    await first;
    await expect(late).rejects.toThrow('deadline');
    expect(calls.map((call) => call.items)).toEqual([['a'], ['b', 'c']]);
    calls[1]!.resolve(['B', 'C']);
    await big;
    expect(calls.map((call) => call.items)).toEqual([['a'], ['b', 'c'], ['d', 'e']]);
    calls[2]!.resolve(['D', 'E']);
    expect(await next).toEqual(['D', 'E']);
  });
});
