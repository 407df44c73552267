import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HandlerWatchdog, TIMED_OUT } from '../../src/dispatch/handler-watchdog.js';

describe('HandlerWatchdog', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('settles with the call value when the call finishes in time', async () => {
    const watchdog = new HandlerWatchdog(100);
    await expect(watchdog.watch(Promise.resolve('done'))).resolves.toBe('done');
  });

  it('settles with TIMED_OUT once the call ran past the timeout, and not before', async () => {
    const watchdog = new HandlerWatchdog(100);
    let result: unknown = 'pending';
    void watchdog.watch(new Promise<never>(() => {})).then((value) => (result = value));
    await vi.advanceTimersByTimeAsync(95);
    expect(result).toBe('pending');
    await vi.advanceTimersByTimeAsync(15);
    expect(result).toBe(TIMED_OUT);
  });

  it('times out each call on its own deadline', async () => {
    const watchdog = new HandlerWatchdog(100);
    const results: unknown[] = [];
    void watchdog.watch(new Promise<never>(() => {})).then((value) => results.push(['first', value]));
    await vi.advanceTimersByTimeAsync(60);
    let finish!: (value: string) => void;
    void watchdog.watch(new Promise<string>((resolve) => (finish = resolve))).then((value) => results.push(['second', value]));
    await vi.advanceTimersByTimeAsync(50);
    expect(results).toEqual([['first', TIMED_OUT]]);
    finish('late but in time');
    await vi.advanceTimersByTimeAsync(0);
    expect(results).toEqual([['first', TIMED_OUT], ['second', 'late but in time']]);
  });

  it('stops its timer when nothing is watched, so an idle process can exit', async () => {
    const watchdog = new HandlerWatchdog(100);
    await watchdog.watch(Promise.resolve(1));
    await vi.advanceTimersByTimeAsync(10);
    expect(vi.getTimerCount()).toBe(0);
  });
});
