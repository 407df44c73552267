import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { readInstance } from '../../src/reading/class-reader.js';
import type { EventProblem } from '../../src/reading/field-types.js';
import {
  AccountLinkingEvent,
  AppRolesEvent,
  AppointmentBookingAttachment,
  AppointmentBookingPayload,
  ChangeEvent,
  CommentEvent,
  MentionEvent,
  StoryInsightsEvent,
  UnknownAttachment,
  UnsupportedAttachment,
  EphemeralAttachment,
  IgPostAttachment,
  type Attachment,
  AudioAttachment,
  Coordinates,
  DeliveryEvent,
  EchoEvent,
  EchoMessage,
  FallbackAttachment,
  FeedbackEvent,
  FeedbackFollowUp,
  FeedbackQuestion,
  FileAttachment,
  GamePlayEvent,
  IgReelAttachment,
  ImageAttachment,
  LocationAttachment,
  LocationPayload,
  MediaPayload,
  Message,
  MessageEditEvent,
  MessageEvent,
  MessageReferral,
  MessagingEvent,
  OptinEvent,
  OrderProduct,
  PassThreadControlEvent,
  PolicyEnforcement,
  PolicyEnforcementEvent,
  Postback,
  PostbackEvent,
  ProductElement,
  ProductTemplate,
  ReactionEvent,
  ReadEvent,
  ReelAttachment,
  Referral,
  ReferralEvent,
  ReplyTo,
  ReplyToStory,
  RequestThreadControlEvent,
  ResponseFeedbackEvent,
  SendCartEvent,
  EventSender,
  IdentifiedSender,
  MessageEdit,
  QuickReply,
  ShareAttachment,
  StickerAttachment,
  StoryMentionAttachment,
  TakeThreadControlEvent,
  TemplateAttachment,
  TemplateButton,
  TemplateElement,
  TemplatePayload,
  TemplateStatusUpdateEvent,
  TemplateStatusUpdateValue,
  UnknownEvent,
  VideoAttachment,
  AdsContextData,
} from '../../src/events/index.js';
import { invalidRawEvents, rawEvents, type RawEvent, type RawEventKind } from '../fixtures/raw-events.js';

type ClassConstructor<T> = new () => T;

const classes: Record<RawEventKind, ClassConstructor<object>> = {
  echo: EchoEvent,
  message: MessageEvent,
  message_edit: MessageEditEvent,
  reaction: ReactionEvent,
  read: ReadEvent,
  delivery: DeliveryEvent,
  postback: PostbackEvent,
  referral: ReferralEvent,
  optin: OptinEvent,
  account_linking: AccountLinkingEvent,
  messaging_feedback: FeedbackEvent,
  response_feedback: ResponseFeedbackEvent,
  game_play: GamePlayEvent,
  pass_thread_control: PassThreadControlEvent,
  take_thread_control: TakeThreadControlEvent,
  request_thread_control: RequestThreadControlEvent,
  app_roles: AppRolesEvent,
  policy_enforcement: PolicyEnforcementEvent,
  send_cart: SendCartEvent,
  template_status_update: TemplateStatusUpdateEvent,
  comment: CommentEvent,
  mention: MentionEvent,
  story_insights: StoryInsightsEvent,
  change: ChangeEvent,
  unknown: UnknownEvent,
};

/** Round-trips through JSON text so fixtures behave exactly like parsed request bodies. */
function parsed(raw: unknown): RawEvent {
  return JSON.parse(JSON.stringify(raw)) as RawEvent;
}

/** The instance the library's reader builds from `raw` (what was wrong, if anything, is in `problemsOf`). */
function toInstance<T extends object>(cls: ClassConstructor<T>, raw: unknown): T {
  return readInstance(cls, parsed(raw)).value;
}

/** What the reader found wrong, as `path: message` lines. */
function problemsOf(cls: ClassConstructor<object>, raw: unknown): string[] {
  return (readInstance(cls, parsed(raw)).problems ?? []).map((problem: EventProblem) => `${problem.path}: ${problem.message}`);
}

function messageOf(raw: RawEvent): Message {
  expect(problemsOf(MessageEvent, raw)).toEqual([]);
  return toInstance(MessageEvent, raw).message;
}

function firstMessageWith(predicate: (message: Record<string, unknown>) => boolean): Message {
  const raw = rawEvents.message.find((event) => predicate(event.message as Record<string, unknown>));
  if (!raw) throw new Error('fixture not found');
  return messageOf(raw);
}

function attachmentOfType(kind: 'message' | 'echo', type: string, nth = 0): Attachment {
  const attachments = rawEvents[kind]
    .filter((event) => (event.message as { attachments?: unknown[] }).attachments !== undefined)
    .flatMap((event) => {
      const cls = kind === 'echo' ? EchoEvent : MessageEvent;
      expect(problemsOf(cls, event)).toEqual([]);
      const instance: MessageEvent | EchoEvent = toInstance<MessageEvent | EchoEvent>(cls, event);
      return instance.message.attachments ?? [];
    })
    .filter((attachment) => attachment.type === type);
  const found = attachments[nth];
  if (!found) throw new Error(`no ${type} attachment #${nth} in ${kind} fixtures`);
  return found;
}

describe('event DTOs: every valid fixture', () => {
  for (const [kind, events] of Object.entries(rawEvents) as [RawEventKind, RawEvent[]][]) {
    events.forEach((raw, index) => {
      it(`${kind} #${index} becomes a ${classes[kind].name} with no problem`, () => {
        const instance = toInstance(classes[kind], raw);
        expect(instance).toBeInstanceOf(classes[kind]);
        expect(problemsOf(classes[kind], raw)).toEqual([]);
      });
    });
  }

  it('covers every kind with at least one fixture', () => {
    for (const kind of Object.keys(classes) as RawEventKind[]) expect(rawEvents[kind].length).toBeGreaterThan(0);
  });

  it('every messaging event class extends MessagingEvent; changes items do not need to', () => {
    for (const [kind, cls] of Object.entries(classes)) {
      if (['template_status_update', 'comment', 'mention', 'story_insights', 'change'].includes(kind)) continue;
      expect(cls.prototype).toBeInstanceOf(MessagingEvent);
    }
  });
});

describe('nested instances all the way down', () => {
  it('sender, recipient and senderId', () => {
    const event = toInstance(MessageEvent, rawEvents.message[0]);
    expect(event.sender).toBeInstanceOf(EventSender);
    expect(event.message).toBeInstanceOf(Message);
    expect(event.senderId).toBe((rawEvents.message[0]?.sender as { id: string }).id);
  });

  it('chat plugin referral: senderId falls back to user_ref', () => {
    const raw = rawEvents.referral.find((event) => (event.sender as { user_ref?: string } | undefined)?.user_ref);
    const event = toInstance(ReferralEvent, raw);
    expect(event.referral).toBeInstanceOf(Referral);
    expect(event.senderId).toBe('plugin-user-ref-123');
  });

  it('events without sender have an undefined senderId', () => {
    const event = toInstance(AppRolesEvent, rawEvents.app_roles[0]);
    expect(event.sender).toBeUndefined();
    expect(event.senderId).toBeUndefined();
    expect(event.app_roles['123456789']).toEqual(['primary_receiver']);
  });

  it('quick reply and reply_to', () => {
    const quick = firstMessageWith((m) => m.quick_reply !== undefined);
    expect(quick.quick_reply?.payload).toBe('<DEVELOPER_DEFINED_PAYLOAD>');
    const reply = firstMessageWith((m) => (m.reply_to as { mid?: string } | undefined)?.mid !== undefined);
    expect(reply.reply_to).toBeInstanceOf(ReplyTo);
  });

  it('Instagram story reply: reply_to.story, no mid', () => {
    const story = firstMessageWith((m) => (m.reply_to as { story?: unknown } | undefined)?.story !== undefined);
    expect(story.reply_to).toBeInstanceOf(ReplyTo);
    expect(story.reply_to?.mid).toBeUndefined();
    expect(story.reply_to?.story).toBeInstanceOf(ReplyToStory);
    expect(story.reply_to?.story?.id).toBe('3100000000000000001');
  });

  it('each attachment type becomes its class, payload included', () => {
    const media: [string, ClassConstructor<Attachment> | typeof ImageAttachment][] = [
      ['image', ImageAttachment],
      ['video', VideoAttachment],
      ['audio', AudioAttachment],
      ['file', FileAttachment],
    ];
    for (const [type, cls] of media) {
      const attachment = attachmentOfType('message', type);
      expect(attachment).toBeInstanceOf(cls);
      expect(attachment.type).toBe(type);
      expect((attachment as ImageAttachment).payload).toBeInstanceOf(MediaPayload);
    }
    const ig: [string, Function][] = [
      ['ig_reel', IgReelAttachment],
      ['reel', ReelAttachment],
      ['story_mention', StoryMentionAttachment],
      ['share', ShareAttachment],
    ];
    for (const [type, cls] of ig) expect(attachmentOfType('message', type)).toBeInstanceOf(cls);
    expect(attachmentOfType('message', 'ig_post')).toBeInstanceOf(IgPostAttachment);
    expect(attachmentOfType('message', 'unsupported_type')).toBeInstanceOf(UnsupportedAttachment);
    expect(attachmentOfType('message', 'ephemeral')).toBeInstanceOf(EphemeralAttachment);
  });

  it('image sticker keeps its sticker_id; sticker echo is a StickerAttachment', () => {
    const stickerImage = rawEvents.message
      .map((raw) => toInstance(MessageEvent, raw))
      .flatMap((event) => event.message.attachments ?? [])
      .find((attachment): attachment is ImageAttachment => attachment instanceof ImageAttachment && attachment.payload?.sticker_id !== undefined);
    // Sent as a number; every id reads as a string.
    expect(stickerImage?.payload?.sticker_id).toBe('369239263222822');
    const sticker = attachmentOfType('echo', 'sticker');
    expect(sticker).toBeInstanceOf(StickerAttachment);
    expect((sticker as StickerAttachment).payload).toBeInstanceOf(MediaPayload);
  });

  it('location: payload and coordinates', () => {
    const location = attachmentOfType('message', 'location');
    expect(location).toBeInstanceOf(LocationAttachment);
    const payload = (location as LocationAttachment).payload;
    expect(payload).toBeInstanceOf(LocationPayload);
    expect(payload?.coordinates).toBeInstanceOf(Coordinates);
    expect(payload?.coordinates.long).toBe(2.3522);
  });

  it('product template: product elements', () => {
    const template = attachmentOfType('message', 'template') as TemplateAttachment;
    expect(template).toBeInstanceOf(TemplateAttachment);
    expect(template.payload).toBeInstanceOf(TemplatePayload);
    expect(template.payload?.product).toBeInstanceOf(ProductTemplate);
    expect(template.payload?.product?.elements[0]).toBeInstanceOf(ProductElement);
    expect(template.payload?.product?.elements[0]?.retailer_id).toBe('SKU-001');
  });

  it('echo templates: button, media with numeric attachment_id, products', () => {
    const button = attachmentOfType('echo', 'template', 0) as TemplateAttachment;
    expect(button.payload?.template_type).toBe('button');
    expect(button.payload?.buttons?.[0]).toBeInstanceOf(TemplateButton);
    const mediaTemplate = attachmentOfType('echo', 'template', 1) as TemplateAttachment;
    expect(mediaTemplate.payload?.elements?.[0]).toBeInstanceOf(TemplateElement);
    expect(mediaTemplate.payload?.elements?.[0]?.attachment_id).toBe('2457235337685388');
    expect(mediaTemplate.url).toBe('https://www.facebook.com/commerce/update/');
    const products = attachmentOfType('echo', 'template', 2) as TemplateAttachment;
    expect(products.payload?.product?.elements).toHaveLength(2);
    expect(products.payload?.product?.elements[1]).toBeInstanceOf(ProductElement);
  });

  it('echo: fallback with payload null, appointment booking, reply_to', () => {
    const fallback = attachmentOfType('echo', 'fallback') as FallbackAttachment;
    expect(fallback).toBeInstanceOf(FallbackAttachment);
    expect(fallback.payload).toBeNull();
    expect(fallback.title).toBe('Legacy Attachment');
    const booking = attachmentOfType('echo', 'appointment_booking') as AppointmentBookingAttachment;
    expect(booking).toBeInstanceOf(AppointmentBookingAttachment);
    expect(booking.payload).toBeInstanceOf(AppointmentBookingPayload);
    expect(booking.payload?.start_time).toBe(1739612400);
    const replyRaw = rawEvents.echo.find((event) => (event.message as { reply_to?: unknown }).reply_to);
    const echo = toInstance(EchoEvent, replyRaw);
    expect(echo.message).toBeInstanceOf(EchoMessage);
    expect(echo.message.is_echo).toBe(true);
    expect(echo.message.reply_to).toBeInstanceOf(ReplyTo);
    expect(echo.message.reply_to?.is_self_reply).toBe(false);
  });

  it('message referral: Shops product and ad click', () => {
    const shop = firstMessageWith((m) => (m.referral as { product?: unknown } | undefined)?.product !== undefined);
    expect(shop.referral).toBeInstanceOf(MessageReferral);
    expect(shop.referral?.product?.id).toBe('5143500000000001');
    const ad = firstMessageWith((m) => (m.referral as { source?: string } | undefined)?.source === 'ADS');
    expect(ad.referral?.ads_context_data).toBeInstanceOf(AdsContextData);
  });

  it('commands and free-form nlp', () => {
    const message = firstMessageWith((m) => m.nlp !== undefined);
    expect(message.commands?.[0]?.name).toBe('order');
    expect(message.nlp?.intents).toEqual([{ name: 'order_food', confidence: 0.97 }]);
  });

  it('attachmentTypes lists types in order', () => {
    const raw = rawEvents.message.find((event) => ((event.message as { attachments?: unknown[] }).attachments ?? []).length === 2);
    expect(toInstance(MessageEvent, raw).attachmentTypes).toEqual(['image', 'image']);
    expect(toInstance(MessageEvent, rawEvents.message[0]).attachmentTypes).toEqual([]);
  });

  it('postback referral and IG postback mid', () => {
    const withReferral = toInstance(PostbackEvent, rawEvents.postback[2]);
    expect(withReferral.postback).toBeInstanceOf(Postback);
    expect(withReferral.postback.referral).toBeInstanceOf(Referral);
    // Sent as a numeric string, read as a number.
    expect(withReferral.timestamp).toBe(1458692752478);
    const titleless = toInstance(PostbackEvent, rawEvents.postback[1]);
    expect(titleless.postback.title).toBeUndefined();
    expect(titleless.postback.payload).toBe('MENU_HELP');
    expect(titleless.sender.id).toBe('2400000000000004');
  });

  it('read: Messenger watermark and Instagram mid', () => {
    const [messenger, quoted, instagram] = rawEvents.read.map((raw) => toInstance(ReadEvent, raw));
    expect(messenger?.read.watermark).toBe(1458668856253);
    expect(quoted?.read.watermark).toBe(1458668856254);
    expect(quoted?.timestamp).toBe(1458668856464);
    expect(instagram?.read.mid).toBeTypeOf('string');
  });

  it('messaging_feedback: question records hold class instances', () => {
    const event = toInstance(FeedbackEvent, rawEvents.messaging_feedback[0]);
    const questions = event.messaging_feedback.feedback_screens?.[0]?.questions;
    expect(questions?.myquestion1).toBeInstanceOf(FeedbackQuestion);
    expect(questions?.myquestion1?.follow_up).toBeInstanceOf(FeedbackFollowUp);
    expect(questions?.myquestion2?.payload).toBe(9);
  });

  it('messaging_feedback: a question with a wrong type fails on that question', () => {
    const raw = parsed(rawEvents.messaging_feedback[0]);
    const screens = (raw.messaging_feedback as { feedback_screens: { questions: Record<string, { type: unknown }> }[] }).feedback_screens;
    screens[0]!.questions.myquestion1!.type = 5;
    expect(problemsOf(FeedbackEvent, raw)).toEqual(['messaging_feedback.feedback_screens.0.questions.myquestion1.type: must be a string']);
  });

  it('send_cart: order products', () => {
    const event = toInstance(SendCartEvent, rawEvents.send_cart[0]);
    expect(event.order.products[0]).toBeInstanceOf(OrderProduct);
    expect(event.order.products[0]?.unit_price).toBe(19.99);
    // Meta's own example sends the product id as a number.
    expect(toInstance(SendCartEvent, rawEvents.send_cart[1]).order.products[0]?.id).toBe('5143500000000003');
  });

  it('policy enforcement: both spellings, read through `enforcement`', () => {
    const [hyphen, underscore] = rawEvents.policy_enforcement.map((raw) => toInstance(PolicyEnforcementEvent, raw));
    expect(hyphen?.['policy-enforcement']).toBeInstanceOf(PolicyEnforcement);
    expect(hyphen?.policy_enforcement).toBeUndefined();
    expect(hyphen?.enforcement?.action).toBe('block');
    expect(underscore?.policy_enforcement).toBeInstanceOf(PolicyEnforcement);
    expect(underscore?.enforcement?.action).toBe('warning');
  });

  it('policy enforcement: a wrong action under either spelling is a problem', () => {
    expect(problemsOf(PolicyEnforcementEvent, { 'policy-enforcement': { action: 1 } })).toEqual(['policy-enforcement.action: must be a string']);
  });

  it('template status update: value instance, id number or string, null reason', () => {
    const [approved, rejected] = rawEvents.template_status_update.map((raw) => toInstance(TemplateStatusUpdateEvent, raw));
    expect(approved?.value).toBeInstanceOf(TemplateStatusUpdateValue);
    expect(approved?.value.message_template_id).toBe('1200000000000002');
    expect(rejected?.value.message_template_id).toBe('1200000000000003');
    expect(rejected?.value.reason).toBeNull();
  });

  it('take_thread_control accepts previous_owner_app_id null', () => {
    const event = toInstance(TakeThreadControlEvent, rawEvents.take_thread_control[1]);
    expect(event.take_thread_control.previous_owner_app_id).toBeNull();
  });

  it('unknown events keep every raw key, nested values as plain JSON', () => {
    const raw = rawEvents.unknown[0]!;
    const event = toInstance(UnknownEvent, raw);
    expect(event).toBeInstanceOf(UnknownEvent);
    expect(event.sender).toBeInstanceOf(EventSender);
    expect(event.future_event).toEqual(raw.future_event);
    const payment = toInstance(UnknownEvent, rawEvents.unknown[1]);
    expect(payment.payment).toEqual(rawEvents.unknown[1]?.payment);
  });
});

describe('invalid fixtures', () => {
  const expected: Partial<Record<RawEventKind, string[][]>> = {
    message: [
      ['message.mid: must be a string or a number (an id)'],
      ['message.attachments.0.payload.coordinates.lat: must be a number'],
      ['timestamp: must be epoch milliseconds (a number, a numeric string or an ISO date)'],
      ['message.quick_reply.payload: must be a string'],
      ['message.attachments: must be an array'],
    ],
    echo: [['message.app_id: must be a string or a number (an id)']],
    reaction: [['reaction.action: must be one of "react", "unreact"']],
    delivery: [['delivery.watermark: must be a number (or a numeric string)']],
    read: [['read.watermark: must be a number (or a numeric string)']],
    message_edit: [['message_edit.num_edit: must be an integer (or a numeric string)']],
    postback: [['postback.title: must be a string']],
    account_linking: [['account_linking.status: must be one of "linked", "unlinked"']],
    app_roles: [['app_roles.123456789: must be an array']],
    policy_enforcement: [['policy_enforcement.action: must be a string']],
    send_cart: [['order.products.0.unit_price: must be a number']],
    template_status_update: [['value.message_template_id: must be a string or a number (an id)']],
    comment: [['value.text: must be a string']],
    mention: [['value.media_id: is required']],
  };

  for (const [kind, events] of Object.entries(invalidRawEvents) as [RawEventKind, RawEvent[]][]) {
    events.forEach((raw, index) => {
      it(`${kind} #${index} names the bad property, and still keeps every value as sent`, () => {
        const instance = toInstance(classes[kind], raw);
        expect(instance).toBeInstanceOf(classes[kind]);
        expect(problemsOf(classes[kind], raw)).toEqual(expected[kind]?.[index]);
      });
    });
  }

  it('a missing required key is a problem, a missing optional one is not', () => {
    expect(problemsOf(MessageEvent, { sender: { id: '1' } })).toEqual(['message: is required']);
    expect(problemsOf(MessageEvent, { message: { mid: 'm' } })).toEqual(['sender: is required']);
    expect(problemsOf(ReactionEvent, { sender: { id: '1' }, reaction: { action: 'react' } })).toEqual(['reaction.mid: is required']);
    expect(problemsOf(MessageEvent, { sender: { id: '1' }, message: { mid: 'm', text: null, reply_to: null } })).toEqual([]);
  });

  it('a hostile event with thousands of bad items keeps a short problem list that still counts them all', () => {
    const attachments = Array.from({ length: 5000 }, () => ({ type: 'image', payload: 'not an object' }));
    const problems = problemsOf(MessageEvent, { sender: { id: '1' }, message: { mid: 'm', attachments } });
    expect(problems).toHaveLength(21);
    expect(problems[0]).toBe('message.attachments.0.payload: must be an object');
    expect(problems[20]).toBe(': and 4980 more problems');
  });
});

describe('lossless coercions (PROTOCOL.md section 7)', () => {
  it('ids sent as JSON numbers read as strings, everywhere an id is declared', () => {
    const event = toInstance(MessageEditEvent, rawEvents.message_edit[1]);
    expect(event.sender.id).toBe('2400000000000002');
    expect(event.recipient?.id).toBe('106000000000001');
    const pass = toInstance(PassThreadControlEvent, rawEvents.pass_thread_control[0]);
    expect(typeof pass.pass_thread_control.new_owner_app_id).toBe('string');
    const mention = toInstance(MentionEvent, rawEvents.mention[1]);
    expect(mention.value.media_id).toBe('1790000000000104');
  });

  it('numeric strings read as numbers where Meta prints them quoted: num_edit, watermark, timestamps, token expiry', () => {
    expect(toInstance(MessageEditEvent, rawEvents.message_edit[1]).message_edit.num_edit).toBe(3);
    expect(toInstance(DeliveryEvent, rawEvents.delivery[1]).delivery.watermark).toBe(1458668856255);
    const optin = toInstance(OptinEvent, { sender: { id: '1' }, optin: { type: 'notification_messages', token_expiry_timestamp: '1720000000000' } });
    expect(optin.optin.token_expiry_timestamp).toBe(1720000000000);
  });

  it('a timestamp may be an ISO date; anything else stays a problem', () => {
    expect(toInstance(PostbackEvent, { sender: { id: '1' }, timestamp: '2024-05-01T10:00:00Z', postback: {} }).timestamp).toBe(Date.UTC(2024, 4, 1, 10));
    expect(problemsOf(PostbackEvent, { sender: { id: '1' }, timestamp: 'yesterday', postback: {} })).toEqual([
      'timestamp: must be epoch milliseconds (a number, a numeric string or an ISO date)',
    ]);
  });

  it('only canonical decimals are numbers: hex, exponents, padding and blanks are not', () => {
    for (const watermark of ['0x10', '1e3', ' 7', '', '07', 'NaN', 'Infinity']) {
      expect(problemsOf(DeliveryEvent, { sender: { id: '1' }, delivery: { watermark } }), watermark).toHaveLength(1);
    }
  });

  it('numbers Meta never quotes stay strict: a quoted price is a problem', () => {
    expect(problemsOf(SendCartEvent, invalidRawEvents.send_cart![0])).toEqual(['order.products.0.unit_price: must be a number']);
  });
});

describe('Instagram comments, mentions, story insights, other fields', () => {
  it('comments and live comments: one class, `live` tells them apart', () => {
    const [comment, reply, live] = rawEvents.comment.map((raw) => toInstance(CommentEvent, raw));
    expect(comment?.value.from?.username).toBe('a_customer');
    expect(comment?.value.media?.id).toBe('17900000000000001');
    expect(comment?.live).toBe(false);
    expect(reply?.value.parent_id).toBe('17865799348089039');
    expect(reply?.value.id).toBe('1786579934808904');
    expect(live?.live).toBe(true);
  });

  it('story insights keep -1 (values under 5)', () => {
    expect(toInstance(StoryInsightsEvent, rawEvents.story_insights[0]).value.replies).toBe(-1);
  });

  it('a change of an unmodelled field keeps field and value as sent', () => {
    const change = toInstance(ChangeEvent, rawEvents.change[1]);
    expect(change.field).toBe('leadgen');
    expect(change.value).toEqual(rawEvents.change[1]?.value);
  });
});

describe('leniency', () => {
  it('an attachment of an unknown type comes through as UnknownAttachment, payload kept as plain JSON', () => {
    const raw = rawEvents.message.find((event) =>
      ((event.message as { attachments?: { type: string }[] }).attachments ?? []).some((a) => a.type === 'brand_new_type'),
    );
    const message = messageOf(raw!);
    const attachment = message.attachments?.[2];
    expect(attachment?.constructor).toBe(UnknownAttachment);
    expect(String(attachment?.type)).toBe('brand_new_type');
    expect(attachment?.payload).toEqual({ anything: [1, 'two'] });
  });

  it('unknown attachment types with odd payloads still pass (string, array, null, missing)', () => {
    for (const payload of ['text', [1, 2], null, undefined]) {
      const message = messageOf({ sender: { id: '1' }, message: { mid: 'm', attachments: [{ type: 'brand_new', payload }] } });
      expect(message.attachments?.[0]?.constructor).toBe(UnknownAttachment);
    }
  });

  it('a type named like an Object.prototype member is just unknown', () => {
    const message = messageOf({ sender: { id: '1' }, message: { mid: 'm', attachments: [{ type: 'constructor' }, { type: 'toString' }] } });
    expect(message.attachments?.map((a) => a.constructor)).toEqual([UnknownAttachment, UnknownAttachment]);
  });

  it('a fallback payload may be null or a bare string', () => {
    const legacy = attachmentOfType('echo', 'fallback') as FallbackAttachment;
    expect(legacy.payload).toBeNull();
    const blob = messageOf(rawEvents.message.find((event) => (event.message as { mid?: string }).mid === 'mid.numeric-ids')!);
    expect((blob.attachments?.[0] as FallbackAttachment).payload).toBe('BLOB');
    // `url: null` on the attachment is kept as sent.
    expect(blob.attachments?.[0]?.url).toBeNull();
  });

  it('an attachment without type, or a null one, is a problem that names it', () => {
    expect(problemsOf(MessageEvent, { sender: { id: '1' }, message: { mid: 'm', attachments: [{ payload: { url: 'x' } }] } })).toEqual([
      'message.attachments.0.type: is required',
    ]);
    expect(problemsOf(MessageEvent, { sender: { id: '1' }, message: { mid: 'm', attachments: [null] } })).toEqual(['message.attachments.0: must not be null']);
  });

  it('narrows attachments by type without instanceof', () => {
    const message = messageOf(rawEvents.message.find((event) => JSON.stringify(event).includes('"location"'))!);
    const urls: string[] = [];
    for (const attachment of message.attachments ?? []) {
      if (attachment.type === 'location') urls.push(String(attachment.payload.coordinates.lat));
      else if (attachment.type === 'image') urls.push(attachment.payload.url ?? '');
    }
    expect(urls.length).toBeGreaterThan(0);
  });

  it('unknown extra keys anywhere are kept and never rejected', () => {
    const raw = {
      sender: { id: '1', extra: 1 },
      timestamp: 1,
      brand_new_top_level: { a: 1 },
      message: {
        mid: 'm',
        new_field: true,
        attachments: [{ type: 'image', payload: { url: 'u', new_payload_field: 'x' }, extra: [] }],
      },
    };
    expect(problemsOf(MessageEvent, raw)).toEqual([]);
    const event = toInstance(MessageEvent, raw);
    expect((event as unknown as Record<string, unknown>).brand_new_top_level).toEqual({ a: 1 });
    expect((event.message as unknown as Record<string, unknown>).new_field).toBe(true);
    expect((event.sender as unknown as Record<string, unknown>).extra).toBe(1);
  });

  it('new reaction names and policy actions are accepted', () => {
    expect(problemsOf(ReactionEvent, rawEvents.reaction[2])).toEqual([]);
    expect(problemsOf(PolicyEnforcementEvent, { policy_enforcement: { action: 'restrict' } })).toEqual([]);
  });

  it('raw keys that collide with getters are ignored instead of throwing', () => {
    const event = toInstance(MessageEvent, {
      sender: { id: 'real' },
      senderId: 'spoofed',
      attachmentTypes: 'nope',
      message: { mid: 'm' },
    });
    expect(event.senderId).toBe('real');
    expect(event.attachmentTypes).toEqual([]);
    const unknown = toInstance(UnknownEvent, { sender: { id: 'real' }, senderId: 'spoofed' });
    expect(unknown.senderId).toBe('real');
    const policy = toInstance(PolicyEnforcementEvent, { enforcement: 'x', policy_enforcement: { action: 'block' } });
    expect(policy.enforcement?.action).toBe('block');
    const comment = toInstance(CommentEvent, { field: 'comments', live: true, value: { id: '1', text: 't' } });
    expect(comment.live).toBe(false);
  });

  it('a wrong value is kept as sent next to its problem, so validateEvents: false loses nothing', () => {
    const { value, problems } = readInstance(MessageEditEvent, { sender: { id: '1' }, message_edit: { mid: 'm', text: 't', num_edit: 'many' } });
    expect(problems).toEqual([{ path: 'message_edit.num_edit', message: 'must be an integer (or a numeric string)' }]);
    expect(value.message_edit.num_edit).toBe('many');
    expect(value.message_edit).toBeInstanceOf(MessageEdit);
  });
});

describe('prototype safety', () => {
  const body = String.raw`{
    "__proto__": { "polluted": "top" },
    "constructor": { "prototype": { "polluted": "ctor" } },
    "prototype": { "polluted": "proto" },
    "sender": { "id": "1", "__proto__": { "polluted": "sender" } },
    "message": {
      "mid": "m",
      "__proto__": { "isAdmin": true },
      "attachments": [{ "type": "image", "__proto__": { "polluted": "att" }, "payload": { "url": "u", "__proto__": { "polluted": "payload" } } },
                      { "type": "mystery", "payload": { "__proto__": { "polluted": "unknown-payload" }, "constructor": { "prototype": { "polluted": 1 } } } }],
      "quick_reply": { "payload": "QR", "constructor": "x" },
      "nlp": { "__proto__": { "polluted": "nlp" }, "constructor": { "prototype": { "polluted": "nlp2" } }, "entities": { "prototype": 1 } }
    }
  }`;

  it('__proto__ / constructor / prototype keys cost nothing and change neither Object.prototype nor the instance prototypes', () => {
    const raw = JSON.parse(body) as RawEvent;
    expect(Object.getOwnPropertyNames(raw)).toContain('__proto__');
    const { value: event, problems } = readInstance(MessageEvent, raw);
    expect(problems).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(Object.getPrototypeOf(event)).toBe(MessageEvent.prototype);
    expect(event.constructor).toBe(MessageEvent);
    expect(Object.getPrototypeOf(event.sender)).toBe(IdentifiedSender.prototype);
    expect(Object.getPrototypeOf(event.message)).toBe(Message.prototype);
    expect(event.message.constructor).toBe(Message);
    expect((event.message as unknown as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(event.message.quick_reply?.constructor).toBe(QuickReply);
    const [image, mystery] = event.message.attachments ?? [];
    expect(Object.getPrototypeOf(image)).toBe(ImageAttachment.prototype);
    expect(Object.getPrototypeOf((image as ImageAttachment).payload)).toBe(MediaPayload.prototype);
    expect(Object.getPrototypeOf(mystery)).toBe(UnknownAttachment.prototype);
    expect(Object.getPrototypeOf(mystery?.payload)).toBe(Object.prototype);
    expect((mystery?.payload as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(event.message.nlp)).toBe(Object.prototype);
    expect(event.message.nlp?.entities).toEqual({ prototype: 1 });
  });

  it('record-valued fields (feedback questions, app_roles) are safe too', () => {
    const feedback = toInstance(
      FeedbackEvent,
      JSON.parse(
        '{"messaging_feedback":{"feedback_screens":[{"screen_id":0,"questions":{"__proto__":{"type":"csat"},"constructor":{"type":"nps"},"q":{"type":"csat","payload":"5","__proto__":{"polluted":1}}}}]}}',
      ) as RawEvent,
    );
    const questions = feedback.messaging_feedback.feedback_screens?.[0]?.questions ?? {};
    expect(Object.getPrototypeOf(questions)).toBe(Object.prototype);
    expect(Object.keys(questions)).toEqual(['constructor', 'q']);
    expect(Object.getPrototypeOf(questions.q)).toBe(FeedbackQuestion.prototype);
    const roles = readInstance(AppRolesEvent, JSON.parse('{"app_roles":{"__proto__":["x"],"1":["primary_receiver"]}}') as RawEvent);
    expect(roles.problems).toBeUndefined();
    expect(Object.getPrototypeOf(roles.value.app_roles)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('unknown events drop __proto__ but keep the rest', () => {
    const event = toInstance(UnknownEvent, JSON.parse('{"__proto__":{"x":1},"payment":{"a":1}}') as RawEvent);
    expect(Object.getPrototypeOf(event)).toBe(UnknownEvent.prototype);
    expect(event.payment).toEqual({ a: 1 });
    expect(event.x).toBeUndefined();
  });
});
