import { describe, expect, it } from 'vitest';
import { ConversationScheduler, SETTLED } from '../../src/dispatch/conversation-scheduler.js';

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

/** One turn of the event loop: every promise callback queued before it has run. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A task whose answer comes at once while its work goes on until `work` opens (a handler that timed out). */
function answersEarly(started: string[], name: string, work: Gate) {
  return async () => {
    started.push(name);
    return { name, settled: work.promise };
  };
}

describe('ConversationScheduler', () => {
  it('answers a task as soon as its answer is known, but holds its conversation until its work ended', async () => {
    const scheduler = new ConversationScheduler(4);
    const started: string[] = [];
    const first = gate();
    const second = gate();
    const a = scheduler.schedule('U1', answersEarly(started, 'a', first));
    const b = scheduler.schedule('U1', answersEarly(started, 'b', second));
    expect((await a).name).toBe('a');
    await settle();
    expect(started).toEqual(['a']);
    expect(scheduler.pending).toBe(2);
    first.open();
    expect((await b).name).toBe('b');
    expect(started).toEqual(['a', 'b']);
    second.open();
    await scheduler.idle();
    expect(scheduler.pending).toBe(0);
  });

  it('holds the concurrency slot until the work ended, not until the answer', async () => {
    const scheduler = new ConversationScheduler(1);
    const started: string[] = [];
    const work = gate();
    await scheduler.schedule('U1', answersEarly(started, 'a', work));
    const other = scheduler.schedule('U2', answersEarly(started, 'b', gate()));
    await settle();
    expect(started).toEqual(['a']);
    work.open();
    await other;
    expect(started).toEqual(['a', 'b']);
  });

  it('waits in idle() for work still running after its answer', async () => {
    const scheduler = new ConversationScheduler(2);
    const work = gate();
    await scheduler.schedule('U1', answersEarly([], 'a', work));
    let idle = false;
    const waiting = scheduler.idle().then(() => (idle = true));
    await settle();
    expect(idle).toBe(false);
    work.open();
    await waiting;
    expect(idle).toBe(true);
  });

  it('passes a task that throws on to its caller and frees the turn', async () => {
    const scheduler = new ConversationScheduler(1);
    const failing = scheduler.schedule('U1', async (): Promise<{ settled: Promise<void> }> => {
      throw new Error('boom');
    });
    await expect(failing).rejects.toThrow('boom');
    await expect(scheduler.schedule('U1', async () => ({ settled: Promise.resolve(), ok: true }))).resolves.toMatchObject({ ok: true });
  });

  it('frees the slot and the conversation when a task\'s work ends in a rejection', async () => {
    const scheduler = new ConversationScheduler(1);
    const rejected = Promise.reject(new Error('work failed'));
    rejected.catch(() => undefined);
    await scheduler.schedule('U1', async () => ({ settled: rejected }));
    // With the only slot held forever, neither of these would ever start.
    await expect(scheduler.schedule('U1', async () => ({ settled: Promise.resolve(), ok: 'same' }))).resolves.toMatchObject({ ok: 'same' });
    await expect(scheduler.schedule('U2', async () => ({ settled: Promise.resolve(), ok: 'other' }))).resolves.toMatchObject({ ok: 'other' });
    await scheduler.idle();
    expect(scheduler.pending).toBe(0);
  });

  it('passes a task that throws before returning a promise on to its caller and frees the turn', async () => {
    const scheduler = new ConversationScheduler(1);
    const throwing = (): Promise<{ settled: Promise<void> }> => {
      throw new Error('sync boom');
    };
    await expect(scheduler.schedule('U1', throwing)).rejects.toThrow('sync boom');
    await expect(scheduler.schedule('U1', async () => ({ settled: Promise.resolve(), ok: true }))).resolves.toMatchObject({ ok: true });
    await scheduler.idle();
    expect(scheduler.pending).toBe(0);
  });

  it('gives back at once the answer of a task that ran at once and ended with it, and leaves its slot and conversation free', () => {
    const scheduler = new ConversationScheduler(1);
    const first = scheduler.schedule('U1', () => ({ settled: SETTLED, name: 'a' }));
    // Not a promise: the caller can use it in the same turn of the event loop.
    expect(first).toEqual({ settled: SETTLED, name: 'a' });
    expect(scheduler.pending).toBe(0);
    // With the only slot or the conversation still held, these would be promises waiting for a turn.
    expect(scheduler.schedule('U1', () => ({ settled: SETTLED, name: 'b' }))).toEqual({ settled: SETTLED, name: 'b' });
    expect(scheduler.schedule('U2', () => ({ settled: SETTLED, name: 'c' }))).toEqual({ settled: SETTLED, name: 'c' });
  });

  it('keeps the conversation behind a task that answered at once while its work goes on, until that work ends', async () => {
    const scheduler = new ConversationScheduler(4);
    const work = gate();
    const started: string[] = [];
    const first = scheduler.schedule('U1', () => {
      started.push('a');
      return { settled: work.promise };
    });
    expect(first).not.toBeInstanceOf(Promise);
    const second = scheduler.schedule('U1', () => {
      started.push('b');
      return { settled: SETTLED };
    });
    expect(second).toBeInstanceOf(Promise);
    await settle();
    expect(started).toEqual(['a']);
    work.open();
    await second;
    expect(started).toEqual(['a', 'b']);
    await scheduler.idle();
    expect(scheduler.pending).toBe(0);
  });
});
