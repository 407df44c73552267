import { describe, expect, it } from 'vitest';
import { RecipientQueue } from '../../src/client/recipient-queue.js';

/** A task that finishes when the test says so, recording when it started. */
function gated(log: string[], name: string) {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  return {
    open: () => open(),
    task: async () => {
      log.push(`start ${name}`);
      await gate;
      log.push(`end ${name}`);
      return name;
    },
  };
}

describe('RecipientQueue', () => {
  it('runs the tasks of one key one at a time, in order, and other keys beside them', async () => {
    const queue = new RecipientQueue();
    const log: string[] = [];
    const a1 = gated(log, 'a1');
    const a2 = gated(log, 'a2');
    const b1 = gated(log, 'b1');
    const results = [queue.run('a', a1.task), queue.run('a', a2.task), queue.run('b', b1.task)];
    await new Promise((resolve) => setImmediate(resolve));
    expect(log).toEqual(['start a1', 'start b1']);
    a2.open();
    b1.open();
    await results[2];
    expect(log).toEqual(['start a1', 'start b1', 'end b1']);
    a1.open();
    expect(await Promise.all(results)).toEqual(['a1', 'a2', 'b1']);
    expect(log).toEqual(['start a1', 'start b1', 'end b1', 'end a1', 'start a2', 'end a2']);
  });

  it('runs the next task after a failed one and hands each caller its own outcome', async () => {
    const queue = new RecipientQueue();
    const first = queue.run('k', async () => {
      throw new Error('first failed');
    });
    const second = queue.run('k', async () => 'second ran');
    await expect(first).rejects.toThrow('first failed');
    await expect(second).resolves.toBe('second ran');
  });

  it('forgets a key once its last task settled, and idle() waits for all keys', async () => {
    const queue = new RecipientQueue();
    const log: string[] = [];
    const tasks = Array.from({ length: 1_000 }, (_, i) => gated(log, String(i)));
    tasks.forEach((task, i) => void queue.run(`user-${i % 100}`, task.task));
    expect(queue.size).toBe(100);
    let idle = false;
    const waiting = queue.idle().then(() => (idle = true));
    tasks.slice(0, 999).forEach((task) => task.open());
    // Every opened task settles within a few turns of the event loop.
    for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(idle).toBe(false);
    expect(queue.size).toBe(1);
    tasks[999]!.open();
    await waiting;
    expect(queue.size).toBe(0);
  });
});
