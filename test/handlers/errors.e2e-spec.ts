import { Catch, Injectable, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  MessengerDispatcher,
  MessengerWebhookModule,
  OnPostback,
  PostbackEvent,
  type HandlerFailure,
  type MessengerEvent,
} from 'nestjs-messenger-webhook';
import { ADAPTERS, APP_SECRET, delivery, startServer, VERIFY_TOKEN, type TestServer } from '../support/app.js';
import { Calls } from '../support/calls.js';
import { LogCapture } from '../support/log-capture.js';
import { PAGE_ID, postback } from '../support/events.js';

@Injectable()
class FailingBot {
  constructor(private readonly calls: Calls) {}

  @OnPostback('BOOM')
  explode(): void {
    throw new Error('kaboom');
  }

  @OnPostback('BOOM')
  survivor(event: MessengerEvent): void {
    this.calls.add('survivor', event);
  }

  @OnPostback('REJECT')
  async reject(): Promise<void> {
    await Promise.resolve();
    throw new TypeError('async kaboom');
  }
}

describe.each(ADAPTERS)('handler failures on %s', (adapter) => {
  let server: TestServer;
  let calls: Calls;
  const logs = new LogCapture();
  const emitted: HandlerFailure[] = [];
  const hooked: HandlerFailure[] = [];

  beforeAll(async () => {
    server = await startServer(
      adapter,
      {
        imports: [
          MessengerWebhookModule.forRoot({
            verifyToken: VERIFY_TOKEN,
            appSecret: APP_SECRET,
            onHandlerError: (failure) => hooked.push(failure),
          }),
        ],
        providers: [Calls, FailingBot],
      },
      { configure: (app) => app.useLogger(logs) },
    );
    calls = server.app.get(Calls);
    server.app.get(MessengerDispatcher).failures$.subscribe((failure) => emitted.push(failure));
  });
  afterAll(() => server.close());
  beforeEach(() => {
    logs.clear();
    emitted.length = 0;
    hooked.length = 0;
  });

  it('logs an unfiltered throw once, with event type, mid, Class.method and stack, and reports it on failures$ and onHandlerError', async () => {
    const raw = postback('BOOM', { mid: 'mid.boom.1' });
    const response = await server.post(delivery([raw]));

    expect(response.status).toBe(200);
    // The other handler of the same event is not affected.
    expect(calls.handlersOf(raw)).toEqual(['survivor']);

    const errors = logs.errors();
    expect(errors).toHaveLength(1);
    const [line] = errors;
    expect(line!.message).toContain('FailingBot.explode');
    expect(line!.message).toContain('postback');
    expect(line!.message).toContain('mid.boom.1');
    expect(line!.message).toContain('kaboom');
    const [stack] = line!.params;
    expect(stack).toEqual(expect.stringContaining('Error: kaboom'));
    expect(stack).toEqual(expect.stringMatching(/\n\s+at /));

    expect(emitted).toHaveLength(1);
    const [failure] = emitted;
    expect(failure).toMatchObject({ reason: 'error', handler: 'FailingBot.explode', kind: 'postback', mid: 'mid.boom.1', pageId: PAGE_ID });
    expect((failure!.error as Error).message).toBe('kaboom');
    expect(failure!.event).toBeInstanceOf(PostbackEvent);
    expect((failure!.event as PostbackEvent).postback.payload).toBe('BOOM');
    expect(hooked).toEqual([failure]);
  });

  it('reports a rejected promise of an async handler the same way', async () => {
    const response = await server.post(delivery([postback('REJECT', { mid: 'mid.reject.1' })]));

    expect(response.status).toBe(200);
    expect(logs.errors()).toHaveLength(1);
    expect(logs.errors()[0]!.message).toContain('FailingBot.reject');
    expect(emitted).toHaveLength(1);
    expect(emitted[0]!.error).toBeInstanceOf(TypeError);
    expect(emitted[0]).toMatchObject({ reason: 'error', handler: 'FailingBot.reject', mid: 'mid.reject.1' });
    expect(hooked).toEqual(emitted);
  });

  it('reports each failing event of a delivery on its own', async () => {
    const response = await server.post(delivery([postback('BOOM', { mid: 'mid.boom.a' }), postback('BOOM', { mid: 'mid.boom.b' })]));

    expect(response.status).toBe(200);
    expect(emitted.map((failure) => failure.mid)).toEqual(['mid.boom.a', 'mid.boom.b']);
    expect(logs.errors()).toHaveLength(2);
  });
});

/** A global filter written for HTTP only: on a webhook handler its switchToHttp() call breaks. */
@Catch()
class HttpOnlyFilter implements ExceptionFilter {
  catch(_exception: unknown, host: ArgumentsHost): void {
    host.switchToHttp().getResponse<{ status(code: number): { json(body: unknown): void } }>().status(500).json({});
  }
}

describe.each(ADAPTERS)('a global HTTP-only exception filter on %s', (adapter) => {
  let server: TestServer;
  const emitted: HandlerFailure[] = [];
  const logs = new LogCapture();

  beforeAll(async () => {
    server = await startServer(
      adapter,
      {
        imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET })],
        providers: [Calls, FailingBot, { provide: APP_FILTER, useClass: HttpOnlyFilter }],
      },
      { configure: (app) => app.useLogger(logs) },
    );
    server.app.get(MessengerDispatcher).failures$.subscribe((failure) => emitted.push(failure));
  });
  afterAll(() => server.close());

  it("keeps the handler's own error as the one reported, and names what the filter threw", async () => {
    const response = await server.post(delivery([postback('BOOM', { mid: 'mid.filter.1' })]));

    expect(response.status).toBe(200);
    expect(emitted).toHaveLength(1);
    expect((emitted[0]!.error as Error).message).toBe('kaboom');
    expect(emitted[0]!.filterError).toBeInstanceOf(TypeError);
    const errors = logs.errors();
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toContain('kaboom');
    expect(errors[0]!.message).toContain('its exception filter threw');
  });
});
