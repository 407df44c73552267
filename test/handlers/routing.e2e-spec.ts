import { Injectable } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Ctx,
  Event,
  MessengerWebhookModule,
  OnEcho,
  OnHandover,
  OnMessage,
  OnOptin,
  OnPostback,
  OnReaction,
  OnReferral,
  Param,
  type MessengerContext,
  type MessengerEvent,
} from 'nestjs-messenger-webhook';
import { ADAPTERS, APP_SECRET, delivery, startServer, VERIFY_TOKEN, type TestServer } from '../support/app.js';
import { Calls } from '../support/calls.js';
import { echo, handover, message, multiEntryDelivery, optin, postback, reaction, referral, type RawEvent } from '../support/events.js';

/** One handler per filter under test; each records its name and the captures it was given. */
@Injectable()
class RoutingBot {
  constructor(private readonly calls: Calls) {}

  private hit(handler: string, event: MessengerEvent, context: MessengerContext): void {
    this.calls.add(handler, event, { params: context.params });
  }

  @OnMessage()
  anyMessage(event: MessengerEvent, context: MessengerContext) {
    this.hit('anyMessage', event, context);
  }

  @OnMessage({ text: 'hello' })
  exactText(event: MessengerEvent, context: MessengerContext) {
    this.hit('exactText', event, context);
  }

  @OnMessage('hi')
  shorthandText(event: MessengerEvent, context: MessengerContext) {
    this.hit('shorthandText', event, context);
  }

  @OnMessage(/^hey\b/i)
  shorthandRegExp(event: MessengerEvent, context: MessengerContext) {
    this.hit('shorthandRegExp', event, context);
  }

  @OnMessage({ quickReply: 'COLOR:{color}' })
  quickReply(event: MessengerEvent, context: MessengerContext) {
    this.hit('quickReply', event, context);
  }

  @OnMessage({ attachment: 'image' })
  image(event: MessengerEvent, context: MessengerContext) {
    this.hit('image', event, context);
  }

  @OnMessage({ attachment: ['audio', 'video'] })
  audioOrVideo(event: MessengerEvent, context: MessengerContext) {
    this.hit('audioOrVideo', event, context);
  }

  @OnMessage({ text: 'hello', platform: 'instagram' })
  instagramHello(event: MessengerEvent, context: MessengerContext) {
    this.hit('instagramHello', event, context);
  }

  @OnMessage({ pageId: 'PAGE_2' })
  page2(event: MessengerEvent, context: MessengerContext) {
    this.hit('page2', event, context);
  }

  @OnMessage({ pageId: ['PAGE_2', 'PAGE_3'] })
  page2or3(event: MessengerEvent, context: MessengerContext) {
    this.hit('page2or3', event, context);
  }

  @OnMessage({ where: (event) => event.message.text?.endsWith('!') === true })
  exclaimed(event: MessengerEvent, context: MessengerContext) {
    this.hit('exclaimed', event, context);
  }

  @OnEcho('hello')
  echoHello(event: MessengerEvent, context: MessengerContext) {
    this.hit('echoHello', event, context);
  }

  @OnPostback('GET_STARTED')
  getStarted(event: MessengerEvent, context: MessengerContext) {
    this.hit('getStarted', event, context);
  }

  @OnPostback({ payload: 'ADD:{sku}:{qty}' })
  add(
    @Event() event: MessengerEvent,
    @Param('sku') sku: string,
    @Param('qty') qty: string,
    @Param() all: Record<string, string>,
    @Ctx() context: MessengerContext,
  ) {
    this.calls.add('add', event, { sku, qty, all, params: context.params });
  }

  @OnPostback(/^ORDER-(?<orderId>\d+)$/)
  order(@Event() event: MessengerEvent, @Param('orderId') orderId: string, @Param() all: Record<string, string>, @Ctx() context: MessengerContext) {
    this.calls.add('order', event, { orderId, all, params: context.params });
  }

  @OnPostback({ payload: 'VOTE:{choice}', where: (_event, context) => context.params.choice !== 'none' })
  vote(event: MessengerEvent, context: MessengerContext) {
    this.hit('vote', event, context);
  }

  @OnPostback('A')
  @OnPostback('B')
  stacked(event: MessengerEvent, context: MessengerContext) {
    this.hit('stacked', event, context);
  }

  @OnPostback('C')
  @OnPostback({ payload: /^C/ })
  overlapping(event: MessengerEvent, context: MessengerContext) {
    this.hit('overlapping', event, context);
  }

  @OnOptin('NEWS')
  optinPayload(event: MessengerEvent, context: MessengerContext) {
    this.hit('optinPayload', event, context);
  }

  @OnOptin({ type: 'notification_messages' })
  optinType(event: MessengerEvent, context: MessengerContext) {
    this.hit('optinType', event, context);
  }

  @OnReferral('promo-{code}')
  referralRef(event: MessengerEvent, context: MessengerContext) {
    this.hit('referralRef', event, context);
  }

  @OnReferral({ source: 'ADS' })
  referralAds(event: MessengerEvent, context: MessengerContext) {
    this.hit('referralAds', event, context);
  }

  @OnReaction({ action: 'unreact' })
  unreact(event: MessengerEvent, context: MessengerContext) {
    this.hit('unreact', event, context);
  }

  @OnReaction({ reaction: 'love' })
  love(event: MessengerEvent, context: MessengerContext) {
    this.hit('love', event, context);
  }

  @OnHandover({ kind: 'pass_thread_control' })
  passed(event: MessengerEvent, context: MessengerContext) {
    this.hit('passed', event, context);
  }

  @OnHandover({ kind: ['take_thread_control', 'request_thread_control'] })
  takenOrRequested(event: MessengerEvent, context: MessengerContext) {
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
  let server: TestServer;
  let calls: Calls;

  beforeAll(async () => {
    server = await startServer(adapter, {
      imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET })],
      providers: [Calls, RoutingBot],
    });
    calls = server.app.get(Calls);
  });
  afterAll(() => server.close());

  async function send(events: RawEvent[], options: { object?: string; pageId?: string } = {}): Promise<void> {
    const response = await server.post(delivery(events, options));
    expect(response.status).toBe(200);
  }

  it('routes messages by exact text, shorthand string and shorthand RegExp, and by a where predicate', async () => {
    const hello = message({ text: 'hello' });
    const helloCapital = message({ text: 'Hello' });
    const hi = message({ text: 'hi' });
    const hiThere = message({ text: 'hi there' });
    const heyYou = message({ text: 'Hey you' });
    const heyday = message({ text: 'heyday' });
    const wow = message({ text: 'wow!' });
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
    const red = message({ text: 'Red', quickReply: 'COLOR:red' });
    const size = message({ text: 'L', quickReply: 'SIZE:L' });
    const typed = message({ text: 'COLOR:red' });
    await send([red, size, typed]);

    expect(calls.handlersOf(red)).toEqual(['anyMessage', 'quickReply']);
    expect(calls.of(red).find((call) => call.handler === 'quickReply')!.detail).toEqual({ params: { color: 'red' } });
    expect(calls.of(red).find((call) => call.handler === 'anyMessage')!.detail).toEqual({ params: {} });
    expect(calls.handlersOf(size)).toEqual(['anyMessage']);
    expect(calls.handlersOf(typed)).toEqual(['anyMessage']);
  });

  it('routes by attachment type, one type or any of several', async () => {
    const picture = message({ attachments: ['image'] });
    const clip = message({ attachments: ['video'] });
    const voice = message({ attachments: ['audio'] });
    const document = message({ attachments: ['file'] });
    const mixed = message({ attachments: ['file', 'image'] });
    await send([picture, clip, voice, document, mixed]);

    expect(calls.handlersOf(picture)).toEqual(['anyMessage', 'image']);
    expect(calls.handlersOf(clip)).toEqual(['anyMessage', 'audioOrVideo']);
    expect(calls.handlersOf(voice)).toEqual(['anyMessage', 'audioOrVideo']);
    expect(calls.handlersOf(document)).toEqual(['anyMessage']);
    expect(calls.handlersOf(mixed)).toEqual(['anyMessage', 'image']);
  });

  it('routes by platform and by page id (one id or a list)', async () => {
    const onInstagram = message({ text: 'hello' });
    await send([onInstagram], { object: 'instagram', pageId: 'IG_1' });
    expect(calls.handlersOf(onInstagram)).toEqual(['anyMessage', 'exactText', 'instagramHello']);

    const toPage1 = message({ text: 'x' });
    const toPage2 = message({ text: 'x' });
    const toPage3 = message({ text: 'x' });
    const response = await server.post(
      multiEntryDelivery([
        { pageId: 'PAGE_1', events: [toPage1] },
        { pageId: 'PAGE_2', events: [toPage2] },
        { pageId: 'PAGE_3', events: [toPage3] },
      ]),
    );
    expect(response.status).toBe(200);
    expect(calls.handlersOf(toPage1)).toEqual(['anyMessage']);
    expect(calls.handlersOf(toPage2)).toEqual(['anyMessage', 'page2', 'page2or3']);
    expect(calls.handlersOf(toPage3)).toEqual(['anyMessage', 'page2or3']);
  });

  it('sends echoes to @OnEcho only, filtered by their text', async () => {
    const helloEcho = echo({ text: 'hello' });
    const byeEcho = echo({ text: 'bye' });
    await send([helloEcho, byeEcho]);

    expect(calls.handlersOf(helloEcho)).toEqual(['echoHello']);
    expect(calls.handlersOf(byeEcho)).toEqual([]);
  });

  it('routes postbacks by exact payload and never by prefix', async () => {
    const started = postback('GET_STARTED');
    const startedNow = postback('GET_STARTED_NOW');
    await send([started, startedNow]);

    expect(calls.handlersOf(started)).toEqual(['getStarted']);
    expect(calls.handlersOf(startedNow)).toEqual([]);
  });

  it('hands {name} captures to @Param(name), @Param() and context.params; the whole payload must match, shortest first', async () => {
    const addOne = postback('ADD:A1:3');
    const addShort = postback('ADD:A1');
    const addColons = postback('ADD:A:1:2');
    await send([addOne, addShort, addColons]);

    expect(calls.of(addOne).map((call) => call.detail)).toEqual([
      { sku: 'A1', qty: '3', all: { sku: 'A1', qty: '3' }, params: { sku: 'A1', qty: '3' } },
    ]);
    expect(calls.handlersOf(addShort)).toEqual([]);
    expect(calls.of(addColons).map((call) => call.detail)).toEqual([
      { sku: 'A', qty: '1:2', all: { sku: 'A', qty: '1:2' }, params: { sku: 'A', qty: '1:2' } },
    ]);
  });

  it('hands RegExp named groups to @Param(name), @Param() and context.params', async () => {
    const order42 = postback('ORDER-42');
    const lowerCase = postback('order-42');
    const notDigits = postback('ORDER-x');
    await send([order42, lowerCase, notDigits]);

    expect(calls.of(order42).map((call) => call.detail)).toEqual([{ orderId: '42', all: { orderId: '42' }, params: { orderId: '42' } }]);
    expect(calls.handlersOf(lowerCase)).toEqual([]);
    expect(calls.handlersOf(notDigits)).toEqual([]);
  });

  it('gives a where predicate the captures of the filters before it', async () => {
    const yes = postback('VOTE:yes');
    const none = postback('VOTE:none');
    await send([yes, none]);

    expect(calls.handlersOf(yes)).toEqual(['vote']);
    expect(calls.of(yes)[0]!.detail).toEqual({ params: { choice: 'yes' } });
    expect(calls.handlersOf(none)).toEqual([]);
  });

  it('runs a method with two stacked decorators for both payloads, once per event', async () => {
    const a = postback('A');
    const b = postback('B');
    const c = postback('C');
    const other = postback('D');
    await send([a, b, c, other]);

    expect(calls.handlersOf(a)).toEqual(['stacked']);
    expect(calls.handlersOf(b)).toEqual(['stacked']);
    // Both of overlapping's decorators match "C": still one call.
    expect(calls.handlersOf(c)).toEqual(['overlapping']);
    expect(calls.handlersOf(other)).toEqual([]);
  });

  it('routes opt-ins by payload and by type', async () => {
    const news = optin({ type: 'one_time_notif_req', payload: 'NEWS', one_time_notif_token: 't1' });
    const recurring = optin({ type: 'notification_messages', payload: 'DEALS', notification_messages_token: 't2' });
    const plugin = optin({ ref: 'PASS_THROUGH' });
    await send([news, recurring, plugin]);

    expect(calls.handlersOf(news)).toEqual(['optinPayload']);
    expect(calls.handlersOf(recurring)).toEqual(['optinType']);
    expect(calls.handlersOf(plugin)).toEqual([]);
  });

  it('routes referrals by ref pattern and by source', async () => {
    const promo = referral({ ref: 'promo-SUMMER', source: 'SHORTLINK' });
    const ad = referral({ ref: 'campaign', source: 'ADS' });
    const promoAd = referral({ ref: 'promo-AD', source: 'ADS' });
    const plain = referral({ ref: 'pricing', source: 'SHORTLINK' });
    await send([promo, ad, promoAd, plain]);

    expect(calls.handlersOf(promo)).toEqual(['referralRef']);
    expect(calls.of(promo)[0]!.detail).toEqual({ params: { code: 'SUMMER' } });
    expect(calls.handlersOf(ad)).toEqual(['referralAds']);
    expect(calls.handlersOf(promoAd)).toEqual(['referralAds', 'referralRef']);
    expect(calls.handlersOf(plain)).toEqual([]);
  });

  it('routes reactions by action and by reaction', async () => {
    const loved = reaction('mid.r1', 'react', { reaction: 'love' });
    const liked = reaction('mid.r2', 'react', { reaction: 'like' });
    const removed = reaction('mid.r1', 'unreact');
    await send([loved, liked, removed]);

    expect(calls.handlersOf(loved)).toEqual(['love']);
    expect(calls.handlersOf(liked)).toEqual([]);
    expect(calls.handlersOf(removed)).toEqual(['unreact']);
  });

  it('routes handover events by kind', async () => {
    const pass = handover('pass_thread_control');
    const take = handover('take_thread_control');
    const request = handover('request_thread_control');
    await send([pass, take, request]);

    expect(calls.handlersOf(pass)).toEqual(['passed']);
    expect(calls.handlersOf(take)).toEqual(['takenOrRequested']);
    expect(calls.handlersOf(request)).toEqual(['takenOrRequested']);
  });

  it('refuses to start when a decorator has a filter it does not know, naming the handler', async () => {
    await expect(
      startServer(adapter, {
        imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET })],
        providers: [MisconfiguredBot],
      }),
    ).rejects.toThrow('@OnPostback on MisconfiguredBot.start filter "text" is not a filter of this decorator');
  });
});
