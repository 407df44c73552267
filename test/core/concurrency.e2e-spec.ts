import { Injectable, type INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MessengerWebhookModule, OnMessage, type MessageEvent } from 'nestjs-messenger-webhook';
import { createMessengerTestClient, MessengerEvents, type MessengerTestClient } from 'nestjs-messenger-webhook/testing';
import { ADAPTERS, APP_SECRET, createTestApp, VERIFY_TOKEN } from '../support/app.js';

const USERS = 40;

/**
 * Records each message when its handling ends. Earlier timestamps yield to the event loop more often, so if the
 * messages of one conversation ran side by side the later ones would be recorded first.
 */
@Injectable()
class Handled {
  readonly mids: string[] = [];

  @OnMessage()
  async onMessage(event: MessageEvent): Promise<void> {
    const turns = 5 - (Number(event.timestamp) % 5);
    for (let turn = 0; turn < turns; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
    this.mids.push(event.message.mid);
  }
}

/** Counts how many times each value occurs. */
function tally(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

describe.each(ADAPTERS)('concurrent deliveries on %s', (adapter) => {
  let app: INestApplication;
  let client: MessengerTestClient;
  let handled: Handled;
  beforeAll(async () => {
    // Redelivery detection off: every mid is distinct, so "exactly once" is then the dispatcher's doing alone.
    app = await createTestApp(adapter, {
      imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, dedupe: false })],
      providers: [Handled],
    });
    client = createMessengerTestClient(app);
    handled = app.get(Handled);
  });
  beforeEach(() => {
    handled.mids.length = 0;
  });
  afterAll(() => app.close());

  it('handles each of 400 concurrent one-message deliveries exactly once', async () => {
    const mids = Array.from({ length: 400 }, (_, index) => `m_single_${index}`);
    const responses = await Promise.all(
      mids.map((mid, index) => client.send(MessengerEvents.text(`message ${index}`, { sender: `U${index % USERS}`, mid, timestamp: 1_000 + index }))),
    );
    expect(responses.map((response) => response.status)).toEqual(mids.map(() => 200));
    // Nothing lost, nothing twice; across concurrent deliveries no order is promised.
    expect(handled.mids).toHaveLength(mids.length);
    expect([...tally(handled.mids).entries()].filter(([, count]) => count !== 1)).toEqual([]);
    expect(new Set(handled.mids)).toEqual(new Set(mids));
  });

  it('keeps the timestamp order of each delivery per sender while 80 deliveries of 5 messages run at once', async () => {
    const deliveries = Array.from({ length: 2 * USERS }, (_, index) => {
      const sender = `U${index % USERS}`;
      return Array.from({ length: 5 }, (_, position) => MessengerEvents.text('in order', { sender, mid: `m_batch_${index}_${position}`, timestamp: 10_000 + index * 10 + position }));
    });
    const responses = await Promise.all(deliveries.map((events) => client.send(events)));
    expect(responses.every((response) => response.status === 200)).toBe(true);
    expect(handled.mids).toHaveLength(400);
    for (const [index, events] of deliveries.entries()) {
      const sent = events.map((event) => event.message.mid);
      const order = handled.mids.filter((mid) => mid.startsWith(`m_batch_${index}_`));
      expect(order, `delivery ${index}`).toEqual(sent);
    }
  });
});
