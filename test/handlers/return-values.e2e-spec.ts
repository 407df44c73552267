import { Injectable } from '@nestjs/common';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Observable, throwError } from 'rxjs';
import { MessengerDispatcher, MessengerWebhookModule, OnPostback, Payload, type HandlerFailure } from 'nestjs-messenger-webhook';
import { ADAPTERS, APP_SECRET, delivery, startServer, VERIFY_TOKEN, type TestServer } from '../support/app.js';
import { deferred, type Deferred } from '../support/deferred.js';
import { postback } from '../support/events.js';

/** Handlers that return Observables, with and without a parameter decorator (the two call paths of the library). */
@Injectable()
class ObservableBot {
  gate: Deferred<void> = deferred();
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
      void this.gate.promise.then(() => {
        this.completed.push(label);
        subscriber.complete();
      });
    });
  }

  @OnPostback('FAILS')
  fails(): Observable<never> {
    return throwError(() => new Error('observable failed'));
  }
}

describe.each(ADAPTERS)('handlers returning Observables on %s', (adapter) => {
  let server: TestServer;
  let bot: ObservableBot;
  const failures: HandlerFailure[] = [];

  beforeAll(async () => {
    server = await startServer(adapter, {
      imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET })],
      providers: [ObservableBot],
    });
    bot = server.app.get(ObservableBot);
    server.app.get(MessengerDispatcher).failures$.subscribe((failure) => failures.push(failure));
  });
  afterAll(() => server.close());
  beforeEach(() => {
    bot.gate = deferred();
    bot.completed = [];
    failures.length = 0;
  });

  it.each(['PLAIN', 'DECORATED'])('subscribes to the Observable of %s and answers once it completed', async (payload) => {
    let answered = false;
    const response = server.post(delivery([postback(payload)])).then((r) => {
      answered = true;
      return r;
    });
    // The handler cannot complete before the gate opens, so an answer now would mean it was not waited for.
    await new Promise((resolve) => setImmediate(resolve));
    expect(answered).toBe(false);
    bot.gate.resolve();
    expect((await response).status).toBe(200);
    expect(bot.completed).toEqual([payload === 'PLAIN' ? 'plain' : 'DECORATED']);
  });

  it('reports an Observable that errors as a handler failure', async () => {
    const response = await server.post(delivery([postback('FAILS')]));
    expect(response.status).toBe(200);
    expect(failures.map((failure) => [failure.handler, (failure.error as Error).message])).toEqual([['ObservableBot.fails', 'observable failed']]);
  });
});
