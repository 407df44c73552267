import { Injectable } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessengerDispatcher, MessengerWebhookModule, OnMessage, type DispatchMode } from 'nestjs-messenger-webhook';
import { ADAPTERS, APP_SECRET, delivery, startServer, VERIFY_TOKEN, type AdapterName, type TestServer } from '../support/app.js';
import { deferred } from '../support/deferred.js';
import { textMessage } from '../support/deliveries.js';

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

/** Boots an app whose only handler is a {@link Gate}, answering in the given dispatch mode. */
async function gatedServer(adapter: AdapterName, dispatch: DispatchMode): Promise<{ server: TestServer; gate: Gate }> {
  const server = await startServer(adapter, {
    imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, dispatch, dedupe: false })],
    providers: [Gate],
  });
  return { server, gate: server.app.get(Gate) };
}

describe.each(ADAPTERS)('when the POST is answered on %s', (adapter) => {
  describe('dispatch: await (the default)', () => {
    let server: TestServer;
    let gate: Gate;
    beforeAll(async () => ({ server, gate } = await gatedServer(adapter, 'await')));
    afterAll(async () => {
      gate.release.resolve();
      await server.close();
    });

    it('answers only once the async handler resolved', async () => {
      let answered = false;
      let finishedWhenAnswered: boolean | undefined;
      const response = server.post(delivery([textMessage('U1', 'm_gate', 'hold on')])).then((answer) => {
        answered = true;
        finishedWhenAnswered = gate.finished;
        return answer;
      });
      await gate.entered.promise;
      // A full request through the same server after the handler started: had the POST been answered already,
      // its answer would have reached us first.
      const query = new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': 'ping' });
      expect(await (await fetch(`${server.url}?${query.toString()}`)).text()).toBe('ping');
      expect(answered).toBe(false);
      gate.release.resolve();
      expect((await response).status).toBe(200);
      expect(finishedWhenAnswered).toBe(true);
    });
  });

  describe('dispatch: background', () => {
    let server: TestServer;
    let gate: Gate;
    beforeAll(async () => ({ server, gate } = await gatedServer(adapter, 'background')));
    afterAll(async () => {
      gate.release.resolve();
      await server.close();
    });

    it('answers while the handler is still running, and the handler still completes', async () => {
      const response = await server.post(delivery([textMessage('U1', 'm_gate', 'hold on')]));
      expect(response.status).toBe(200);
      await gate.entered.promise;
      expect(gate.finished).toBe(false);
      gate.release.resolve();
      await server.app.get(MessengerDispatcher).idle();
      expect(gate.finished).toBe(true);
    });
  });
});
