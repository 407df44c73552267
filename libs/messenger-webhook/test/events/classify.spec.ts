import { describe, expect, it } from 'vitest';
import { classify, classifyChange } from '../../src/events/classify.js';
import { EVENT_KINDS, MESSAGING_FIELDS, fieldOf } from '../../src/events/event-kinds.js';
import { rawEvents, type RawEventKind } from '../fixtures/raw-events.js';

const MESSAGING_KINDS = EVENT_KINDS.filter((row) => row.source === 'messaging').map((row) => row.kind);

describe('classify (messaging events)', () => {
  it.each(MESSAGING_KINDS)('every %s fixture is a %s', (kind) => {
    for (const raw of rawEvents[kind as RawEventKind]) expect(classify(raw).kind).toBe(kind);
  });

  it('an echo is told from a message by is_echo === true only', () => {
    expect(classify({ message: { mid: 'm', is_echo: true } }).kind).toBe('echo');
    expect(classify({ message: { mid: 'm', is_echo: 'true' } }).kind).toBe('message');
    expect(classify({ message: { mid: 'm', is_echo: false } }).kind).toBe('message');
  });

  it('both policy enforcement spellings, before any renaming', () => {
    expect(classify({ 'policy-enforcement': { action: 'block' } }).kind).toBe('policy_enforcement');
    expect(classify({ policy_enforcement: { action: 'block' } }).kind).toBe('policy_enforcement');
  });

  it('a key decides whatever it holds: a string `message` is a message that will not read (so it is reported as one)', () => {
    expect(classify({ message: 'hi' }).kind).toBe('message');
    expect(classify({ postback: null }).kind).toBe('postback');
    expect(classify({ message: 'hi', is_echo: true }).kind).toBe('message');
  });

  it('anything else is unknown, never an error', () => {
    for (const raw of [{}, { payment: {} }, { constructor: {} }, { __proto__: {} }, { sender: { id: '1' } }]) expect(classify(raw).kind).toBe('unknown');
  });
});

describe('classifyChange (changes[] items and flat entry field/value)', () => {
  it('a messaging field holds a messaging event in value, classified by its keys, whatever the field says', () => {
    const postback = rawEvents.postback[0]!;
    expect(classifyChange({ field: 'messaging_postbacks', value: postback })).toEqual({ definition: expect.objectContaining({ kind: 'postback' }), event: postback, field: 'messaging_postbacks', standby: false });
    expect(classifyChange({ field: 'messages', value: rawEvents.echo[0] }).definition.kind).toBe('echo');
    expect(classifyChange({ field: 'messages', value: rawEvents.message[0] }).definition.kind).toBe('message');
    expect(classifyChange({ field: 'message_reactions', value: rawEvents.reaction[0] }).definition.kind).toBe('reaction');
    expect(classifyChange({ field: 'messaging_seen', value: rawEvents.read[2] }).definition.kind).toBe('read');
    expect(classifyChange({ field: 'messaging_referral', value: rawEvents.referral[0] }).definition.kind).toBe('referral');
  });

  it('field standby is a standby event', () => {
    const target = classifyChange({ field: 'standby', value: rawEvents.message[0] });
    expect(target.definition.kind).toBe('message');
    expect(target.standby).toBe(true);
  });

  it('a messaging field whose value is no known event is unknown; one whose value is no object is a change', () => {
    expect(classifyChange({ field: 'messages', value: { sender: { id: '1' }, surprise: {} } }).definition.kind).toBe('unknown');
    expect(classifyChange({ field: 'messages', value: 'x' }).definition.kind).toBe('change');
  });

  it('modelled fields get their rows, the item itself is read', () => {
    for (const [field, kind] of [
      ['comments', 'comment'],
      ['live_comments', 'comment'],
      ['mentions', 'mention'],
      ['story_insights', 'story_insights'],
      ['messenger_template_status_update', 'template_status_update'],
    ] as const) {
      const item = { field, value: {} };
      expect(classifyChange(item)).toEqual({ definition: expect.objectContaining({ kind }), event: item, field, standby: false });
    }
  });

  it('any other field, or no field, is a change delivered as sent', () => {
    for (const item of [{ field: 'feed', value: {} }, { field: 'leadgen', value: 1 }, { field: 'constructor', value: {} }, { value: {} }, { field: 7 }]) {
      expect(classifyChange(item).definition.kind).toBe('change');
      expect(classifyChange(item).event).toBe(item);
    }
  });

  it('every messaging row has its field(s) among the messaging fields, per platform', () => {
    for (const row of EVENT_KINDS.filter((candidate) => candidate.source === 'messaging')) {
      expect(MESSAGING_FIELDS.has(fieldOf(row, 'messenger')), row.kind).toBe(true);
      expect(MESSAGING_FIELDS.has(fieldOf(row, 'instagram')), row.kind).toBe(true);
    }
    expect(fieldOf(EVENT_KINDS[0], 'messenger')).toBe('message_echoes');
    expect(fieldOf(EVENT_KINDS[0], 'instagram')).toBe('messages');
  });
});
