import { Injectable } from '@nestjs/common';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MessengerDispatcher, MessengerWebhookModule, OnMessage, type DispatchMode, type MessageEvent } from 'nestjs-messenger-webhook';
import { ADAPTERS, APP_SECRET, delivery, startServer, VERIFY_TOKEN, type TestServer } from '../support/app.js';
import { textMessage } from '../support/deliveries.js';
import { LogCapture } from '../support/log-capture.js';
import { EveryListener } from '../support/recorder.js';

const logs = new LogCapture();

/** Three handlers of the same event: one throws, one rejects later, one just works. */
@Injectable()
class Faulty {
  readonly handled: string[] = [];

  @OnMessage()
  throwsAtOnce(event: MessageEvent): void {
    if (event.message.text === 'boom') throw new Error('thrown at once');
  }

  @OnMessage()
  async rejectsLater(event: MessageEvent): Promise<void> {
    await Promise.resolve();
    if (event.message.text === 'boom') throw new Error('rejected later');
  }

  @OnMessage()
  works(event: MessageEvent): void {
    this.handled.push(event.message.mid);
  }
}

/** Runs `body` while collecting every `unhandledRejection` the process emits. */
async function collectingUnhandledRejections(body: () => Promise<void>): Promise<unknown[]> {
  const reasons: unknown[] = [];
  const listener = (reason: unknown) => reasons.push(reason);
  process.on('unhandledRejection', listener);
  try {
    await body();
    // Node reports unhandled rejections once the microtask queue has drained: let one macrotask pass.
    await new Promise<void>((resolve) => setImmediate(resolve));
  } finally {
    process.off('unhandledRejection', listener);
  }
  return reasons;
}

const failingDelivery = delivery([
  textMessage('U1', 'm_before', 'fine', { timestamp: 1 }),
  textMessage('U1', 'm_boom', 'boom', { timestamp: 2 }),
  textMessage('U1', 'm_after', 'fine', { timestamp: 3 }),
]);

describe.each(ADAPTERS)('handlers that fail on %s', (adapter) => {
  describe.each<DispatchMode>(['await', 'background'])('in %s mode', (dispatch) => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startServer(
        adapter,
        {
          imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, dispatch })],
          providers: [Faulty, EveryListener],
        },
        { logger: logs },
      );
    });
    beforeEach(() => logs.clear());
    afterAll(() => server.close());

    it('answers 200, runs every other handler and event, and logs each failure with its event, mid, handler and stack', async () => {
      const unhandled = await collectingUnhandledRejections(async () => {
        const response = await server.post(failingDelivery);
        expect(response.status).toBe(200);
        // In background mode the answer comes first: wait until the handlers settled.
        await server.app.get(MessengerDispatcher).idle();
      });
      expect(unhandled).toEqual([]);

      expect(server.app.get(Faulty).handled).toEqual(['m_before', 'm_boom', 'm_after']);
      expect(server.app.get(EveryListener).callsOf('OnEvent')).toHaveLength(3);

      const errors = logs.at('error');
      expect(errors).toHaveLength(2);
      for (const [method, message] of [
        ['Faulty.throwsAtOnce', 'thrown at once'],
        ['Faulty.rejectsLater', 'rejected later'],
      ] as const) {
        const line = errors.find((candidate) => candidate.message.includes(method));
        expect(line?.message).toContain('message event');
        expect(line?.message).toContain('m_boom');
        expect(line?.message).toContain(message);
        const stack = line?.params[0] ?? '';
        expect(stack).toContain(`Error: ${message}`);
        expect(stack).toContain('handler-failures.e2e-spec.ts');
      }
    });
  });
});
