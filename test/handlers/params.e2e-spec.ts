import { BadRequestException, createParamDecorator, Injectable, ParseIntPipe, type ExecutionContext, type INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  Ctx,
  EchoEvent,
  Event,
  MessageEvent,
  MessengerDispatcher,
  MessengerWebhookModule,
  OnEcho,
  OnMessage,
  OnOptin,
  OnPostback,
  OnReferral,
  OptinEvent,
  PageId,
  Param,
  Payload,
  PostbackEvent,
  ReferralEvent,
  Sender,
  Text,
  type HandlerFailure,
  type MessengerContext,
} from 'nestjs-messenger-webhook';
import { createMessengerTestClient, DEFAULT_PAGE_ID, DEFAULT_SENDER, MessengerEvents, type MessengerTestClient, type SendOptions } from 'nestjs-messenger-webhook/testing';
import { ADAPTERS, APP_SECRET, createTestApp, VERIFY_TOKEN } from '../support/app.js';

/** What one handler call received, recorded by the handler itself. */
interface Seen<E, D> {
  readonly event: E;
  readonly detail: D;
}

/** A user's own parameter decorator: it reads the handler arguments the way Nest documents it. */
const HandlerArgs = createParamDecorator((_data: unknown, context: ExecutionContext) => ({
  type: context.getType<string>(),
  args: context.getArgs(),
}));

@Injectable()
class ParamsBot {
  readonly messages: Array<Seen<MessageEvent, { context: MessengerContext; sender: string; pageId: string; text: string; payload: string | undefined }>> = [];
  readonly echoes: Array<Seen<EchoEvent, { sender: string; text: string; payload: unknown }>> = [];
  readonly postbacks: Array<Seen<PostbackEvent, { sender: string; text: unknown; payload: string; kind: string }>> = [];
  readonly optins: Array<Seen<OptinEvent, { sender: string | undefined; payload: string | undefined }>> = [];
  readonly referrals: Array<Seen<ReferralEvent, { sender: string; payload: string }>> = [];
  readonly carts: Array<Seen<PostbackEvent, { sku: string; qty: number }>> = [];
  readonly undecoratedCalls: Array<Seen<MessageEvent, { args: unknown[] }>> = [];
  readonly customCalls: Array<Seen<MessageEvent, { seen: { type: string; args: unknown[] }; context: MessengerContext }>> = [];

  /** Forgets every call (the app is shared by the tests). */
  reset(): void {
    for (const list of [this.messages, this.echoes, this.postbacks, this.optins, this.referrals, this.carts, this.undecoratedCalls, this.customCalls]) list.length = 0;
  }

  @OnMessage({ text: /^params/ })
  onMessage(
    @Event() event: MessageEvent,
    @Ctx() context: MessengerContext,
    @Sender() sender: string,
    @PageId() pageId: string,
    @Text() text: string,
    @Payload() payload: string | undefined,
  ) {
    this.messages.push({ event, detail: { context, sender, pageId, text, payload } });
  }

  @OnEcho()
  onEcho(@Event() event: EchoEvent, @Sender() sender: string, @Text() text: string, @Payload() payload: unknown) {
    this.echoes.push({ event, detail: { sender, text, payload } });
  }

  @OnPostback({ payload: /^PB_/ })
  onPostback(@Event() event: PostbackEvent, @Sender() sender: string, @Text() text: unknown, @Payload() payload: string, @Ctx() context: MessengerContext) {
    this.postbacks.push({ event, detail: { sender, text, payload, kind: context.kind } });
  }

  @OnOptin()
  onOptin(@Event() event: OptinEvent, @Sender() sender: string | undefined, @Payload() payload: string | undefined) {
    this.optins.push({ event, detail: { sender, payload } });
  }

  @OnReferral()
  onReferral(@Event() event: ReferralEvent, @Sender() sender: string, @Payload() payload: string) {
    this.referrals.push({ event, detail: { sender, payload } });
  }

  @OnPostback('ADD:{sku}:{qty}')
  addToCart(@Event() event: PostbackEvent, @Param('sku') sku: string, @Param('qty', ParseIntPipe) qty: number) {
    this.carts.push({ event, detail: { sku, qty } });
  }

  @OnMessage({ text: 'undecorated' })
  // Rest parameters so the test sees every argument the library passes, and how many.
  undecorated(...args: unknown[]) {
    this.undecoratedCalls.push({ event: args[0] as MessageEvent, detail: { args } });
  }

  @OnMessage({ text: 'custom' })
  custom(@HandlerArgs() seen: { type: string; args: unknown[] }, @Event() event: MessageEvent, @Ctx() context: MessengerContext) {
    this.customCalls.push({ event, detail: { seen, context } });
  }
}

describe.each(ADAPTERS)('parameter decorators on %s', (adapter) => {
  let app: INestApplication;
  let client: MessengerTestClient;
  let bot: ParamsBot;
  const failures: HandlerFailure[] = [];

  beforeAll(async () => {
    app = await createTestApp(adapter, {
      imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET })],
      providers: [ParamsBot],
    });
    client = createMessengerTestClient(app);
    bot = app.get(ParamsBot);
    await app.init();
    app.get(MessengerDispatcher).failures$.subscribe((failure) => failures.push(failure));
  });
  afterAll(() => app.close());
  beforeEach(() => {
    failures.length = 0;
    bot.reset();
  });

  async function send(events: object[], options: SendOptions = {}): Promise<void> {
    const response = await client.send(events, options);
    expect(response.status).toBe(200);
  }

  /** The one call of a handler made for the raw event `raw` (found by its timestamp, which the kit makes unique). */
  function callFor<E extends { timestamp?: number; sender?: unknown }, D>(list: ReadonlyArray<Seen<E, D>>, raw: { timestamp: number }): Seen<E, D> {
    const found = list.filter((call) => call.event.timestamp === raw.timestamp);
    expect(found).toHaveLength(1);
    return found[0]!;
  }

  it('gives a message handler the event, context, sender, page id, text and quick reply payload', async () => {
    const raw = MessengerEvents.quickReply('params please', 'QR_1');
    await send([raw]);

    const { event, detail: seen } = callFor(bot.messages, raw);
    expect(event).toBeInstanceOf(MessageEvent);
    expect(event.message.mid).toBe(raw.message.mid);
    expect(seen.context).toMatchObject({ platform: 'messenger', object: 'page', pageId: DEFAULT_PAGE_ID, kind: 'message', standby: false, params: {} });
    expect(seen.sender).toBe(DEFAULT_SENDER);
    expect(seen.pageId).toBe(DEFAULT_PAGE_ID);
    expect(seen.text).toBe('params please');
    expect(seen.payload).toBe('QR_1');
  });

  it('gives an Instagram message handler the account id as page id', async () => {
    const raw = MessengerEvents.text('params from ig', { sender: 'IGSID_1', pageId: 'IG_ACCOUNT' });
    await send([raw], { object: 'instagram', pageId: 'IG_ACCOUNT' });

    const { detail: seen } = callFor(bot.messages, raw);
    expect(seen.context.platform).toBe('instagram');
    expect(seen.pageId).toBe('IG_ACCOUNT');
    expect(seen.sender).toBe('IGSID_1');
    expect(seen.payload).toBeUndefined();
  });

  it('gives an echo handler the echo, its sender (the Page) and its text', async () => {
    const raw = MessengerEvents.echo('sent by the page');
    await send([raw]);

    const { event, detail: seen } = callFor(bot.echoes, raw);
    expect(event).toBeInstanceOf(EchoEvent);
    expect(event.message.is_echo).toBe(true);
    expect(seen.sender).toBe(DEFAULT_PAGE_ID);
    expect(seen.text).toBe('sent by the page');
    expect(seen.payload).toBeUndefined();
  });

  it('gives a postback handler its payload and no text', async () => {
    const raw = MessengerEvents.postback('PB_MENU', { title: 'Menu' });
    await send([raw]);

    const { event, detail: seen } = callFor(bot.postbacks, raw);
    expect(event).toBeInstanceOf(PostbackEvent);
    expect(event.postback.title).toBe('Menu');
    expect(seen).toMatchObject({ sender: DEFAULT_SENDER, text: undefined, payload: 'PB_MENU', kind: 'postback' });
  });

  it("gives a checkbox opt-in (no sender) the person's optin.user_ref as sender", async () => {
    const checkbox = MessengerEvents.optin({ ref: 'CHECKBOX', userRef: 'checkbox-user-ref' });
    const otn = MessengerEvents.optin({ type: 'one_time_notif_req', payload: 'BACK_IN_STOCK', token: 'tok' });
    await send([checkbox, otn]);

    const fromCheckbox = callFor(bot.optins, checkbox);
    expect(fromCheckbox.event).toBeInstanceOf(OptinEvent);
    expect(fromCheckbox.event.sender).toBeUndefined();
    expect(fromCheckbox.detail.sender).toBe('checkbox-user-ref');
    expect(fromCheckbox.detail.payload).toBeUndefined();
    expect(callFor(bot.optins, otn).detail).toMatchObject({ sender: DEFAULT_SENDER, payload: 'BACK_IN_STOCK' });
  });

  it("gives a chat plugin referral the guest's sender.user_ref as sender and the ref as payload", async () => {
    const plugin = MessengerEvents.referral({ ref: 'pricing', source: 'CUSTOMER_CHAT_PLUGIN', userRef: 'plugin-guest' });
    await send([plugin]);

    const { event, detail: seen } = callFor(bot.referrals, plugin);
    expect(event).toBeInstanceOf(ReferralEvent);
    expect(seen.sender).toBe('plugin-guest');
    expect(seen.payload).toBe('pricing');
  });

  it("runs @Param's pipe: ParseIntPipe turns '3' into 3", async () => {
    const raw = MessengerEvents.postback('ADD:A1:3');
    await send([raw]);

    expect(callFor(bot.carts, raw).detail).toStrictEqual({ sku: 'A1', qty: 3 });
    expect(failures).toEqual([]);
  });

  it('counts a pipe that throws as a failure of that handler: not called, reported, delivery still 200', async () => {
    const raw = MessengerEvents.postback('ADD:A1:three');
    await send([raw]);

    expect(bot.carts).toEqual([]);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ reason: 'error', handler: 'ParamsBot.addToCart', kind: 'postback', pageId: DEFAULT_PAGE_ID });
    expect(failures[0]!.error).toBeInstanceOf(BadRequestException);
  });

  it('calls a handler without parameter decorators with (event, context)', async () => {
    const raw = MessengerEvents.text('undecorated');
    await send([raw]);

    const { args } = callFor(bot.undecoratedCalls, raw).detail;
    expect(args).toHaveLength(2);
    expect(args[0]).toBeInstanceOf(MessageEvent);
    expect((args[0] as MessageEvent).message.text).toBe('undecorated');
    expect(args[1]).toMatchObject({ kind: 'message', pageId: DEFAULT_PAGE_ID, platform: 'messenger' });
  });

  it('lets a createParamDecorator read [event, context] from ctx.getArgs() in the messenger context type', async () => {
    const raw = MessengerEvents.text('custom');
    await send([raw]);

    const {
      event,
      detail: { seen, context },
    } = callFor(bot.customCalls, raw);
    expect(seen.type).toBe('messenger');
    expect(seen.args).toHaveLength(2);
    expect(seen.args[0]).toBe(event);
    expect(seen.args[1]).toBe(context);
  });
});
