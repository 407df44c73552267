import { Injectable, type INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Ctx,
  EchoEvent,
  Event,
  MessageEvent,
  MessengerWebhookModule,
  OnEcho,
  OnHandover,
  OnMessage,
  OnOptin,
  OnPostback,
  OnReaction,
  OnReferral,
  OptinEvent,
  Param,
  PassThreadControlEvent,
  PostbackEvent,
  ReactionEvent,
  ReferralEvent,
  RequestThreadControlEvent,
  TakeThreadControlEvent,
  type MessengerContext,
} from 'nestjs-messenger-webhook';
import { createMessengerTestClient, MessengerEvents, WebhookBodyBuilder, type MessengerTestClient, type SendOptions } from 'nestjs-messenger-webhook/testing';
import { ADAPTERS, APP_SECRET, createTestApp, VERIFY_TOKEN } from '../support/app.js';

/** A handler call: which handler, for the event of which timestamp (the kit gives each event its own), and what it got. */
interface Hit {
  readonly handler: string;
  readonly timestamp: number | undefined;
  readonly detail: unknown;
}

/** One handler per filter under test; each records its name and the captures it was given. */
@Injectable()
class RoutingBot {
  readonly hits: Hit[] = [];

  /** The handlers that ran for `raw`, sorted. */
  handlersOf(raw: { timestamp: number }): string[] {
    return this.hitsOf(raw)
      .map((hit) => hit.handler)
      .sort();
  }

  /** What each handler that ran for `raw` was given. */
  hitsOf(raw: { timestamp: number }): Hit[] {
    return this.hits.filter((hit) => hit.timestamp === raw.timestamp);
  }

  private hit(handler: string, event: { timestamp?: number }, context: MessengerContext): void {
    this.record(handler, event, { params: context.params });
  }

  private record(handler: string, event: { timestamp?: number }, detail: unknown): void {
    this.hits.push({ handler, timestamp: event.timestamp, detail });
  }

  @OnMessage()
  anyMessage(event: MessageEvent, context: MessengerContext) {
    this.hit('anyMessage', event, context);
  }

  @OnMessage({ text: 'hello' })
  exactText(event: MessageEvent, context: MessengerContext) {
    this.hit('exactText', event, context);
  }

  @OnMessage('hi')
  shorthandText(event: MessageEvent, context: MessengerContext) {
    this.hit('shorthandText', event, context);
  }

  @OnMessage(/^hey\b/i)
  shorthandRegExp(event: MessageEvent, context: MessengerContext) {
    this.hit('shorthandRegExp', event, context);
  }

  @OnMessage({ quickReply: 'COLOR:{color}' })
  quickReply(event: MessageEvent, context: MessengerContext) {
    this.hit('quickReply', event, context);
  }

  @OnMessage({ attachment: 'image' })
  image(event: MessageEvent, context: MessengerContext) {
    this.hit('image', event, context);
  }

  @OnMessage({ attachment: ['audio', 'video'] })
  audioOrVideo(event: MessageEvent, context: MessengerContext) {
    this.hit('audioOrVideo', event, context);
  }

  @OnMessage({ text: 'hello', platform: 'instagram' })
  instagramHello(event: MessageEvent, context: MessengerContext) {
    this.hit('instagramHello', event, context);
  }

  @OnMessage({ pageId: 'PAGE_2' })
  page2(event: MessageEvent, context: MessengerContext) {
    this.hit('page2', event, context);
  }

  @OnMessage({ pageId: ['PAGE_2', 'PAGE_3'] })
  page2or3(event: MessageEvent, context: MessengerContext) {
    this.hit('page2or3', event, context);
  }

  @OnMessage({ where: (event) => event.message.text?.endsWith('!') === true })
  exclaimed(event: MessageEvent, context: MessengerContext) {
    this.hit('exclaimed', event, context);
  }

  @OnEcho('hello')
  echoHello(event: EchoEvent, context: MessengerContext) {
    this.hit('echoHello', event, context);
  }

  @OnPostback('GET_STARTED')
  getStarted(event: PostbackEvent, context: MessengerContext) {
    this.hit('getStarted', event, context);
  }

  @OnPostback({ payload: 'ADD:{sku}:{qty}' })
  add(
    @Event() event: PostbackEvent,
    @Param('sku') sku: string,
    @Param('qty') qty: string,
    @Param() all: Record<string, string>,
    @Ctx() context: MessengerContext,
  ) {
    this.record('add', event, { sku, qty, all, params: context.params });
  }

  @OnPostback(/^ORDER-(?<orderId>\d+)$/)
  order(@Event() event: PostbackEvent, @Param('orderId') orderId: string, @Param() all: Record<string, string>, @Ctx() context: MessengerContext) {
    this.record('order', event, { orderId, all, params: context.params });
  }

  @OnPostback({ payload: 'VOTE:{choice}', where: (_event, context) => context.params.choice !== 'none' })
  vote(event: PostbackEvent, context: MessengerContext) {
    this.hit('vote', event, context);
  }

  @OnPostback('A')
  @OnPostback('B')
  stacked(event: PostbackEvent, context: MessengerContext) {
    this.hit('stacked', event, context);
  }

  @OnPostback('C')
  @OnPostback({ payload: /^C/ })
  overlapping(event: PostbackEvent, context: MessengerContext) {
    this.hit('overlapping', event, context);
  }

  @OnOptin('NEWS')
  optinPayload(event: OptinEvent, context: MessengerContext) {
    this.hit('optinPayload', event, context);
  }

  @OnOptin({ type: 'notification_messages' })
  optinType(event: OptinEvent, context: MessengerContext) {
    this.hit('optinType', event, context);
  }

  @OnReferral('promo-{code}')
  referralRef(event: ReferralEvent, context: MessengerContext) {
    this.hit('referralRef', event, context);
  }

  @OnReferral({ source: 'ADS' })
  referralAds(event: ReferralEvent, context: MessengerContext) {
    this.hit('referralAds', event, context);
  }

  @OnReaction({ action: 'unreact' })
  unreact(event: ReactionEvent, context: MessengerContext) {
    this.hit('unreact', event, context);
  }

  @OnReaction({ reaction: 'love' })
  love(event: ReactionEvent, context: MessengerContext) {
    this.hit('love', event, context);
  }

  @OnHandover({ kind: 'pass_thread_control' })
  passed(event: PassThreadControlEvent, context: MessengerContext) {
    this.hit('passed', event, context);
  }

  @OnHandover({ kind: ['take_thread_control', 'request_thread_control'] })
  takenOrRequested(event: TakeThreadControlEvent | RequestThreadControlEvent, context: MessengerContext) {
    this.hit('takenOrRequested', event, context);
  }
}

/** Written by a JavaScript user (or through a cast): a filter @OnPostback does not have. */
@Injectable()
class MisconfiguredBot {
  @OnPostback({ text: 'hi' } as object)
  start() {}
}

describe.each(ADAPTERS)('routing filters on %s', (adapter) => {
  let app: INestApplication;
  let client: MessengerTestClient;
  let calls: RoutingBot;

  beforeAll(async () => {
    app = await createTestApp(adapter, {
      imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET })],
      providers: [RoutingBot],
    });
    client = createMessengerTestClient(app);
    calls = app.get(RoutingBot);
  });
  afterAll(() => app.close());

  async function send(events: object | object[], options: SendOptions = {}): Promise<void> {
    const response = await client.send(events, options);
    expect(response.status).toBe(200);
  }

  it('routes messages by exact text, shorthand string and shorthand RegExp, and by a where predicate', async () => {
    const hello = MessengerEvents.text('hello');
    const helloCapital = MessengerEvents.text('Hello');
    const hi = MessengerEvents.text('hi');
    const hiThere = MessengerEvents.text('hi there');
    const heyYou = MessengerEvents.text('Hey you');
    const heyday = MessengerEvents.text('heyday');
    const wow = MessengerEvents.text('wow!');
    await send([hello, helloCapital, hi, hiThere, heyYou, heyday, wow]);

    expect(calls.handlersOf(hello)).toEqual(['anyMessage', 'exactText']);
    expect(calls.handlersOf(helloCapital)).toEqual(['anyMessage']);
    expect(calls.handlersOf(hi)).toEqual(['anyMessage', 'shorthandText']);
    expect(calls.handlersOf(hiThere)).toEqual(['anyMessage']);
    expect(calls.handlersOf(heyYou)).toEqual(['anyMessage', 'shorthandRegExp']);
    expect(calls.handlersOf(heyday)).toEqual(['anyMessage']);
    expect(calls.handlersOf(wow)).toEqual(['anyMessage', 'exclaimed']);
  });

  it('routes by quick reply payload pattern and hands the capture to context.params', async () => {
    const red = MessengerEvents.quickReply('Red', 'COLOR:red');
    const size = MessengerEvents.quickReply('L', 'SIZE:L');
    const typed = MessengerEvents.text('COLOR:red');
    await send([red, size, typed]);

    expect(calls.handlersOf(red)).toEqual(['anyMessage', 'quickReply']);
    expect(calls.hitsOf(red).find((call) => call.handler === 'quickReply')!.detail).toEqual({ params: { color: 'red' } });
    expect(calls.hitsOf(red).find((call) => call.handler === 'anyMessage')!.detail).toEqual({ params: {} });
    expect(calls.handlersOf(size)).toEqual(['anyMessage']);
    expect(calls.handlersOf(typed)).toEqual(['anyMessage']);
  });

  it('routes by attachment type, one type or any of several', async () => {
    const picture = MessengerEvents.attachment('image');
    const clip = MessengerEvents.attachment('video');
    const voice = MessengerEvents.attachment('audio');
    const document = MessengerEvents.attachment('file');
    const mixed = MessengerEvents.attachments(['file', 'image']);
    await send([picture, clip, voice, document, mixed]);

    expect(calls.handlersOf(picture)).toEqual(['anyMessage', 'image']);
    expect(calls.handlersOf(clip)).toEqual(['anyMessage', 'audioOrVideo']);
    expect(calls.handlersOf(voice)).toEqual(['anyMessage', 'audioOrVideo']);
    expect(calls.handlersOf(document)).toEqual(['anyMessage']);
    expect(calls.handlersOf(mixed)).toEqual(['anyMessage', 'image']);
  });

  it('routes by platform and by page id (one id or a list)', async () => {
    const onInstagram = MessengerEvents.text('hello');
    await send([onInstagram], { object: 'instagram', pageId: 'IG_1' });
    expect(calls.handlersOf(onInstagram)).toEqual(['anyMessage', 'exactText', 'instagramHello']);

    const toPage1 = MessengerEvents.text('x');
    const toPage2 = MessengerEvents.text('x');
    const toPage3 = MessengerEvents.text('x');
    await send(new WebhookBodyBuilder().entry('PAGE_1', [toPage1]).entry('PAGE_2', [toPage2]).entry('PAGE_3', [toPage3]).build());
    expect(calls.handlersOf(toPage1)).toEqual(['anyMessage']);
    expect(calls.handlersOf(toPage2)).toEqual(['anyMessage', 'page2', 'page2or3']);
    expect(calls.handlersOf(toPage3)).toEqual(['anyMessage', 'page2or3']);
  });

  it('sends echoes to @OnEcho only, filtered by their text', async () => {
    const helloEcho = MessengerEvents.echo('hello');
    const byeEcho = MessengerEvents.echo('bye');
    await send([helloEcho, byeEcho]);

    expect(calls.handlersOf(helloEcho)).toEqual(['echoHello']);
    expect(calls.handlersOf(byeEcho)).toEqual([]);
  });

  it('routes postbacks by exact payload and never by prefix', async () => {
    const started = MessengerEvents.postback('GET_STARTED');
    const startedNow = MessengerEvents.postback('GET_STARTED_NOW');
    await send([started, startedNow]);

    expect(calls.handlersOf(started)).toEqual(['getStarted']);
    expect(calls.handlersOf(startedNow)).toEqual([]);
  });

  it('hands {name} captures to @Param(name), @Param() and context.params; the whole payload must match, shortest first', async () => {
    const addOne = MessengerEvents.postback('ADD:A1:3');
    const addShort = MessengerEvents.postback('ADD:A1');
    const addColons = MessengerEvents.postback('ADD:A:1:2');
    await send([addOne, addShort, addColons]);

    expect(calls.hitsOf(addOne).map((call) => call.detail)).toEqual([
      { sku: 'A1', qty: '3', all: { sku: 'A1', qty: '3' }, params: { sku: 'A1', qty: '3' } },
    ]);
    expect(calls.handlersOf(addShort)).toEqual([]);
    expect(calls.hitsOf(addColons).map((call) => call.detail)).toEqual([
      { sku: 'A', qty: '1:2', all: { sku: 'A', qty: '1:2' }, params: { sku: 'A', qty: '1:2' } },
    ]);
  });

  it('hands RegExp named groups to @Param(name), @Param() and context.params', async () => {
    const order42 = MessengerEvents.postback('ORDER-42');
    const lowerCase = MessengerEvents.postback('order-42');
    const notDigits = MessengerEvents.postback('ORDER-x');
    await send([order42, lowerCase, notDigits]);

    expect(calls.hitsOf(order42).map((call) => call.detail)).toEqual([{ orderId: '42', all: { orderId: '42' }, params: { orderId: '42' } }]);
    expect(calls.handlersOf(lowerCase)).toEqual([]);
    expect(calls.handlersOf(notDigits)).toEqual([]);
  });

  it('gives a where predicate the captures of the filters before it', async () => {
    const yes = MessengerEvents.postback('VOTE:yes');
    const none = MessengerEvents.postback('VOTE:none');
    await send([yes, none]);

    expect(calls.handlersOf(yes)).toEqual(['vote']);
    expect(calls.hitsOf(yes)[0]!.detail).toEqual({ params: { choice: 'yes' } });
    expect(calls.handlersOf(none)).toEqual([]);
  });

  it('runs a method with two stacked decorators for both payloads, once per event', async () => {
    const a = MessengerEvents.postback('A');
    const b = MessengerEvents.postback('B');
    const c = MessengerEvents.postback('C');
    const other = MessengerEvents.postback('D');
    await send([a, b, c, other]);

    expect(calls.handlersOf(a)).toEqual(['stacked']);
    expect(calls.handlersOf(b)).toEqual(['stacked']);
    // Both of overlapping's decorators match "C": still one call.
    expect(calls.handlersOf(c)).toEqual(['overlapping']);
    expect(calls.handlersOf(other)).toEqual([]);
  });

  it('routes opt-ins by payload and by type', async () => {
    const news = MessengerEvents.optin({ type: 'one_time_notif_req', payload: 'NEWS', token: 't1' });
    const recurring = MessengerEvents.optin({ type: 'notification_messages', payload: 'DEALS', token: 't2' });
    const plugin = MessengerEvents.optin({ ref: 'PASS_THROUGH' });
    await send([news, recurring, plugin]);

    expect(calls.handlersOf(news)).toEqual(['optinPayload']);
    expect(calls.handlersOf(recurring)).toEqual(['optinType']);
    expect(calls.handlersOf(plugin)).toEqual([]);
  });

  it('routes referrals by ref pattern and by source', async () => {
    const promo = MessengerEvents.referral({ ref: 'promo-SUMMER', source: 'SHORTLINK' });
    const ad = MessengerEvents.referral({ ref: 'campaign', source: 'ADS' });
    const promoAd = MessengerEvents.referral({ ref: 'promo-AD', source: 'ADS' });
    const plain = MessengerEvents.referral({ ref: 'pricing', source: 'SHORTLINK' });
    await send([promo, ad, promoAd, plain]);

    expect(calls.handlersOf(promo)).toEqual(['referralRef']);
    expect(calls.hitsOf(promo)[0]!.detail).toEqual({ params: { code: 'SUMMER' } });
    expect(calls.handlersOf(ad)).toEqual(['referralAds']);
    expect(calls.handlersOf(promoAd)).toEqual(['referralAds', 'referralRef']);
    expect(calls.handlersOf(plain)).toEqual([]);
  });

  it('routes reactions by action and by reaction', async () => {
    const loved = MessengerEvents.reaction('love', { mid: 'mid.r1' });
    const liked = MessengerEvents.reaction('like', { mid: 'mid.r2' });
    const removed = MessengerEvents.unreact('mid.r1');
    await send([loved, liked, removed]);

    expect(calls.handlersOf(loved)).toEqual(['love']);
    expect(calls.handlersOf(liked)).toEqual([]);
    expect(calls.handlersOf(removed)).toEqual(['unreact']);
  });

  it('routes handover events by kind', async () => {
    const pass = MessengerEvents.passThreadControl();
    const take = MessengerEvents.takeThreadControl();
    const request = MessengerEvents.requestThreadControl();
    await send([pass, take, request]);

    expect(calls.handlersOf(pass)).toEqual(['passed']);
    expect(calls.handlersOf(take)).toEqual(['takenOrRequested']);
    expect(calls.handlersOf(request)).toEqual(['takenOrRequested']);
  });

  it('refuses to start when a decorator has a filter it does not know, naming the handler', async () => {
    const misconfigured = await createTestApp(adapter, {
      imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET })],
      providers: [MisconfiguredBot],
    });
    await expect(misconfigured.init()).rejects.toThrow('@OnPostback on MisconfiguredBot.start filter "text" is not a filter of this decorator');
  });
});
