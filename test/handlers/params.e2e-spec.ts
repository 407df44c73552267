import { BadRequestException, createParamDecorator, Injectable, ParseIntPipe, type ExecutionContext } from '@nestjs/common';
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
  type MessengerEvent,
} from 'nestjs-messenger-webhook';
import { ADAPTERS, APP_SECRET, delivery, startServer, VERIFY_TOKEN, type TestServer } from '../support/app.js';
import { Calls } from '../support/calls.js';
import { echo, message, optin, PAGE_ID, postback, referral, USER_ID, type RawEvent } from '../support/events.js';

/** A user's own parameter decorator: it reads the handler arguments the way Nest documents it. */
const HandlerArgs = createParamDecorator((_data: unknown, context: ExecutionContext) => ({
  type: context.getType<string>(),
  args: context.getArgs(),
}));

@Injectable()
class ParamsBot {
  constructor(private readonly calls: Calls) {}

  @OnMessage({ text: /^params/ })
  onMessage(
    @Event() event: MessageEvent,
    @Ctx() context: MessengerContext,
    @Sender() sender: string,
    @PageId() pageId: string,
    @Text() text: string,
    @Payload() payload: string | undefined,
  ) {
    this.calls.add('message', event, { event, context, sender, pageId, text, payload });
  }

  @OnEcho()
  onEcho(@Event() event: EchoEvent, @Sender() sender: string, @Text() text: string, @Payload() payload: unknown) {
    this.calls.add('echo', event, { event, sender, text, payload });
  }

  @OnPostback({ payload: /^PB_/ })
  onPostback(@Event() event: PostbackEvent, @Sender() sender: string, @Text() text: unknown, @Payload() payload: string, @Ctx() context: MessengerContext) {
    this.calls.add('postback', event, { event, sender, text, payload, kind: context.kind });
  }

  @OnOptin()
  onOptin(@Event() event: OptinEvent, @Sender() sender: string | undefined, @Payload() payload: string | undefined) {
    this.calls.add('optin', event, { event, sender, payload });
  }

  @OnReferral()
  onReferral(@Event() event: ReferralEvent, @Sender() sender: string, @Payload() payload: string) {
    this.calls.add('referral', event, { event, sender, payload });
  }

  @OnPostback('ADD:{sku}:{qty}')
  addToCart(@Event() event: PostbackEvent, @Param('sku') sku: string, @Param('qty', ParseIntPipe) qty: number) {
    this.calls.add('addToCart', event, { sku, qty });
  }

  @OnMessage({ text: 'undecorated' })
  // Rest parameters so the test sees every argument the library passes, and how many.
  undecorated(...args: unknown[]) {
    this.calls.add('undecorated', args[0] as object, { args });
  }

  @OnMessage({ text: 'custom' })
  custom(@HandlerArgs() seen: { type: string; args: unknown[] }, @Event() event: MessengerEvent, @Ctx() context: MessengerContext) {
    this.calls.add('custom', event, { seen, event, context });
  }
}

describe.each(ADAPTERS)('parameter decorators on %s', (adapter) => {
  let server: TestServer;
  let calls: Calls;
  const failures: HandlerFailure[] = [];

  beforeAll(async () => {
    server = await startServer(adapter, {
      imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET })],
      providers: [Calls, ParamsBot],
    });
    calls = server.app.get(Calls);
    server.app.get(MessengerDispatcher).failures$.subscribe((failure) => failures.push(failure));
  });
  afterAll(() => server.close());
  beforeEach(() => {
    failures.length = 0;
  });

  async function send(events: RawEvent[], options: { object?: string; pageId?: string } = {}): Promise<void> {
    const response = await server.post(delivery(events, options));
    expect(response.status).toBe(200);
  }

  function detailOf<T>(raw: RawEvent, handler: string): T {
    const found = calls.of(raw).filter((call) => call.handler === handler);
    expect(found).toHaveLength(1);
    return found[0]!.detail as T;
  }

  it('gives a message handler the event, context, sender, page id, text and quick reply payload', async () => {
    const raw = message({ text: 'params please', quickReply: 'QR_1' });
    await send([raw]);

    const seen = detailOf<{ event: MessageEvent; context: MessengerContext; sender: string; pageId: string; text: string; payload: string }>(raw, 'message');
    expect(seen.event).toBeInstanceOf(MessageEvent);
    expect(seen.event.message.mid).toBe((raw.message as { mid: string }).mid);
    expect(seen.context).toMatchObject({ platform: 'messenger', object: 'page', pageId: PAGE_ID, kind: 'message', standby: false, params: {} });
    expect(seen.sender).toBe(USER_ID);
    expect(seen.pageId).toBe(PAGE_ID);
    expect(seen.text).toBe('params please');
    expect(seen.payload).toBe('QR_1');
  });

  it('gives an Instagram message handler the account id as page id', async () => {
    const raw = message({ text: 'params from ig', sender: 'IGSID_1' });
    await send([raw], { object: 'instagram', pageId: 'IG_ACCOUNT' });

    const seen = detailOf<{ context: MessengerContext; sender: string; pageId: string; payload: unknown }>(raw, 'message');
    expect(seen.context.platform).toBe('instagram');
    expect(seen.pageId).toBe('IG_ACCOUNT');
    expect(seen.sender).toBe('IGSID_1');
    expect(seen.payload).toBeUndefined();
  });

  it('gives an echo handler the echo, its sender (the Page) and its text', async () => {
    const raw = echo({ text: 'sent by the page' });
    await send([raw]);

    const seen = detailOf<{ event: EchoEvent; sender: string; text: string; payload: unknown }>(raw, 'echo');
    expect(seen.event).toBeInstanceOf(EchoEvent);
    expect(seen.event.message.is_echo).toBe(true);
    expect(seen.sender).toBe(PAGE_ID);
    expect(seen.text).toBe('sent by the page');
    expect(seen.payload).toBeUndefined();
  });

  it('gives a postback handler its payload and no text', async () => {
    const raw = postback('PB_MENU', { title: 'Menu' });
    await send([raw]);

    const seen = detailOf<{ event: PostbackEvent; sender: string; text: unknown; payload: string; kind: string }>(raw, 'postback');
    expect(seen.event).toBeInstanceOf(PostbackEvent);
    expect(seen.event.postback.title).toBe('Menu');
    expect(seen).toMatchObject({ sender: USER_ID, text: undefined, payload: 'PB_MENU', kind: 'postback' });
  });

  it("gives a checkbox opt-in (no sender) the person's optin.user_ref as sender", async () => {
    const checkbox = optin({ ref: 'CHECKBOX', user_ref: 'checkbox-user-ref' }, { checkbox: true });
    const otn = optin({ type: 'one_time_notif_req', payload: 'BACK_IN_STOCK', one_time_notif_token: 'tok' });
    await send([checkbox, otn]);

    const fromCheckbox = detailOf<{ event: OptinEvent; sender: string; payload: unknown }>(checkbox, 'optin');
    expect(fromCheckbox.event).toBeInstanceOf(OptinEvent);
    expect(fromCheckbox.event.sender).toBeUndefined();
    expect(fromCheckbox.sender).toBe('checkbox-user-ref');
    expect(fromCheckbox.payload).toBeUndefined();
    expect(detailOf<{ sender: string; payload: unknown }>(otn, 'optin')).toMatchObject({ sender: USER_ID, payload: 'BACK_IN_STOCK' });
  });

  it("gives a chat plugin referral the guest's sender.user_ref as sender and the ref as payload", async () => {
    const plugin = referral({ ref: 'pricing', source: 'CUSTOMER_CHAT_PLUGIN' }, { userRef: 'plugin-guest' });
    await send([plugin]);

    const seen = detailOf<{ event: ReferralEvent; sender: string; payload: string }>(plugin, 'referral');
    expect(seen.event).toBeInstanceOf(ReferralEvent);
    expect(seen.sender).toBe('plugin-guest');
    expect(seen.payload).toBe('pricing');
  });

  it("runs @Param's pipe: ParseIntPipe turns '3' into 3", async () => {
    const raw = postback('ADD:A1:3');
    await send([raw]);

    expect(detailOf(raw, 'addToCart')).toStrictEqual({ sku: 'A1', qty: 3 });
    expect(failures).toEqual([]);
  });

  it('counts a pipe that throws as a failure of that handler: not called, reported, delivery still 200', async () => {
    const raw = postback('ADD:A1:three');
    await send([raw]);

    expect(calls.handlersOf(raw)).toEqual([]);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ reason: 'error', handler: 'ParamsBot.addToCart', kind: 'postback', pageId: PAGE_ID });
    expect(failures[0]!.error).toBeInstanceOf(BadRequestException);
  });

  it('calls a handler without parameter decorators with (event, context)', async () => {
    const raw = message({ text: 'undecorated' });
    await send([raw]);

    const { args } = detailOf<{ args: unknown[] }>(raw, 'undecorated');
    expect(args).toHaveLength(2);
    expect(args[0]).toBeInstanceOf(MessageEvent);
    expect((args[0] as MessageEvent).message.text).toBe('undecorated');
    expect(args[1]).toMatchObject({ kind: 'message', pageId: PAGE_ID, platform: 'messenger' });
  });

  it('lets a createParamDecorator read [event, context] from ctx.getArgs() in the messenger context type', async () => {
    const raw = message({ text: 'custom' });
    await send([raw]);

    const { seen, event, context } = detailOf<{ seen: { type: string; args: unknown[] }; event: MessengerEvent; context: MessengerContext }>(raw, 'custom');
    expect(seen.type).toBe('messenger');
    expect(seen.args).toHaveLength(2);
    expect(seen.args[0]).toBe(event);
    expect(seen.args[1]).toBe(context);
  });
});
