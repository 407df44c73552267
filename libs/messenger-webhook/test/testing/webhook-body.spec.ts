import { describe, expect, it } from 'vitest';
import { MessengerEvents, WebhookBodyBuilder, toWebhookBody, webhookBody } from 'nestjs-messenger-webhook/testing';
import { envelopeProblem, eventSlots, slotPath } from '../../src/delivery/envelope.js';

describe('webhookBody', () => {
  it('wraps events into one Messenger entry of PAGE_1', () => {
    const text = MessengerEvents.text('hi');
    const body = webhookBody([text], { time: 7 });
    expect(body).toEqual({ object: 'page', entry: [{ id: 'PAGE_1', time: 7, messaging: [text] }] });
    expect(envelopeProblem(body)).toBeNull();
  });

  it('puts events in standby[] and change items in changes[]', () => {
    const body = webhookBody([MessengerEvents.text('hi'), MessengerEvents.templateStatusUpdate()], { object: 'instagram', pageId: 'IG_1', standby: true });
    const slots = eventSlots(body);
    expect(slots.filter((slot) => slot.problem)).toEqual([]);
    expect(slots.map((slot) => [slot.source, slot.pageId])).toEqual([
      ['standby', 'IG_1'],
      ['changes', 'IG_1'],
    ]);
    expect(body.object).toBe('instagram');
  });

  it('accepts a single event', () => {
    expect(webhookBody(MessengerEvents.read()).entry[0]?.messaging).toHaveLength(1);
  });
});

describe('WebhookBodyBuilder', () => {
  it('builds a delivery of several entries with their own lists', () => {
    const body = new WebhookBodyBuilder('instagram')
      .entry('PAGE_1', { messaging: [MessengerEvents.text('a'), MessengerEvents.text('b')], standby: [MessengerEvents.text('c')], time: 1 })
      .entry('PAGE_2', { changes: [MessengerEvents.templateStatusUpdate()], time: 2 })
      .build();
    expect(body.object).toBe('instagram');
    expect(eventSlots(body).map((slot) => `${slot.pageId}:${slotPath(slot)}`)).toEqual([
      'PAGE_1:entry[0].messaging[0]',
      'PAGE_1:entry[0].messaging[1]',
      'PAGE_1:entry[0].standby[0]',
      'PAGE_2:entry[1].changes[0]',
    ]);
  });
});

describe('toWebhookBody', () => {
  it('keeps a whole body as it is', () => {
    const body = webhookBody([MessengerEvents.text('hi')]);
    expect(toWebhookBody(body, { object: 'instagram' })).toBe(body);
  });
});
