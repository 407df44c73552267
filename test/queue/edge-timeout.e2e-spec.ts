import { describe, expect, it } from 'vitest';
import { prepareDelivery } from '../../libs/messenger-webhook/src/dispatch/prepared-event.js';
import { DeliveryRefusedError } from '../../libs/messenger-webhook/src/dispatch/delivery-transport.js';
import { MessengerEvents, webhookBody } from 'nestjs-messenger-webhook/testing';
import { useSuiteRedis, wireQueueParts } from './queue-parts.js';

const summary = () => ({ events: 0, dispatched: 0, invalid: 0, duplicates: 0, handlerCalls: 0, failures: 0 });

/**
 * `enqueueTimeout` is how long a delivery waits for Redis before the edge answers 503. The edge has one enqueue
 * script in flight at a time, so a delivery can arrive while a script hangs: its wait counts from its arrival, not
 * from when its own script goes out after the hung one gave up.
 */
describe('queue mode: a delivery behind a script that hangs', () => {
  const suite = useSuiteRedis();

  it('is refused enqueueTimeout after it arrived, and deliveries go through once Redis answers again', async () => {
    const { edge, queue } = wireQueueParts(suite, 'hang', { gatherMs: 0 });
    const enqueueTimeout = 2_000;
    const timed = wireQueueParts(suite, 'hang-timed', { enqueueTimeout });
    const admin = suite.client.duplicate();
    try {
      // Redis stops answering writes (a failover, a blocked server): every enqueue script hangs.
      await admin.call('CLIENT', 'PAUSE', '30000', 'WRITE');
      const first = timed.edge.deliver(prepareDelivery(webhookBody(MessengerEvents.text('first', { sender: 'ANN' }))), summary());
      first.catch(() => {});
      await new Promise((resolve) => setTimeout(resolve, 100));
      const arrived = Date.now();
      const second = timed.edge.deliver(prepareDelivery(webhookBody(MessengerEvents.text('second', { sender: 'BOB' }))), summary());
      await expect(second).rejects.toThrow(DeliveryRefusedError);
      // Behind the hung script it would wait for the rest of that script's timeout and then its own: about 3.9 s.
      expect(Date.now() - arrived).toBeLessThan(enqueueTimeout + 1_000);
      await expect(first).rejects.toThrow(DeliveryRefusedError);
      await admin.call('CLIENT', 'UNPAUSE');
      const after = await edge.deliver(prepareDelivery(webhookBody(MessengerEvents.text('after', { sender: 'CID' }))), summary());
      expect(after.dispatched).toBe(1);
    } finally {
      await admin.call('CLIENT', 'UNPAUSE').catch(() => {});
      admin.disconnect();
      await queue.close();
      await timed.queue.close();
    }
  }, 30_000);
});
