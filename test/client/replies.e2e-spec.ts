import { inspect } from 'node:util';
import { Injectable, UseInterceptors, type CallHandler, type INestApplication, type NestInterceptor } from '@nestjs/common';
import { firstValueFrom, map, of, type Observable } from 'rxjs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  Ctx,
  MessengerApiError,
  MessengerClient,
  MessengerDispatcher,
  MessengerWebhookModule,
  OnDelivery,
  OnEcho,
  OnEvent,
  OnMessage,
  OnPostback,
  OnRead,
  OnStandby,
  Sender,
  Text,
  type HandlerFailure,
  type MessageEvent,
  type MessengerContext,
} from 'nestjs-messenger-webhook';
import { createFakeGraphApi, createMessengerTestClient, MessengerEvents, type FakeGraphApi, type MessengerTestClient } from 'nestjs-messenger-webhook/testing';
import { ADAPTERS, APP_SECRET, createTestApp, VERIFY_TOKEN } from '../support/app.js';
import { deferred } from '../support/deferred.js';
import { LogCapture } from '../support/log-capture.js';

const TOKENS = { PAGE_1: 'EAAG-token-of-page-one-0123456789', PAGE_2: 'EAAG-token-of-page-two-9876543210' };
const INSTAGRAM_TOKEN = 'IGQW-instagram-login-token-55555';

/** Replaces whatever the handler returned. */
@Injectable()
class ReplaceResult implements NestInterceptor {
  intercept(_context: unknown, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(map((value) => `${String(value)}, as the interceptor put it`));
  }
}

@Injectable()
class ReplyBot {
  constructor(private readonly client: MessengerClient) {}

  @OnMessage('ctx')
  async viaContext(_event: MessageEvent, ctx: MessengerContext): Promise<void> {
    await ctx.reply('replied with ctx.reply');
  }

  @OnMessage('quick')
  async quick(_event: MessageEvent, ctx: MessengerContext): Promise<void> {
    await ctx.reply('Pick one', { quickReplies: [{ title: 'Yes', payload: 'YES' }] });
  }

  @OnMessage('return')
  returnsText(): string {
    return 'replied by return value';
  }

  @OnMessage('return message')
  async returnsMessage(): Promise<object> {
    return { text: 'a message object', quick_replies: [{ title: 'Ok', payload: 'OK' }] };
  }

  @OnMessage('observable')
  returnsObservable(): Observable<string> {
    return of('replied from an Observable');
  }

  /** A parameter decorator takes the call through Nest's ExternalContextCreator. */
  @OnMessage('decorated')
  decorated(@Text() text: string): string {
    return `you said "${text}"`;
  }

  @UseInterceptors(ReplaceResult)
  @OnMessage('intercepted')
  intercepted(): string {
    return 'original';
  }

  @OnMessage('data')
  returnsData(): object {
    return { id: 7, saved: true };
  }

  @OnMessage('ten')
  tenUnawaited(_event: MessageEvent, ctx: MessengerContext): void {
    for (let i = 1; i <= 10; i++) void ctx.reply(`reply ${i}`);
  }

  @OnMessage('client')
  async viaClient(@Sender() user: string, @Ctx() ctx: MessengerContext): Promise<void> {
    await this.client.typingOn(user, ctx);
    await this.client.sendText(user, 'sent with the injected client', ctx);
  }

  @OnMessage('gone')
  replyToNoOne(): string {
    return 'nobody will read this';
  }

  @OnPostback('PB')
  postback(): string {
    return 'postback answered';
  }

  @OnEcho()
  echo(): string {
    return 'never sent: an echo';
  }

  @OnRead()
  read(): string {
    return 'never sent: a read';
  }

  @OnDelivery()
  delivery(): string {
    return 'never sent: a delivery';
  }

  @OnStandby()
  standby(): string {
    return 'never sent: standby';
  }

  @OnEvent({ kind: 'app_roles' })
  appRoles(): string {
    return 'never sent: nobody to answer';
  }
}

const texts = (graph: FakeGraphApi) => graph.messages.map((body) => (body.message as { text?: string }).text);

describe.each(ADAPTERS)('replies on %s', (adapter) => {
  let app: INestApplication;
  let client: MessengerTestClient;
  let graph: FakeGraphApi;
  let instagram: FakeGraphApi;
  const logs = new LogCapture();
  const failures: HandlerFailure[] = [];

  beforeAll(async () => {
    graph = await createFakeGraphApi({ appSecret: APP_SECRET, accessTokens: Object.values(TOKENS) });
    instagram = await createFakeGraphApi({ appSecret: APP_SECRET, accessTokens: [INSTAGRAM_TOKEN] });
    app = await createTestApp(
      adapter,
      {
        imports: [
          MessengerWebhookModule.forRoot({
            verifyToken: VERIFY_TOKEN,
            appSecret: APP_SECRET,
            pageAccessToken: TOKENS,
            instagramAccessToken: { IG_LOGIN: INSTAGRAM_TOKEN },
            graphApiUrl: graph.url,
            instagramApiUrl: instagram.url,
            graphApiRetry: { minDelay: 1, maxDelay: 20 },
          }),
        ],
        providers: [ReplyBot, ReplaceResult],
      },
      { logger: logs },
    );
    client = createMessengerTestClient(app);
    app.get(MessengerDispatcher).failures$.subscribe((failure) => failures.push(failure));
  });
  afterAll(async () => {
    await app.close();
    await graph.close();
    await instagram.close();
  });
  beforeEach(() => {
    graph.reset();
    instagram.reset();
    failures.length = 0;
  });

  it('ctx.reply sends to the event\'s person from the event\'s page, with its token and appsecret_proof', async () => {
    await client.send(MessengerEvents.text('ctx', { sender: 'ALICE' }));
    expect(graph.calls.map((call) => [call.endpoint, call.accessToken, call.response.status])).toEqual([['me/messages', TOKENS.PAGE_1, 200]]);
    expect(graph.messages).toEqual([{ recipient: { id: 'ALICE' }, messaging_type: 'RESPONSE', message: { text: 'replied with ctx.reply' } }]);
  });

  it('ctx.reply takes quick replies for a text', async () => {
    await client.send(MessengerEvents.text('quick'));
    expect(graph.messages[0]!.message).toEqual({ text: 'Pick one', quick_replies: [{ content_type: 'text', title: 'Yes', payload: 'YES' }] });
  });

  it('answers with the page of the event: a map of page tokens serves several Pages', async () => {
    await client.send(MessengerEvents.text('ctx', { sender: 'BOB', pageId: 'PAGE_2' }), { pageId: 'PAGE_2' });
    await client.send(MessengerEvents.text('ctx', { sender: 'CAROL' }));
    expect(graph.calls.map((call) => [call.accessToken, (call.body as { recipient: { id: string } }).recipient.id])).toEqual([
      [TOKENS.PAGE_2, 'BOB'],
      [TOKENS.PAGE_1, 'CAROL'],
    ]);
  });

  it.each([
    ['return', 'replied by return value'],
    ['observable', 'replied from an Observable'],
    ['decorated', 'you said "decorated"'],
    ['intercepted', 'original, as the interceptor put it'],
  ])('sends what the "%s" handler returned as a reply', async (text, reply) => {
    const response = await client.send(MessengerEvents.text(text, { sender: 'DAVE' }));
    expect(response.status).toBe(200);
    expect(graph.messages).toEqual([{ recipient: { id: 'DAVE' }, messaging_type: 'RESPONSE', message: { text: reply } }]);
    expect(failures).toEqual([]);
  });

  it('sends a returned message object, and a postback handler\'s return value', async () => {
    await client.send([MessengerEvents.text('return message'), MessengerEvents.postback('PB')]);
    expect(graph.messages.map((body) => body.message)).toEqual([
      { text: 'a message object', quick_replies: [{ content_type: 'text', title: 'Ok', payload: 'OK' }] },
      { text: 'postback answered' },
    ]);
  });

  it('does not send a returned value that is not a message', async () => {
    await client.send(MessengerEvents.text('data'));
    expect(graph.calls).toEqual([]);
    expect(failures).toEqual([]);
  });

  it('never replies by return value to echoes, reads, deliveries, standby events or events without a person', async () => {
    await client.send([MessengerEvents.echo('hello'), MessengerEvents.read(), MessengerEvents.delivery(), MessengerEvents.appRoles()]);
    await client.send(MessengerEvents.text('return'), { standby: true });
    expect(graph.calls).toEqual([]);
    expect(failures).toEqual([]);
  });

  it('sends ten un-awaited ctx.reply calls in order', async () => {
    await client.send(MessengerEvents.text('ten', { sender: 'ERIN' }));
    expect(texts(graph)).toEqual(Array.from({ length: 10 }, (_, i) => `reply ${i + 1}`));
  });

  it('keeps replies in order through transient failures: 500, 500, then the reply', async () => {
    graph.failNext(500).failNext({ status: 503, code: 2 });
    await client.send(MessengerEvents.text('ten'));
    expect(graph.calls.map((call) => call.response.status)).toEqual([500, 503, ...Array(10).fill(200)]);
    expect(texts(graph)).toEqual(['reply 1', 'reply 1', ...Array.from({ length: 10 }, (_, i) => `reply ${i + 1}`)]);
  });

  it('lets a handler use the injected MessengerClient with ctx as the page', async () => {
    await client.send(MessengerEvents.text('client', { sender: 'FRANK', pageId: 'PAGE_2' }), { pageId: 'PAGE_2' });
    expect(graph.calls.map((call) => [call.accessToken, call.body])).toEqual([
      [TOKENS.PAGE_2, { recipient: { id: 'FRANK' }, sender_action: 'typing_on' }],
      [TOKENS.PAGE_2, { recipient: { id: 'FRANK' }, messaging_type: 'RESPONSE', message: { text: 'sent with the injected client' } }],
    ]);
  });

  it('answers Instagram conversations through the Instagram Login host and token', async () => {
    await client.send(MessengerEvents.text('return', { sender: 'IGSID_1', pageId: 'IG_LOGIN' }), { object: 'instagram', pageId: 'IG_LOGIN' });
    expect(instagram.calls.map((call) => [call.endpoint, call.accessToken, call.body])).toEqual([
      ['me/messages', INSTAGRAM_TOKEN, { recipient: { id: 'IGSID_1' }, messaging_type: 'RESPONSE', message: { text: 'replied by return value' } }],
    ]);
    expect(graph.calls).toEqual([]);
  });

  it('reports a reply Meta refuses as a failure of the handler, raised once with its code', async () => {
    graph.failNext({ status: 400, code: 100, subcode: 2018001, message: '(#100) No matching user found', times: 3 });
    const response = await client.send(MessengerEvents.text('gone', { sender: 'GHOST' }));
    expect(response.status).toBe(200);
    expect(graph.calls).toHaveLength(1);
    expect(failures).toHaveLength(1);
    expect(failures[0]!.handler).toBe('ReplyBot.replyToNoOne');
    expect(failures[0]!.error).toBeInstanceOf(MessengerApiError);
    expect(failures[0]!.error).toMatchObject({ code: 100, subcode: 2018001, status: 400, attempts: 1 });
  });

  it('keeps every token and appsecret_proof out of the logs and of reported failures', async () => {
    graph.failNext({ status: 400, code: 190, message: `Invalid OAuth access token ${TOKENS.PAGE_1}` });
    graph.failNext({ status: 500, code: 2, times: 4 });
    await client.send(MessengerEvents.text('gone'));
    await client.send(MessengerEvents.text('gone'));
    await client.send(MessengerEvents.text('ten'));
    expect(failures.length).toBeGreaterThanOrEqual(2);
    const seen = [
      logs.text,
      ...failures.flatMap((failure) => [JSON.stringify(failure.error), inspect(failure, { showHidden: true, depth: null }), (failure.error as Error).stack]),
    ].join('\n');
    for (const secret of [...Object.values(TOKENS), INSTAGRAM_TOKEN, ...graph.calls.map((call) => call.query.appsecret_proof!)]) {
      expect(seen).not.toContain(secret);
    }
    expect(logs.text).toContain('POST me/messages failed (HTTP 400, code 190');
  });
});

@Injectable()
class SlowBot {
  gate = deferred();

  @OnMessage('slow')
  async slow(): Promise<string> {
    await this.gate.promise;
    return 'late, but sent';
  }
}

describe('a handler that times out', () => {
  it('still sends the reply it returns once it finishes', async () => {
    const graph = await createFakeGraphApi();
    const app = await createTestApp('express', {
      imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, pageAccessToken: 'token', graphApiUrl: graph.url, handlerTimeout: 50 })],
      providers: [SlowBot],
    });
    try {
      const timedOut = firstValueFrom(app.get(MessengerDispatcher).failures$);
      const client = createMessengerTestClient(app);
      const sent = client.send(MessengerEvents.text('slow', { sender: 'SLOW' }));
      expect((await timedOut).reason).toBe('timeout');
      expect(graph.calls).toEqual([]);
      app.get(SlowBot).gate.resolve();
      await sent;
      await graph.waitForCalls(1);
      expect(graph.messages).toEqual([{ recipient: { id: 'SLOW' }, messaging_type: 'RESPONSE', message: { text: 'late, but sent' } }]);
    } finally {
      await app.close();
      await graph.close();
    }
  });
});
