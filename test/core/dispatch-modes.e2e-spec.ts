import { Injectable, type INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessengerDispatcher, MessengerWebhookModule, OnMessage, type DispatchMode } from 'nestjs-messenger-webhook';
import { createMessengerTestClient, MessengerEvents, type MessengerTestClient } from 'nestjs-messenger-webhook/testing';
import { ADAPTERS, APP_SECRET, createTestApp, VERIFY_TOKEN, type AdapterName } from '../support/app.js';
import { deferred } from '../support/deferred.js';

/** A handler that says when it starts, then holds until the test releases it. */
@Injectable()
class Gate {
  readonly entered = deferred();
  readonly release = deferred();
  finished = false;

  @OnMessage()
  async hold(): Promise<void> {
    this.entered.resolve();
    await this.release.promise;
    this.finished = true;
  }
}

/** An app whose only handler is a {@link Gate}, answering in the given dispatch mode, and a kit client for it. */
async function gatedApp(adapter: AdapterName, dispatch: DispatchMode): Promise<{ app: INestApplication; client: MessengerTestClient; gate: Gate }> {
  const app = await createTestApp(adapter, {
    imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, dispatch, dedupe: false })],
    providers: [Gate],
  });
  return { app, client: createMessengerTestClient(app), gate: app.get(Gate) };
}

// The sends below resolve on the HTTP answer (waitForHandlers: false): when that answer comes is what is tested.
describe.each(ADAPTERS)('when the POST is answered on %s', (adapter) => {
  describe('dispatch: await (the default)', () => {
    let app: INestApplication;
    let client: MessengerTestClient;
    let gate: Gate;
    beforeAll(async () => ({ app, client, gate } = await gatedApp(adapter, 'await')));
    afterAll(async () => {
      gate.release.resolve();
      await app.close();
    });

    it('answers only once the async handler resolved', async () => {
      let answered = false;
      let finishedWhenAnswered: boolean | undefined;
      const response = client.send(MessengerEvents.text('hold on'), { waitForHandlers: false }).then((answer) => {
        answered = true;
        finishedWhenAnswered = gate.finished;
        return answer;
      });
      await gate.entered.promise;
      // A full request through the same server after the handler started: had the POST been answered already,
      // its answer would have reached us first.
      expect(await client.verify(VERIFY_TOKEN, 'ping')).toEqual({ status: 200, body: 'ping' });
      expect(answered).toBe(false);
      gate.release.resolve();
      expect((await response).status).toBe(200);
      expect(finishedWhenAnswered).toBe(true);
    });
  });

  describe('dispatch: background', () => {
    let app: INestApplication;
    let client: MessengerTestClient;
    let gate: Gate;
    beforeAll(async () => ({ app, client, gate } = await gatedApp(adapter, 'background')));
    afterAll(async () => {
      gate.release.resolve();
      await app.close();
    });

    it('answers while the handler is still running, and the handler still completes', async () => {
      const response = await client.send(MessengerEvents.text('hold on'), { waitForHandlers: false });
      expect(response.status).toBe(200);
      await gate.entered.promise;
      expect(gate.finished).toBe(false);
      gate.release.resolve();
      await app.get(MessengerDispatcher).idle();
      expect(gate.finished).toBe(true);
    });
  });
});
