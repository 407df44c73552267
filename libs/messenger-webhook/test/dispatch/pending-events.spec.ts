import { describe, expect, it } from 'vitest';
import { PendingEvents } from '../../src/dispatch/pending-events.js';

describe('PendingEvents', () => {
  it('is full once limit events are pending, and no longer once they finished', () => {
    const pending = new PendingEvents(3);
    const ledger = pending.open();
    ledger.add(2);
    expect(pending.full).toBe(false);
    pending.open().add(1);
    expect(pending.full).toBe(true);
    ledger.start();
    ledger.finish();
    expect(pending.full).toBe(false);
    expect(pending.counts().total).toBe(2);
  });

  it('counts as acknowledged only the unfinished events of acknowledged deliveries, running and waiting apart', () => {
    const pending = new PendingEvents(100);
    const answered = pending.open();
    answered.add(4);
    answered.start();
    answered.start();
    answered.finish();
    const open = pending.open();
    open.add(5);
    open.start();
    expect(pending.counts()).toEqual({ total: 8, acknowledged: 0, acknowledgedRunning: 0, acknowledgedWaiting: 0 });
    answered.acknowledge();
    answered.acknowledge();
    expect(pending.counts()).toEqual({ total: 8, acknowledged: 3, acknowledgedRunning: 1, acknowledgedWaiting: 2 });
    answered.start();
    answered.finish();
    answered.finish();
    expect(pending.counts()).toEqual({ total: 6, acknowledged: 1, acknowledgedRunning: 0, acknowledgedWaiting: 1 });
  });
});
