import { describe, expect, it } from 'vitest';
import { ConcurrencyLimiter } from '../../src/dispatch/concurrency-limiter.js';

interface Gate {
  promise: Promise<void>;
  open(): void;
}

function gate(): Gate {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** One turn of the event loop: every promise callback queued before it (a released task's start included) has run. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe('ConcurrencyLimiter', () => {
  it('never runs more than its limit at once, and starts waiting tasks in arrival order as slots free', async () => {
    const limiter = new ConcurrencyLimiter(2);
    const gates = Array.from({ length: 6 }, gate);
    const started: number[] = [];
    let active = 0;
    let maxActive = 0;
    const runs = gates.map((entry, index) =>
      limiter.run(async () => {
        started.push(index);
        active++;
        maxActive = Math.max(maxActive, active);
        await entry.promise;
        active--;
        return index;
      }),
    );

    await settle();
    expect(started).toEqual([0, 1]);

    // Finish out of order: the freed slot still goes to the oldest waiting task.
    gates[1]!.open();
    await settle();
    expect(started).toEqual([0, 1, 2]);
    gates[0]!.open();
    await settle();
    expect(started).toEqual([0, 1, 2, 3]);

    for (const each of gates) each.open();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
    expect(maxActive).toBe(2);
  });

  it('frees the slot of a task that fails, and passes its error on', async () => {
    const limiter = new ConcurrencyLimiter(1);
    const failing = limiter.run(async () => {
      throw new Error('task failed');
    });
    const next = limiter.run(async () => 'next ran');

    await expect(failing).rejects.toThrow('task failed');
    await expect(next).resolves.toBe('next ran');
  });

  it('runs many tasks under load without ever exceeding the limit, starting them first come, first served', async () => {
    const limiter = new ConcurrencyLimiter(3);
    let active = 0;
    let maxActive = 0;
    const started: number[] = [];
    const finished: number[] = [];
    await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        limiter.run(async () => {
          started.push(index);
          active++;
          maxActive = Math.max(maxActive, active);
          for (let step = index % 4; step >= 0; step--) await new Promise((resolve) => setImmediate(resolve));
          active--;
          finished.push(index);
        }),
      ),
    );
    expect(maxActive).toBe(3);
    expect(started).toEqual(Array.from({ length: 50 }, (_, index) => index));
    expect(finished).toHaveLength(50);
    // Tasks of different lengths overlapped, so they did not simply run one after another.
    expect(finished).not.toEqual(started);
  });
});
