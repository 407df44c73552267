import { describe, expect, it } from 'vitest';
import { envelopeProblem, eventSlots, platformOf, slotPath, type WebhookEnvelope } from '../../src/delivery/envelope.js';

const message = { sender: { id: 'U' }, recipient: { id: 'P' }, timestamp: 1, message: { mid: 'm', text: 'hi' } };

function slots(entry: unknown[]) {
  return eventSlots({ object: 'page', entry } as WebhookEnvelope);
}

describe('envelopeProblem and platformOf', () => {
  it('accepts an object with a string object and an entry array, whatever else it holds', () => {
    expect(envelopeProblem({ object: 'page', entry: [] })).toBeNull();
    expect(envelopeProblem({ object: 'whatsapp_business_account', entry: [], extra: 1 })).toBeNull();
  });

  it('names what is wrong with the outer shape', () => {
    expect(envelopeProblem(null)).toMatch(/JSON object/);
    expect(envelopeProblem([])).toMatch(/JSON object/);
    expect(envelopeProblem({ entry: [] })).toMatch(/body\.object/);
    expect(envelopeProblem({ object: 'page', entry: {} })).toMatch(/body\.entry must be an array/);
  });

  it('maps page to Messenger and instagram to Instagram, nothing else', () => {
    expect(platformOf('page')).toBe('messenger');
    expect(platformOf('instagram')).toBe('instagram');
    expect(platformOf('user')).toBeNull();
  });
});

describe('eventSlots', () => {
  it('lists messaging, standby and changes items of every entry, in order, with where they sat', () => {
    const result = slots([
      { id: 'P1', time: 5, messaging: [message, message], changes: [{ field: 'feed', value: {} }] },
      { id: 'P2', time: 6, standby: [message] },
    ]);
    expect(result.map((slot) => [slot.pageId, slotPath(slot), slot.source, slot.time])).toEqual([
      ['P1', 'entry[0].messaging[0]', 'messaging', 5],
      ['P1', 'entry[0].messaging[1]', 'messaging', 5],
      ['P1', 'entry[0].changes[0]', 'changes', 5],
      ['P2', 'entry[1].standby[0]', 'standby', 6],
    ]);
    expect(result.every((slot) => slot.problem === undefined)).toBe(true);
  });

  it("reads an entry's flat field / value as one more changes item", () => {
    const [flat, ...rest] = slots([{ id: 'IG', time: 1, field: 'messaging_postbacks', value: { postback: {} } }]);
    expect(rest).toEqual([]);
    expect(flat).toMatchObject({ raw: { field: 'messaging_postbacks', value: { postback: {} } }, source: 'changes', index: -1, pageId: 'IG' });
    expect(slotPath(flat!)).toBe('entry[0]');
  });

  it('reads numeric ids as strings, and time as a number, a numeric string or an ISO date', () => {
    const result = slots([
      { id: 12345654332, time: '1458692752478', messaging: [message] },
      { id: 'P', time: '2024-05-01T10:00:00+0000', messaging: [message] },
      { id: 'P', time: 1485964826, messaging: [message] },
    ]);
    expect(result.map((slot) => [slot.pageId, slot.time])).toEqual([
      ['12345654332', 1458692752478],
      ['P', Date.UTC(2024, 4, 1, 10)],
      ['P', 1485964826],
    ]);
  });

  it('an unreadable time costs nothing: the events are listed with time undefined', () => {
    for (const time of [undefined, null, 'yesterday', {}, Number.NaN]) {
      const [slot] = slots([{ id: 'P', time, messaging: [message] }]);
      expect(slot).toMatchObject({ raw: message, pageId: 'P', time: undefined });
      expect(slot?.problem).toBeUndefined();
    }
  });

  it('lists what cannot be an event too, each with its problem, so nothing vanishes', () => {
    const result = slots(['not an entry', { time: 1, messaging: [message] }, { id: 'P', messaging: [42, message], standby: { not: 'a list' } }]);
    expect(result.map((slot) => [slotPath(slot), slot.problem?.message])).toEqual([
      ['entry[0]', 'is not an object (an entry must be one)'],
      ['entry[1].messaging[0]', 'its entry has no id (entry[1].id must be a string or a number): whose event it is is unknown'],
      ['entry[2].messaging[0]', 'is not an object (an event must be one)'],
      ['entry[2].messaging[1]', undefined],
      ['entry[2]', 'entry[2].standby must be an array'],
    ]);
    expect(result[0]?.raw).toBe('not an entry');
    expect(result[4]?.raw).toEqual({ not: 'a list' });
  });

  it('an empty entry, or one with empty lists, has no events', () => {
    expect(slots([{ id: 'P', time: 1 }, { id: 'P', time: 1, messaging: [], changes: [] }])).toEqual([]);
  });
});
