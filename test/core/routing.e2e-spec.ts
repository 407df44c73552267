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
  type MessengerEvent,
} from 'nestjs-messenger-webhook';
import { rawEvents, type RawEventKind } from '../../libs/messenger-webhook/test/fixtures/raw-events.js';
import { ADAPTERS, APP_SECRET, delivery, startServer, VERIFY_TOKEN, type TestServer } from '../support/app.js';
import { fixtureRoute, numbersAsText, type Json } from '../support/deliveries.js';
import { EveryListener, type DecoratorName } from '../support/recorder.js';

type EventClass = abstract new (...args: never[]) => object;

/** PROTOCOL.md section 5, as a user sees it: which decorator receives each kind, and as which class. */
const ROUTING: Record<RawEventKind, { decorator: DecoratorName | null; eventClass: EventClass }> = {
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
const toPage = { sender: { id: PSID }, recipient: { id: PAGE } };
const toIg = { sender: { id: IGSID }, recipient: { id: IG_ACCOUNT } };

describe.each(ADAPTERS)('routing of events to handlers on %s', (adapter) => {
  let server: TestServer;
  let listener: EveryListener;
  beforeAll(async () => {
    // Redelivery detection is off: several fixtures share a mid on purpose, and each must still be routed.
    server = await startServer(adapter, {
      imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, dedupe: false })],
      providers: [EveryListener],
    });
    listener = server.app.get(EveryListener);
  });
  beforeEach(() => listener.reset());
  afterAll(() => server.close());

  /** Posts a delivery and fails the test unless Meta would be told it was received. */
  async function deliver(body: Json): Promise<void> {
    const response = await server.post(body);
    expect(response.status, await response.text()).toBe(200);
  }

  const eventsOf = (decorator: DecoratorName): MessengerEvent[] => listener.callsOf(decorator).map((call) => call.event);

  it.each(KINDS)('every %s sample reaches its own handler once and @OnEvent once, as its class', async (kind) => {
    const { decorator, eventClass } = ROUTING[kind];
    expect(rawEvents[kind].length).toBeGreaterThan(0);
    for (const [index, raw] of rawEvents[kind].entries()) {
      listener.reset();
      const route = fixtureRoute(raw);
      await deliver({ object: route.object, entry: [{ id: route.pageId, time: 1_700_000_000_000, [route.list]: [raw] }] });
      const where = `${kind} sample ${index}`;
      expect(listener.decorators(), where).toEqual(decorator ? [decorator, 'OnEvent'].sort() : ['OnEvent']);
      for (const { event, context } of listener.calls) {
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
        if ('sender' in raw) expect((event as { sender?: object }).sender, where).toBeInstanceOf(EventSender);
        if ('recipient' in raw) expect((event as { recipient?: unknown }).recipient, where).toBeInstanceOf(EventRecipient);
      }
    }
  });

  it('builds nested objects as class instances, not plain objects', async () => {
    await deliver({
      object: 'page',
      entry: [
        {
          id: PAGE,
          time: 1_700_000_000_000,
          messaging: [
            { ...toPage, timestamp: 1, message: { mid: 'm_img', attachments: [{ type: 'image', payload: { url: 'https://cdn.example/1.png' } }] } },
            {
              ...toPage,
              timestamp: 2,
              message: { mid: 'm_loc', attachments: [{ type: 'location', payload: { coordinates: { lat: 48.85, long: 2.35 } } }] },
            },
            {
              sender: { id: PAGE },
              recipient: { id: PSID },
              timestamp: 3,
              message: {
                is_echo: true,
                mid: 'm_tpl',
                attachments: [
                  { type: 'template', payload: { template_type: 'button', text: 'Next?', buttons: [{ type: 'postback', title: 'Again', payload: 'AGAIN' }] } },
                ],
              },
            },
            { ...toPage, timestamp: 4, postback: { title: 'Start', payload: 'GET_STARTED', referral: { ref: 'ad', source: 'ADS', type: 'OPEN_THREAD' } } },
            {
              ...toPage,
              timestamp: 5,
              order: { products: [{ id: 'P1', retailer_id: 'SKU', name: 'Cap', unit_price: 9.5, currency: 'USD', quantity: 1 }] },
            },
          ],
          changes: [{ field: 'messenger_template_status_update', value: { event: 'APPROVED', message_template_id: 7, message_template_name: 'n' } }],
        },
      ],
    });
    const [image, location] = eventsOf('OnMessage') as MessageEvent[];
    const imageAttachment = image?.message.attachments?.[0];
    expect(imageAttachment).toBeInstanceOf(ImageAttachment);
    expect((imageAttachment as ImageAttachment).payload).toBeInstanceOf(MediaPayload);
    expect((imageAttachment as ImageAttachment).payload?.url).toBe('https://cdn.example/1.png');
    const locationAttachment = location?.message.attachments?.[0] as LocationAttachment;
    expect(locationAttachment).toBeInstanceOf(LocationAttachment);
    expect(locationAttachment.payload).toBeInstanceOf(LocationPayload);
    expect(locationAttachment.payload?.coordinates).toBeInstanceOf(Coordinates);
    expect(locationAttachment.payload?.coordinates).toMatchObject({ lat: 48.85, long: 2.35 });

    const template = (eventsOf('OnEcho')[0] as EchoEvent).message.attachments?.[0] as TemplateAttachment;
    expect(template).toBeInstanceOf(TemplateAttachment);
    expect(template.payload).toBeInstanceOf(TemplatePayload);
    expect(template.payload?.buttons?.[0]).toBeInstanceOf(TemplateButton);

    const postback = (eventsOf('OnPostback')[0] as PostbackEvent).postback;
    expect(postback).toBeInstanceOf(Postback);
    expect(postback.referral).toBeInstanceOf(Referral);
    const order = (eventsOf('OnSendCart')[0] as SendCartEvent).order;
    expect(order).toBeInstanceOf(Order);
    expect(order.products[0]).toBeInstanceOf(OrderProduct);
    const statusUpdate = eventsOf('OnTemplateStatusUpdate')[0] as TemplateStatusUpdateEvent;
    expect(statusUpdate.value).toBeInstanceOf(TemplateStatusUpdateValue);
    expect(statusUpdate.value.event).toBe('APPROVED');
  });

  it('routes both policy_enforcement and the older policy-enforcement to @OnPolicyEnforcement', async () => {
    await deliver(
      delivery([
        { recipient: { id: PAGE }, timestamp: 1, policy_enforcement: { action: 'warning', reason: 'spam' } },
        { recipient: { id: PAGE }, timestamp: 2, 'policy-enforcement': { action: 'block', reason: 'policies' } },
      ]),
    );
    const events = eventsOf('OnPolicyEnforcement') as PolicyEnforcementEvent[];
    expect(events).toHaveLength(2);
    expect(events.map((event) => event.enforcement)).toEqual([expect.any(PolicyEnforcement), expect.any(PolicyEnforcement)]);
    expect(events.map((event) => event.enforcement?.action)).toEqual(['warning', 'block']);
    expect(listener.decorators()).toEqual(['OnEvent', 'OnEvent', 'OnPolicyEnforcement', 'OnPolicyEnforcement']);
  });

  it('handles events that come with no sender: app_roles, policy enforcement, checkbox opt-in', async () => {
    await deliver(
      delivery([
        { recipient: { id: PAGE }, timestamp: 1, app_roles: { '123456789': ['primary_receiver'] } },
        { recipient: { id: PAGE }, timestamp: 2, policy_enforcement: { action: 'unblock' } },
        { recipient: { id: PAGE }, timestamp: 3, optin: { ref: 'CHECKBOX', user_ref: 'UNIQUE_REF' } },
      ]),
    );
    const [appRoles] = eventsOf('OnHandover') as AppRolesEvent[];
    expect(appRoles).toBeInstanceOf(AppRolesEvent);
    expect(appRoles?.app_roles).toEqual({ '123456789': ['primary_receiver'] });
    expect(eventsOf('OnPolicyEnforcement')).toHaveLength(1);
    const [optin] = eventsOf('OnOptin') as OptinEvent[];
    expect(optin?.optin.user_ref).toBe('UNIQUE_REF');
    for (const { event } of listener.calls) expect((event as { sender?: unknown }).sender).toBeUndefined();
    expect(listener.callsOf('OnEvent')).toHaveLength(3);
  });

  it('handles Instagram messages, echoes, seen receipts, deletions and story replies', async () => {
    await deliver(
      delivery(
        [
          { ...toIg, timestamp: 1, message: { mid: 'ig_text', text: 'hi from instagram' } },
          { sender: { id: IG_ACCOUNT }, recipient: { id: IGSID }, timestamp: 2, message: { mid: 'ig_echo', is_echo: true, text: 'Thanks!' } },
          { ...toIg, timestamp: 3, read: { mid: 'ig_echo' } },
          { ...toIg, timestamp: 4, message: { mid: 'ig_text', is_deleted: true } },
          { ...toIg, timestamp: 5, message: { mid: 'ig_story', text: 'Love it', reply_to: { story: { url: 'https://cdn.example/story', id: 'S1' } } } },
        ],
        { object: 'instagram', pageId: IG_ACCOUNT },
      ),
    );
    expect(listener.calls.every(({ context }) => context.platform === 'instagram' && context.pageId === IG_ACCOUNT)).toBe(true);
    const messages = eventsOf('OnMessage') as MessageEvent[];
    expect(messages.map((event) => event.message.mid)).toEqual(['ig_text', 'ig_text', 'ig_story']);
    expect(messages[0]?.message.text).toBe('hi from instagram');
    expect(messages[1]?.message.is_deleted).toBe(true);
    expect(messages[2]?.message.reply_to).toBeInstanceOf(ReplyTo);
    expect(messages[2]?.message.reply_to?.story).toBeInstanceOf(ReplyToStory);
    expect(messages[2]?.message.reply_to?.story?.url).toBe('https://cdn.example/story');
    expect((eventsOf('OnEcho') as EchoEvent[]).map((event) => event.message.mid)).toEqual(['ig_echo']);
    const [seen] = eventsOf('OnRead') as ReadEvent[];
    expect(seen?.read.mid).toBe('ig_echo');
    expect(listener.callsOf('OnEvent')).toHaveLength(5);
  });

  it('never hands an echo to @OnMessage, on Messenger or on Instagram', async () => {
    const pageEcho = { sender: { id: PAGE }, recipient: { id: PSID }, timestamp: 1, message: { mid: 'echo_fb', is_echo: true, app_id: 1, text: 'hi' } };
    const igEcho = { sender: { id: IG_ACCOUNT }, recipient: { id: IGSID }, timestamp: 2, message: { mid: 'echo_ig', is_echo: true, text: 'hi' } };
    await deliver(delivery([pageEcho]));
    await deliver(delivery([igEcho], { object: 'instagram', pageId: IG_ACCOUNT }));
    expect(listener.callsOf('OnMessage')).toEqual([]);
    expect((eventsOf('OnEcho') as EchoEvent[]).map((event) => event.message.mid)).toEqual(['echo_fb', 'echo_ig']);
    expect(listener.callsOf('OnEcho').map((call) => call.context.kind)).toEqual(['echo', 'echo']);
  });

  it('hands standby[] events to @OnStandby (and @OnEvent) only, as their own classes, with context.standby', async () => {
    await deliver(
      delivery(
        [
          { ...toPage, timestamp: 1, message: { mid: 'sb_message', text: 'to the human agent' } },
          { sender: { id: PAGE }, recipient: { id: PSID }, timestamp: 2, message: { mid: 'sb_echo', is_echo: true, app_id: 263902037430900, text: 'agent answer' } },
          { ...toPage, timestamp: 3, read: { watermark: 2 } },
          { ...toPage, timestamp: 4, postback: { title: 'Menu', payload: 'MENU' } },
        ],
        { list: 'standby' },
      ),
    );
    expect(listener.decorators()).toEqual([...Array<DecoratorName>(4).fill('OnEvent'), ...Array<DecoratorName>(4).fill('OnStandby')]);
    const standby = listener.callsOf('OnStandby');
    expect(standby.map(({ event }) => event.constructor)).toEqual([MessageEvent, EchoEvent, ReadEvent, PostbackEvent]);
    expect(standby.map(({ context }) => context.kind)).toEqual(['message', 'echo', 'read', 'postback']);
    for (const { context } of listener.calls) expect(context).toMatchObject({ standby: true, source: 'standby', pageId: PAGE });
    expect((standby[0]?.event as MessageEvent).message.text).toBe('to the human agent');
  });
});
