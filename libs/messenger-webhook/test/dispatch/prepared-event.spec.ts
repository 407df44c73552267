import { describe, expect, it } from 'vitest';
import { prepareDelivery } from '../../src/dispatch/prepared-event.js';
import { MessengerEvents } from '../../src/testing/index.js';

describe('prepareDelivery', () => {
  it('ignores objects other than page and instagram', () => {
    expect(prepareDelivery({ object: 'user', entry: [{ id: '1', time: 1, messaging: [MessengerEvents.text('hello')] }] })).toEqual({ platform: null, events: [] });
  });

  it('gives a messaging[] item its kind, its field per platform, and its conversation', () => {
    const [echo] = prepareDelivery({ object: 'instagram', entry: [{ id: 'IG', time: 1, messaging: [{ sender: { id: 'IG' }, recipient: { id: 'U9' }, message: { mid: 'm', is_echo: true } }] }] }).events;
    expect(echo?.meta).toEqual({ platform: 'instagram', object: 'instagram', pageId: 'IG', time: 1, standby: false, source: 'messaging', kind: 'echo', field: 'messages', eventId: expect.any(String) });
    // The conversation of an echo is the person it went to.
    expect(echo?.conversationKey).toBe('instagram|IG|U9');
  });

  it('reads a messaging event out of a changes[] item, and a flat entry field/value, as the same kind with the field as sent', () => {
    const postback = { sender: { id: 7 }, recipient: { id: 'IG' }, timestamp: 1, postback: { payload: 'GO' } };
    const { events } = prepareDelivery({
      object: 'instagram',
      entry: [
        { id: 'IG', time: 1, changes: [{ field: 'messaging_postbacks', value: postback }] },
        { id: 'IG', time: 2, field: 'messaging_postbacks', value: postback },
        { id: 'IG', time: 3, changes: [{ field: 'standby', value: postback }] },
      ],
    });
    expect(events.map((event) => [event.definition.kind, event.meta.source, event.meta.field, event.meta.standby, event.raw === postback])).toEqual([
      ['postback', 'changes', 'messaging_postbacks', false, true],
      ['postback', 'changes', 'messaging_postbacks', false, true],
      ['postback', 'changes', 'standby', true, true],
    ]);
    expect(events[0]?.conversationKey).toBe('instagram|IG|7');
  });

  it('keys a comment by its author, and changes without a person by the page', () => {
    const { events } = prepareDelivery({ object: 'instagram', entry: [{ id: 'IG', time: 1, changes: [MessengerEvents.comment('nice', { from: '1790000000000001' }), MessengerEvents.mention()] }] });
    expect(events.map((event) => event.conversationKey)).toEqual(['instagram|IG|1790000000000001', 'instagram|IG|']);
  });

  it('keeps unreadable slots as events of kind unknown, so they can be delivered as invalid', () => {
    const { events } = prepareDelivery({ object: 'page', entry: [{ id: 'P', time: 1, messaging: ['x'] }] });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ raw: 'x', definition: { kind: 'unknown' }, slot: { problem: { message: 'is not an object (an event must be one)' } } });
  });
});
