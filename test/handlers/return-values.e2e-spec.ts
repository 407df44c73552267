import { Injectable, type INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Observable, of, throwError } from 'rxjs';
import { MessengerDispatcher, MessengerWebhookModule, OnPostback, Payload, type HandlerFailure } from 'nestjs-messenger-webhook';
import { createFakeGraphApi, createMessengerTestClient, MessengerEvents, type FakeGraphApi, type MessengerTestClient } from 'nestjs-messenger-webhook/testing';
import { ADAPTERS, APP_SECRET, createTestApp, VERIFY_TOKEN } from '../support/app.js';
import { deferred, type Deferred } from '../support/deferred.js';

/**
 * Handlers that return Observables, with and without a parameter decorator (the two call paths of the library). What a
 * handler returns is a reply (a string or a message object): the last value an Observable emits is sent, one that
 * completes empty sends nothing.
 */
@Injectable()
class ObservableBot {
  gate: Deferred<void> = deferred();
  /** Resolves once the library subscribed to an Observable. */
  subscribed: Deferred<void> = deferred();
  completed: string[] = [];

  @OnPostback('PLAIN')
  plain(): Observable<void> {
    return this.afterGate('plain');
  }

  @OnPostback('DECORATED')
  decorated(@Payload() payload: string): Observable<void> {
    return this.afterGate(payload);
  }

  /** Cold: nothing happens unless the library subscribes. */
  private afterGate(label: string): Observable<void> {
    return new Observable<void>((subscriber) => {
      this.subscribed.resolve();
      void this.gate.promise.then(() => {
        this.completed.push(label);
        subscriber.complete();
      });
    });
  }

  @OnPostback('EMITS')
  emits(): Observable<string> {
    return of('first value', 'last value');
  }

  @OnPostback('EMITS_{what}')
  emitsDecorated(@Payload() payload: string): Observable<string> {
    return of(`emitted for ${payload}`);
  }

  @OnPostback('FAILS')
  fails(): Observable<never> {
    return throwError(() => new Error('observable failed'));
  }
}

describe.each(ADAPTERS)('handlers returning Observables on %s', (adapter) => {
  let app: INestApplication;
  let client: MessengerTestClient;
  let bot: ObservableBot;
  let graph: FakeGraphApi;
  const failures: HandlerFailure[] = [];

  beforeAll(async () => {
    graph = await createFakeGraphApi();
    app = await createTestApp(adapter, {
      imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, pageAccessToken: 'test-token', graphApiUrl: graph.url })],
      providers: [ObservableBot],
    });
    client = createMessengerTestClient(app);
    bot = app.get(ObservableBot);
    app.get(MessengerDispatcher).failures$.subscribe((failure) => failures.push(failure));
  });
  afterAll(async () => {
    await app.close();
    await graph.close();
  });
  beforeEach(() => {
    graph.reset();
    bot.gate = deferred();
    bot.subscribed = deferred();
    bot.completed = [];
    failures.length = 0;
  });

  it.each(['PLAIN', 'DECORATED'])('subscribes to the Observable of %s and answers once it completed', async (payload) => {
    let answered = false;
    // The answer alone is awaited: in dispatch: 'await' mode it comes once the handler's Observable completed.
    const response = client.send(MessengerEvents.postback(payload), { waitForHandlers: false }).then((r) => {
      answered = true;
      return r;
    });
    // The handler cannot complete before the gate opens, so an answer now would mean it was not waited for: once the
    // Observable is subscribed to, a whole other exchange with the app (the handshake) leaves the answer time to come.
    await bot.subscribed.promise;
    expect((await client.verify(VERIFY_TOKEN)).status).toBe(200);
    expect(answered).toBe(false);
    bot.gate.resolve();
    expect((await response).status).toBe(200);
    expect(bot.completed).toEqual([payload === 'PLAIN' ? 'plain' : 'DECORATED']);
    // Completed without a value: nothing to reply.
    expect(graph.calls).toEqual([]);
  });

  it.each([
    ['EMITS', 'last value'],
    ['EMITS_X', 'emitted for EMITS_X'],
  ])('replies with the last value the Observable of %s emitted', async (payload, reply) => {
    const response = await client.send(MessengerEvents.postback(payload));
    expect(response.status).toBe(200);
    expect(graph.messages.map((body) => body.message)).toEqual([{ text: reply }]);
    expect(failures).toEqual([]);
  });

  it('reports an Observable that errors as a handler failure', async () => {
    const response = await client.send(MessengerEvents.postback('FAILS'));
    expect(response.status).toBe(200);
    expect(failures.map((failure) => [failure.handler, (failure.error as Error).message])).toEqual([['ObservableBot.fails', 'observable failed']]);
  });
});
