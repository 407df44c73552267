import { Injectable, type INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MessengerDispatcher, MessengerWebhookModule, OnMessage, type DispatchMode, type MessageEvent } from 'nestjs-messenger-webhook';
import { createMessengerTestClient, MessengerEvents, MessengerRecorder } from 'nestjs-messenger-webhook/testing';
import { ADAPTERS, APP_SECRET, createTestApp, VERIFY_TOKEN } from '../support/app.js';
import { LogCapture } from '../support/log-capture.js';

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

const failingDelivery = [
  MessengerEvents.text('fine', { sender: 'U1', mid: 'm_before' }),
  MessengerEvents.text('boom', { sender: 'U1', mid: 'm_boom' }),
  MessengerEvents.text('fine', { sender: 'U1', mid: 'm_after' }),
];

describe.each(ADAPTERS)('handlers that fail on %s', (adapter) => {
  describe.each<DispatchMode>(['await', 'background'])('in %s mode', (dispatch) => {
    let app: INestApplication;
    beforeAll(async () => {
      app = await createTestApp(
        adapter,
        {
          imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, dispatch })],
          providers: [Faulty, MessengerRecorder],
        },
        { logger: logs },
      );
    });
    beforeEach(() => logs.clear());
    afterAll(() => app.close());

    it('answers 200, runs every other handler and event, and logs each failure with its event, mid, handler and stack', async () => {
      const unhandled = await collectingUnhandledRejections(async () => {
        // In background mode the answer comes first; the answer alone is awaited here, then the handlers.
        const response = await createMessengerTestClient(app).send(failingDelivery, { waitForHandlers: false });
        expect(response.status).toBe(200);
        await app.get(MessengerDispatcher).idle();
      });
      expect(unhandled).toEqual([]);

      expect(app.get(Faulty).handled).toEqual(['m_before', 'm_boom', 'm_after']);
      expect(app.get(MessengerRecorder).received('OnEvent')).toHaveLength(3);

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
