import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AccountLinkingEvent,
  AppRolesEvent,
  ChangeEvent,
  CommentEvent,
  Coordinates,
  DeliveryEvent,
  EchoEvent,
  FeedbackEvent,
  GamePlayEvent,
  ImageAttachment,
  LocationAttachment,
  LocationPayload,
  MediaPayload,
  MessageEditEvent,
  MentionEvent,
  MessageEvent,
  MessengerWebhookModule,
  OptinEvent,
  Order,
  OrderProduct,
  PassThreadControlEvent,
  PolicyEnforcement,
  PolicyEnforcementEvent,
  Postback,
  PostbackEvent,
  ReactionEvent,
  ReadEvent,
  EventRecipient,
  EventSender,
  Referral,
  ReferralEvent,
  ReplyTo,
  ReplyToStory,
  RequestThreadControlEvent,
  ResponseFeedbackEvent,
  SendCartEvent,
  StoryInsightsEvent,
  TakeThreadControlEvent,
  TemplateAttachment,
  TemplateButton,
  TemplatePayload,
  TemplateStatusUpdateEvent,
  TemplateStatusUpdateValue,
  UnknownEvent,
} from 'nestjs-messenger-webhook';
import { rawEvents, type RawEventKind } from '../../libs/messenger-webhook/test/fixtures/raw-events.js';
import {
  createMessengerTestClient,
  MessengerEvents,
  MessengerRecorder,
  type MessengerTestClient,
  type RecordedDecorator,
  type SendOptions,
} from 'nestjs-messenger-webhook/testing';
import { ADAPTERS, APP_SECRET, createTestApp, VERIFY_TOKEN } from '../support/app.js';
import { fixtureDelivery, fixtureRoute, numbersAsText, type Json } from './fixture-route.js';

type EventClass = abstract new (...args: never[]) => object;

/** PROTOCOL.md section 5, as a user sees it: which decorator receives each kind, and as which class. */
const ROUTING: Record<RawEventKind, { decorator: RecordedDecorator | null; eventClass: EventClass }> = {
  echo: { decorator: 'OnEcho', eventClass: EchoEvent },
  message: { decorator: 'OnMessage', eventClass: MessageEvent },
  message_edit: { decorator: 'OnMessageEdit', eventClass: MessageEditEvent },
  reaction: { decorator: 'OnReaction', eventClass: ReactionEvent },
  read: { decorator: 'OnRead', eventClass: ReadEvent },
  delivery: { decorator: 'OnDelivery', eventClass: DeliveryEvent },
  postback: { decorator: 'OnPostback', eventClass: PostbackEvent },
  referral: { decorator: 'OnReferral', eventClass: ReferralEvent },
  optin: { decorator: 'OnOptin', eventClass: OptinEvent },
  account_linking: { decorator: 'OnAccountLinking', eventClass: AccountLinkingEvent },
  messaging_feedback: { decorator: 'OnFeedback', eventClass: FeedbackEvent },
  response_feedback: { decorator: 'OnResponseFeedback', eventClass: ResponseFeedbackEvent },
  game_play: { decorator: 'OnGamePlay', eventClass: GamePlayEvent },
  pass_thread_control: { decorator: 'OnHandover', eventClass: PassThreadControlEvent },
  take_thread_control: { decorator: 'OnHandover', eventClass: TakeThreadControlEvent },
  request_thread_control: { decorator: 'OnHandover', eventClass: RequestThreadControlEvent },
  app_roles: { decorator: 'OnHandover', eventClass: AppRolesEvent },
  policy_enforcement: { decorator: 'OnPolicyEnforcement', eventClass: PolicyEnforcementEvent },
  send_cart: { decorator: 'OnSendCart', eventClass: SendCartEvent },
  template_status_update: { decorator: 'OnTemplateStatusUpdate', eventClass: TemplateStatusUpdateEvent },
  comment: { decorator: 'OnComment', eventClass: CommentEvent },
  mention: { decorator: 'OnMention', eventClass: MentionEvent },
  story_insights: { decorator: 'OnStoryInsights', eventClass: StoryInsightsEvent },
  change: { decorator: 'OnChange', eventClass: ChangeEvent },
  unknown: { decorator: null, eventClass: UnknownEvent },
};
const KINDS = Object.keys(ROUTING) as RawEventKind[];

const PSID = 'PSID_1';
const PAGE = 'PAGE_1';
const IGSID = 'IGSID_1';
const IG_ACCOUNT = 'IG_ACCOUNT_1';
const toPage = { sender: PSID, pageId: PAGE };
const toIg = { sender: IGSID, pageId: IG_ACCOUNT };
const onInstagram = { object: 'instagram', pageId: IG_ACCOUNT } as const;

describe.each(ADAPTERS)('routing of events to handlers on %s', (adapter) => {
  let app: INestApplication;
  let client: MessengerTestClient;
  let recorder: MessengerRecorder;
  beforeAll(async () => {
    // Redelivery detection is off: several fixtures share a mid on purpose, and each must still be routed.
    app = await createTestApp(adapter, {
      imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, dedupe: false })],
      providers: [MessengerRecorder],
    });
    client = createMessengerTestClient(app);
    recorder = app.get(MessengerRecorder);
  });
  beforeEach(() => recorder.reset());
  afterAll(() => app.close());

  /** Sends events (or a body) signed, and fails the test unless Meta would be told it was received. */
  async function deliver(events: object | object[], options?: SendOptions): Promise<void> {
    const response = await client.send(events, options);
    expect(response.status, response.body).toBe(200);
  }

  const eventsOf = <D extends RecordedDecorator>(decorator: D) => recorder.received(decorator).map((call) => call.event);

  it.each(KINDS)('every %s sample reaches its own handler once and @OnEvent once, as its class', async (kind) => {
    const { decorator, eventClass } = ROUTING[kind];
    expect(rawEvents[kind].length).toBeGreaterThan(0);
    for (const [index, raw] of rawEvents[kind].entries()) {
      recorder.reset();
      const route = fixtureRoute(raw);
      await deliver(fixtureDelivery(raw));
      const where = `${kind} sample ${index}`;
      expect(recorder.decorators(), where).toEqual(decorator ? [decorator, 'OnEvent'].sort() : ['OnEvent']);
      for (const { event, context } of recorder.calls) {
        expect(event, where).toBeInstanceOf(eventClass);
        // Every field Meta sent reaches the handler, with its name and value as sent (ids sent as numbers read as
        // strings, quoted numbers as numbers: the same text either way).
        expect(numbersAsText(event), where).toMatchObject(numbersAsText(raw) as Json);
        expect(context, where).toMatchObject({
          platform: route.object === 'instagram' ? 'instagram' : 'messenger',
          object: route.object,
          pageId: route.pageId,
          standby: false,
          source: route.list,
          kind,
        });
        if ('sender' in raw) expect('sender' in event ? event.sender : undefined, where).toBeInstanceOf(EventSender);
        if ('recipient' in raw) expect('recipient' in event ? event.recipient : undefined, where).toBeInstanceOf(EventRecipient);
      }
    }
  });

  it('builds nested objects as class instances, not plain objects', async () => {
    const echo = MessengerEvents.echo('Next?', { ...toPage, mid: 'm_tpl' });
    echo.message.attachments = [
      { type: 'template', payload: { template_type: 'button', text: 'Next?', buttons: [{ type: 'postback', title: 'Again', payload: 'AGAIN' }] } },
    ];
    await deliver([
      MessengerEvents.attachment('image', { url: 'https://cdn.example/1.png' }, { ...toPage, mid: 'm_img' }),
      MessengerEvents.attachment('location', { coordinates: { lat: 48.85, long: 2.35 } }, { ...toPage, mid: 'm_loc' }),
      echo,
      MessengerEvents.postback('GET_STARTED', { ...toPage, title: 'Start', referral: { ref: 'ad', source: 'ADS' } }),
      MessengerEvents.sendCart([{ id: 'P1', retailer_id: 'SKU', name: 'Cap', unit_price: 9.5, currency: 'USD', quantity: 1 }], toPage),
      MessengerEvents.templateStatusUpdate({ templateId: 7, templateName: 'n' }),
    ]);
    const [image, location] = eventsOf('OnMessage');
    const imageAttachment = image?.message.attachments?.[0];
    expect(imageAttachment).toBeInstanceOf(ImageAttachment);
    expect((imageAttachment as ImageAttachment).payload).toBeInstanceOf(MediaPayload);
    expect((imageAttachment as ImageAttachment).payload?.url).toBe('https://cdn.example/1.png');
    const locationAttachment = location?.message.attachments?.[0] as LocationAttachment;
    expect(locationAttachment).toBeInstanceOf(LocationAttachment);
    expect(locationAttachment.payload).toBeInstanceOf(LocationPayload);
    expect(locationAttachment.payload?.coordinates).toBeInstanceOf(Coordinates);
    expect(locationAttachment.payload?.coordinates).toMatchObject({ lat: 48.85, long: 2.35 });

    const template = eventsOf('OnEcho')[0]!.message.attachments?.[0] as TemplateAttachment;
    expect(template).toBeInstanceOf(TemplateAttachment);
    expect(template.payload).toBeInstanceOf(TemplatePayload);
    expect(template.payload?.buttons?.[0]).toBeInstanceOf(TemplateButton);

    const postback = eventsOf('OnPostback')[0]!.postback;
    expect(postback).toBeInstanceOf(Postback);
    expect(postback.referral).toBeInstanceOf(Referral);
    const order = eventsOf('OnSendCart')[0]!.order;
    expect(order).toBeInstanceOf(Order);
    expect(order.products[0]).toBeInstanceOf(OrderProduct);
    const statusUpdate = eventsOf('OnTemplateStatusUpdate')[0]!;
    expect(statusUpdate.value).toBeInstanceOf(TemplateStatusUpdateValue);
    expect(statusUpdate.value.event).toBe('APPROVED');
  });

  it('routes both policy_enforcement and the older policy-enforcement to @OnPolicyEnforcement', async () => {
    // Older deliveries spell the key with a hyphen.
    const { policy_enforcement: block, ...older } = MessengerEvents.policyEnforcement('block', { reason: 'policies' });
    await deliver([MessengerEvents.policyEnforcement('warning', { reason: 'spam' }), { ...older, 'policy-enforcement': block }]);
    const events = eventsOf('OnPolicyEnforcement');
    expect(events).toHaveLength(2);
    expect(events.map((event) => event.enforcement)).toEqual([expect.any(PolicyEnforcement), expect.any(PolicyEnforcement)]);
    expect(events.map((event) => event.enforcement?.action)).toEqual(['warning', 'block']);
    expect(recorder.decorators()).toEqual(['OnEvent', 'OnEvent', 'OnPolicyEnforcement', 'OnPolicyEnforcement']);
  });

  it('handles events that come with no sender: app_roles, policy enforcement, checkbox opt-in', async () => {
    await deliver([
      MessengerEvents.appRoles({ '123456789': ['primary_receiver'] }),
      MessengerEvents.policyEnforcement('unblock'),
      MessengerEvents.optin({ ref: 'CHECKBOX', userRef: 'UNIQUE_REF' }),
    ]);
    const [appRoles] = eventsOf('OnHandover');
    expect(appRoles).toBeInstanceOf(AppRolesEvent);
    expect((appRoles as AppRolesEvent).app_roles).toEqual({ '123456789': ['primary_receiver'] });
    expect(eventsOf('OnPolicyEnforcement')).toHaveLength(1);
    const [optin] = eventsOf('OnOptin');
    expect(optin?.optin.user_ref).toBe('UNIQUE_REF');
    for (const { event } of recorder.calls) expect('sender' in event ? event.sender : undefined).toBeUndefined();
    expect(recorder.received('OnEvent')).toHaveLength(3);
  });

  it('handles Instagram messages, echoes, seen receipts, deletions and story replies', async () => {
    await deliver(
      [
        MessengerEvents.text('hi from instagram', { ...toIg, mid: 'ig_text' }),
        MessengerEvents.echo('Thanks!', { ...toIg, mid: 'ig_echo' }),
        MessengerEvents.read({ ...toIg, mid: 'ig_echo' }),
        MessengerEvents.unsend('ig_text', toIg),
        MessengerEvents.text('Love it', { ...toIg, mid: 'ig_story', replyToStory: { url: 'https://cdn.example/story', id: 'S1' } }),
      ],
      onInstagram,
    );
    expect(recorder.calls.every(({ context }) => context.platform === 'instagram' && context.pageId === IG_ACCOUNT)).toBe(true);
    const messages = eventsOf('OnMessage');
    expect(messages.map((event) => event.message.mid)).toEqual(['ig_text', 'ig_text', 'ig_story']);
    expect(messages[0]?.message.text).toBe('hi from instagram');
    expect(messages[1]?.message.is_deleted).toBe(true);
    expect(messages[2]?.message.reply_to).toBeInstanceOf(ReplyTo);
    expect(messages[2]?.message.reply_to?.story).toBeInstanceOf(ReplyToStory);
    expect(messages[2]?.message.reply_to?.story?.url).toBe('https://cdn.example/story');
    expect(eventsOf('OnEcho').map((event) => event.message.mid)).toEqual(['ig_echo']);
    const [seen] = eventsOf('OnRead');
    expect(seen?.read.mid).toBe('ig_echo');
    expect(recorder.received('OnEvent')).toHaveLength(5);
  });

  it('never hands an echo to @OnMessage, on Messenger or on Instagram', async () => {
    await deliver(MessengerEvents.echo('hi', { ...toPage, mid: 'echo_fb', appId: 1 }));
    await deliver(MessengerEvents.echo('hi', { ...toIg, mid: 'echo_ig' }), onInstagram);
    expect(recorder.received('OnMessage')).toEqual([]);
    expect(eventsOf('OnEcho').map((event) => event.message.mid)).toEqual(['echo_fb', 'echo_ig']);
    expect(recorder.received('OnEcho').map((call) => call.context.kind)).toEqual(['echo', 'echo']);
  });

  it('hands standby[] events to @OnStandby (and @OnEvent) only, as their own classes, with context.standby', async () => {
    await deliver(
      [
        MessengerEvents.text('to the human agent', { ...toPage, mid: 'sb_message' }),
        MessengerEvents.echo('agent answer', { ...toPage, mid: 'sb_echo', appId: 263902037430900 }),
        MessengerEvents.read(toPage),
        MessengerEvents.postback('MENU', { ...toPage, title: 'Menu' }),
      ],
      { standby: true },
    );
    expect(recorder.decorators()).toEqual([...Array<RecordedDecorator>(4).fill('OnEvent'), ...Array<RecordedDecorator>(4).fill('OnStandby')]);
    const standby = recorder.received('OnStandby');
    expect(standby.map(({ event }) => event.constructor)).toEqual([MessageEvent, EchoEvent, ReadEvent, PostbackEvent]);
    expect(standby.map(({ context }) => context.kind)).toEqual(['message', 'echo', 'read', 'postback']);
    for (const { context } of recorder.calls) expect(context).toMatchObject({ standby: true, source: 'standby', pageId: PAGE });
    expect((standby[0]?.event as MessageEvent).message.text).toBe('to the human agent');
  });
});
