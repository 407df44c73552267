import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { prepareDelivery } from '../../src/dispatch/prepared-event.js';
import { decodeEntry, encodeEntry, entryId } from '../../src/queue/queued-entry.js';

const envelope = {
  object: 'instagram',
  entry: [
    {
      id: 'IG_1',
      time: 1_700_000_000_000,
      messaging: [{ sender: { id: 'IG_USER' }, recipient: { id: 'IG_1' }, timestamp: 1, message: { mid: 'm/1 é', text: 'a b  c' } }],
      standby: [{ sender: { id: 'IG_1' }, recipient: { id: 'IG_USER' }, timestamp: 2, message: { mid: 'm2', is_echo: true, text: 'echo' } }],
    },
  ],
};

describe('queue entries', () => {
  it('round-trip an event with its meta, slot, conversation and id', () => {
    for (const prepared of prepareDelivery(envelope).events) {
      const entry = encodeEntry(prepared, 42);
      expect(entryId(entry)).toBe(prepared.meta.eventId);
      const decoded = decodeEntry(entry);
      expect(decoded.enqueuedAt).toBe(42);
      expect(decoded.prepared.meta).toEqual(prepared.meta);
      expect(decoded.prepared.raw).toEqual(prepared.raw);
      expect(decoded.prepared.slot).toEqual(prepared.slot);
      expect(decoded.prepared.conversationKey).toBe(prepared.conversationKey);
      expect(decoded.prepared.definition).toBe(prepared.definition);
    }
  });

  it('round-trip what cannot be an event, and messaging events of changes[], so the worker delivers them as the edge read them', () => {
    const { events } = prepareDelivery({
      object: 'page',
      entry: [
        { time: 'yesterday', messaging: [{ sender: { id: 'U' }, message: { mid: 'm' } }] },
        { id: 'P', time: 1, messaging: [42], changes: [{ field: 'messaging_postbacks', value: { sender: { id: 'U' }, postback: { payload: 'GO' } } }] },
        { id: 'P', time: 1, field: 'messages', value: { sender: { id: 'U' }, message: { mid: 'm2' } } },
      ],
    });
    expect(events).toHaveLength(4);
    for (const prepared of events) {
      const decoded = decodeEntry(encodeEntry(prepared, 1)).prepared;
      expect(decoded.slot).toEqual(prepared.slot);
      expect(decoded.raw).toEqual(prepared.raw);
      expect(decoded.meta).toEqual(prepared.meta);
      expect(decoded.definition).toBe(prepared.definition);
    }
  });

  it('keep the id given at the edge even if the worker would compute another', () => {
    const [prepared] = prepareDelivery(envelope).events;
    const entry = encodeEntry({ ...prepared!, meta: { ...prepared!.meta, eventId: 'FROM_THE_EDGE' } }, 1);
    expect(decodeEntry(entry).prepared.meta.eventId).toBe('FROM_THE_EDGE');
  });

  it('refuse what this library did not write', () => {
    expect(() => decodeEntry('nonsense')).toThrow('not a queue entry');
    expect(() => decodeEntry('id 1 {"o":"page"}')).toThrow('not a queue entry');
  });
});
