import { Catch, Injectable, type ArgumentsHost, type ExceptionFilter, type INestApplication } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  MessengerDispatcher,
  MessengerWebhookModule,
  OnPostback,
  PostbackEvent,
  type HandlerFailure,
} from 'nestjs-messenger-webhook';
import { createMessengerTestClient, DEFAULT_PAGE_ID, MessengerEvents, type MessengerTestClient } from 'nestjs-messenger-webhook/testing';
import { ADAPTERS, APP_SECRET, createTestApp, VERIFY_TOKEN } from '../support/app.js';
import { LogCapture } from '../support/log-capture.js';

@Injectable()
class FailingBot {
  /** The postbacks the handler beside the failing one received. */
  readonly survived: PostbackEvent[] = [];

  @OnPostback('BOOM')
  explode(): void {
    throw new Error('kaboom');
  }

  @OnPostback('BOOM')
  survivor(event: PostbackEvent): void {
    this.survived.push(event);
  }

  @OnPostback('REJECT')
  async reject(): Promise<void> {
    await Promise.resolve();
    throw new TypeError('async kaboom');
  }
}

describe.each(ADAPTERS)('handler failures on %s', (adapter) => {
  let app: INestApplication;
  let client: MessengerTestClient;
  let bot: FailingBot;
  const logs = new LogCapture();
  const emitted: HandlerFailure[] = [];
  const hooked: HandlerFailure[] = [];

  beforeAll(async () => {
    app = await createTestApp(
      adapter,
      {
        imports: [
          MessengerWebhookModule.forRoot({
            verifyToken: VERIFY_TOKEN,
            appSecret: APP_SECRET,
            onHandlerError: (failure) => hooked.push(failure),
          }),
        ],
        providers: [FailingBot],
      },
      { logger: logs },
    );
    client = createMessengerTestClient(app);
    bot = app.get(FailingBot);
    await app.init();
    app.get(MessengerDispatcher).failures$.subscribe((failure) => emitted.push(failure));
  });
  afterAll(() => app.close());
  beforeEach(() => {
    bot.survived.length = 0;
    logs.clear();
    emitted.length = 0;
    hooked.length = 0;
  });

  it('logs an unfiltered throw once, with event type, mid, Class.method and stack, and reports it on failures$ and onHandlerError', async () => {
    const response = await client.send(MessengerEvents.postback('BOOM', { mid: 'mid.boom.1' }));

    expect(response.status).toBe(200);
    // The other handler of the same event is not affected.
    expect(bot.survived.map((event) => event.postback.mid)).toEqual(['mid.boom.1']);

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
    expect(failure).toMatchObject({ reason: 'error', handler: 'FailingBot.explode', kind: 'postback', mid: 'mid.boom.1', pageId: DEFAULT_PAGE_ID });
    expect((failure!.error as Error).message).toBe('kaboom');
    expect(failure!.event).toBeInstanceOf(PostbackEvent);
    expect((failure!.event as PostbackEvent).postback.payload).toBe('BOOM');
    expect(hooked).toEqual([failure]);
  });

  it('reports a rejected promise of an async handler the same way', async () => {
    const response = await client.send(MessengerEvents.postback('REJECT', { mid: 'mid.reject.1' }));

    expect(response.status).toBe(200);
    expect(logs.errors()).toHaveLength(1);
    expect(logs.errors()[0]!.message).toContain('FailingBot.reject');
    expect(emitted).toHaveLength(1);
    expect(emitted[0]!.error).toBeInstanceOf(TypeError);
    expect(emitted[0]).toMatchObject({ reason: 'error', handler: 'FailingBot.reject', mid: 'mid.reject.1' });
    expect(hooked).toEqual(emitted);
  });

  it('reports each failing event of a delivery on its own', async () => {
    const response = await client.send([MessengerEvents.postback('BOOM', { mid: 'mid.boom.a' }), MessengerEvents.postback('BOOM', { mid: 'mid.boom.b' })]);

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
  let app: INestApplication;
  const emitted: HandlerFailure[] = [];
  const logs = new LogCapture();

  beforeAll(async () => {
    app = await createTestApp(
      adapter,
      {
        imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET })],
        providers: [FailingBot, { provide: APP_FILTER, useClass: HttpOnlyFilter }],
      },
      { logger: logs },
    );
    await app.init();
    app.get(MessengerDispatcher).failures$.subscribe((failure) => emitted.push(failure));
  });
  afterAll(() => app.close());

  it("keeps the handler's own error as the one reported, and names what the filter threw", async () => {
    const response = await createMessengerTestClient(app).send(MessengerEvents.postback('BOOM', { mid: 'mid.filter.1' }));

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
