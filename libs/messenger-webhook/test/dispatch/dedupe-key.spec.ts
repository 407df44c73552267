import { describe, expect, it } from 'vitest';
import { eventSlots } from '../../src/delivery/envelope.js';
import { dedupeKey } from '../../src/dispatch/dedupe-key.js';
import { prepareDelivery, type PreparedEvent } from '../../src/dispatch/prepared-event.js';

const user = { sender: { id: 'U1' }, recipient: { id: 'P1' } };

function prepared(list: 'messaging' | 'standby' | 'changes', item: unknown, options: { object?: string; pageId?: unknown } = {}): PreparedEvent {
  const delivery = prepareDelivery({ object: options.object ?? 'page', entry: [{ id: options.pageId ?? 'P1', time: 1, [list]: [item] }] });
  return delivery.events[0]!;
}

const key = (list: 'messaging' | 'standby' | 'changes', item: unknown, options?: { object?: string; pageId?: unknown }) => dedupeKey(prepared(list, item, options));

describe('dedupeKey', () => {
  it('a message is the same message by its mid, whatever else differs (a redelivery may be re-serialised)', () => {
    const a = key('messaging', { ...user, timestamp: 1, message: { mid: 'm1', text: 'hi' } });
    const b = key('messaging', { ...user, timestamp: 2, message: { mid: 'm1', text: 'hi again' } });
    expect(a).toBe(b);
  });

  it('a mid sent as a number is the same mid as its string', () => {
    expect(key('messaging', { ...user, message: { mid: 123 } })).toBe(key('messaging', { ...user, message: { mid: '123' } }));
  });

  it('a message delivered in messaging[] and again as a changes[] item is the same message', () => {
    const event = { ...user, timestamp: 1, message: { mid: 'm1', text: 'hi' } };
    expect(key('changes', { field: 'messages', value: event })).toBe(key('messaging', event));
  });

  it('tells apart what must never collide: other mids, pages, objects, kinds, standby, an Instagram deletion', () => {
    const base = { ...user, timestamp: 1, message: { mid: 'm1', text: 'hi' } };
    const keys = new Set([
      key('messaging', base),
      key('messaging', { ...base, message: { mid: 'm2', text: 'hi' } }),
      key('messaging', base, { pageId: 'P2' }),
      key('messaging', base, { object: 'instagram' }),
      key('standby', base),
      key('messaging', { ...base, message: { mid: 'm1', is_deleted: true } }),
      key('messaging', { ...base, message: { mid: 'm1', is_echo: true } }),
    ]);
    expect(keys.size).toBe(7);
    // Field standby of changes[] is the standby list in another form.
    expect(key('changes', { field: 'standby', value: base })).toBe(key('standby', base));
  });

  it('a mid-less event is keyed by everything it carries: a react and its unreact, two postbacks, differ', () => {
    const react = { ...user, timestamp: 5, reaction: { mid: 'm1', action: 'react', reaction: 'love' } };
    const unreact = { ...user, timestamp: 5, reaction: { mid: 'm1', action: 'unreact' } };
    expect(key('messaging', react)).not.toBe(key('messaging', unreact));
    expect(key('messaging', react)).toBe(key('messaging', structuredClone(react)));
    const postback = { ...user, timestamp: 5, postback: { payload: 'A' } };
    expect(key('messaging', postback)).not.toBe(key('messaging', { ...postback, postback: { payload: 'B' } }));
  });

  it('changes items and unreadable items get a key too', () => {
    expect(key('changes', { field: 'feed', value: { post_id: '1' } })).not.toBe(key('changes', { field: 'feed', value: { post_id: '2' } }));
    expect(key('messaging', 42)).toMatch(/^page\|P1\|unknown\|m\|/);
    expect(typeof key('messaging', null)).toBe('string');
  });

  it('is a pure function of the prepared event', () => {
    const event = prepared('messaging', { ...user, timestamp: 9, read: { watermark: 8 } });
    expect(dedupeKey(event)).toBe(dedupeKey(event));
    expect(eventSlots({ object: 'page', entry: [] })).toEqual([]);
  });
});
