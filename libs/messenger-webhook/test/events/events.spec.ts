import 'reflect-metadata';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { describe, expect, it } from 'vitest';
import {
  AccountLinkingEvent,
  AppRolesEvent,
  AppointmentBookingAttachment,
  AppointmentBookingPayload,
  Attachment,
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
  unknown: UnknownEvent,
};

/** Round-trips through JSON text so fixtures behave exactly like parsed request bodies. */
function parsed(raw: unknown): RawEvent {
  return JSON.parse(JSON.stringify(raw)) as RawEvent;
}

function toInstance<T extends object>(cls: ClassConstructor<T>, raw: unknown): T {
  return plainToInstance(cls, parsed(raw));
}

function validate(instance: object): ValidationError[] {
  return validateSync(instance, { forbidUnknownValues: false });
}

/** Dotted paths of every failing property, with the failed constraint names. */
function errorPaths(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((error) => {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    const own = error.constraints ? [`${path}:${Object.keys(error.constraints).join(',')}`] : [];
    return [...own, ...errorPaths(error.children ?? [], path)];
  });
}

function messageOf(raw: RawEvent): Message {
  const event = toInstance(MessageEvent, raw);
  expect(validate(event)).toEqual([]);
  return event.message;
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
      const instance: MessageEvent | EchoEvent =
        kind === 'echo' ? toInstance(EchoEvent, event) : toInstance(MessageEvent, event);
      expect(validate(instance)).toEqual([]);
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
      it(`${kind} #${index} becomes a ${classes[kind].name} and validates`, () => {
        const instance = toInstance(classes[kind], raw);
        expect(instance).toBeInstanceOf(classes[kind]);
        expect(errorPaths(validate(instance))).toEqual([]);
      });
    });
  }

  it('covers every kind with at least one fixture', () => {
    for (const kind of Object.keys(classes) as RawEventKind[]) expect(rawEvents[kind].length).toBeGreaterThan(0);
  });

  it('every messaging event class extends MessagingEvent; changes items do not need to', () => {
    for (const [kind, cls] of Object.entries(classes)) {
      if (kind === 'template_status_update') continue;
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
    const media: [string, ClassConstructor<Attachment>][] = [
      ['image', ImageAttachment],
      ['video', VideoAttachment],
      ['audio', AudioAttachment],
      ['file', FileAttachment],
    ];
    for (const [type, cls] of media) {
      const attachment = attachmentOfType('message', type);
      expect(attachment).toBeInstanceOf(cls);
      expect(attachment.type).toBe(type);
      expect(attachment.payload).toBeInstanceOf(MediaPayload);
    }
    const ig: [string, ClassConstructor<Attachment>][] = [
      ['ig_reel', IgReelAttachment],
      ['reel', ReelAttachment],
      ['story_mention', StoryMentionAttachment],
      ['share', ShareAttachment],
    ];
    for (const [type, cls] of ig) expect(attachmentOfType('message', type)).toBeInstanceOf(cls);
  });

  it('image sticker keeps its sticker_id; sticker echo is a StickerAttachment', () => {
    const stickerImage = rawEvents.message
      .map((raw) => toInstance(MessageEvent, raw))
      .flatMap((event) => event.message.attachments ?? [])
      .find((attachment): attachment is ImageAttachment => attachment instanceof ImageAttachment && attachment.payload?.sticker_id !== undefined);
    expect(stickerImage?.payload?.sticker_id).toBe(369239263222822);
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
    expect(mediaTemplate.payload?.elements?.[0]?.attachment_id).toBe(2457235337685388);
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
    const withReferral = toInstance(PostbackEvent, rawEvents.postback[1]);
    expect(withReferral.postback).toBeInstanceOf(Postback);
    expect(withReferral.postback.referral).toBeInstanceOf(Referral);
    expect(withReferral.timestamp).toBe('1458692752478');
  });

  it('read: Messenger watermark and Instagram mid', () => {
    const [messenger, instagram] = rawEvents.read.map((raw) => toInstance(ReadEvent, raw));
    expect(messenger?.read.watermark).toBe(1458668856253);
    expect(instagram?.read.mid).toBeTypeOf('string');
  });

  it('messaging_feedback: question records hold class instances', () => {
    const event = toInstance(FeedbackEvent, rawEvents.messaging_feedback[0]);
    const questions = event.messaging_feedback.feedback_screens?.[0]?.questions;
    expect(questions?.myquestion1).toBeInstanceOf(FeedbackQuestion);
    expect(questions?.myquestion1?.follow_up).toBeInstanceOf(FeedbackFollowUp);
    expect(questions?.myquestion2?.payload).toBe(9);
  });

  it('messaging_feedback: a question with a wrong type fails on questions', () => {
    const raw = parsed(rawEvents.messaging_feedback[0]);
    const screens = (raw.messaging_feedback as { feedback_screens: { questions: Record<string, { type: unknown }> }[] }).feedback_screens;
    screens[0]!.questions.myquestion1!.type = 5;
    expect(errorPaths(validate(plainToInstance(FeedbackEvent, raw)))).toEqual([
      'messaging_feedback.feedback_screens.0.questions:isRecordOf',
    ]);
  });

  it('send_cart: order products', () => {
    const event = toInstance(SendCartEvent, rawEvents.send_cart[0]);
    expect(event.order.products[0]).toBeInstanceOf(OrderProduct);
    expect(event.order.products[0]?.unit_price).toBe(19.99);
  });

  it('policy enforcement: both spellings, read through `enforcement`', () => {
    const [hyphen, underscore] = rawEvents.policy_enforcement.map((raw) => toInstance(PolicyEnforcementEvent, raw));
    expect(hyphen?.['policy-enforcement']).toBeInstanceOf(PolicyEnforcement);
    expect(hyphen?.policy_enforcement).toBeUndefined();
    expect(hyphen?.enforcement?.action).toBe('block');
    expect(underscore?.policy_enforcement).toBeInstanceOf(PolicyEnforcement);
    expect(underscore?.enforcement?.action).toBe('warning');
  });

  it('policy enforcement: neither spelling is an error', () => {
    const event = toInstance(PolicyEnforcementEvent, { recipient: { id: '1' }, timestamp: 1 });
    expect(errorPaths(validate(event))).toEqual(['policy_enforcement:isDefined']);
  });

  it('template status update: value instance, id number or string, null reason', () => {
    const [approved, rejected] = rawEvents.template_status_update.map((raw) => toInstance(TemplateStatusUpdateEvent, raw));
    expect(approved?.value).toBeInstanceOf(TemplateStatusUpdateValue);
    expect(approved?.value.message_template_id).toBe(1200000000000002);
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
    const change = toInstance(UnknownEvent, rawEvents.unknown[1]);
    expect(change.field).toBe('feed');
    expect(change.value).toEqual(rawEvents.unknown[1]?.value);
  });
});

describe('invalid fixtures', () => {
  const expected: Partial<Record<RawEventKind, string[][]>> = {
    message: [
      ['message.mid:isString'],
      ['message.attachments.0.payload.coordinates.lat:isNumber'],
      ['timestamp:isStringOrNumber'],
      ['message.quick_reply.payload:isString'],
      ['message.attachments:isArray'],
    ],
    echo: [['message.app_id:isStringOrNumber']],
    reaction: [['reaction.action:isIn']],
    delivery: [['delivery.watermark:isNumber']],
    read: [['read.watermark:isNumber']],
    message_edit: [['message_edit.num_edit:isInt']],
    postback: [['postback.title:isString']],
    account_linking: [['account_linking.status:isIn']],
    app_roles: [['app_roles:isRecordOfStringArrays']],
    policy_enforcement: [['policy_enforcement.action:isString']],
    send_cart: [['order.products.0.unit_price:isNumber']],
    template_status_update: [['value.message_template_id:isStringOrNumber']],
  };

  for (const [kind, events] of Object.entries(invalidRawEvents) as [RawEventKind, RawEvent[]][]) {
    events.forEach((raw, index) => {
      it(`${kind} #${index} fails on the bad property`, () => {
        const instance = toInstance(classes[kind], raw);
        expect(instance).toBeInstanceOf(classes[kind]);
        const paths = errorPaths(validate(instance));
        expect(paths.length).toBeGreaterThan(0);
        expect(paths).toEqual(expected[kind]?.[index]);
      });
    });
  }
});

describe('leniency', () => {
  it('an attachment of an unknown type comes through as the base Attachment, payload kept as plain JSON', () => {
    const raw = rawEvents.message.find((event) =>
      ((event.message as { attachments?: { type: string }[] }).attachments ?? []).some((a) => a.type === 'ig_post'),
    );
    const message = messageOf(raw!);
    const attachment = message.attachments?.[0];
    // class-transformer falls back to the @Type target when no discriminator subtype matches.
    expect(attachment?.constructor).toBe(Attachment);
    expect(attachment?.type).toBe('ig_post');
    expect(attachment?.payload).toEqual({
      ig_post_media_id: '18000000000000001',
      title: 'A post',
      url: 'https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1',
    });
  });

  it('unknown attachment types with odd payloads still pass (string, array, null, missing)', () => {
    for (const payload of ['text', [1, 2], null, undefined]) {
      const message = messageOf({ message: { mid: 'm', attachments: [{ type: 'brand_new', payload }] } });
      expect(message.attachments?.[0]?.constructor).toBe(Attachment);
    }
  });

  it('a type named like an Object.prototype member is just unknown', () => {
    const message = messageOf({ message: { mid: 'm', attachments: [{ type: 'constructor' }, { type: 'toString' }] } });
    expect(message.attachments?.map((a) => a.constructor)).toEqual([Attachment, Attachment]);
  });

  it('an attachment without type is an error on type', () => {
    const event = toInstance(MessageEvent, { message: { mid: 'm', attachments: [{ payload: { url: 'x' } }] } });
    expect(errorPaths(validate(event))).toEqual(['message.attachments.0.type:isString']);
  });

  it('documents a class-transformer limit: a null item in attachments[] throws in plainToInstance', () => {
    // class-transformer 0.5.1 reads `item.type` without a null check for discriminated arrays.
    expect(() => toInstance(MessageEvent, { message: { mid: 'm', attachments: [null] } })).toThrow(TypeError);
  });

  it('unknown extra keys anywhere are kept and never rejected', () => {
    const event = toInstance(MessageEvent, {
      sender: { id: '1', extra: 1 },
      timestamp: 1,
      brand_new_top_level: { a: 1 },
      message: {
        mid: 'm',
        new_field: true,
        attachments: [{ type: 'image', payload: { url: 'u', new_payload_field: 'x' }, extra: [] }],
      },
    });
    expect(validate(event)).toEqual([]);
    expect((event as unknown as Record<string, unknown>).brand_new_top_level).toEqual({ a: 1 });
    expect((event.message as unknown as Record<string, unknown>).new_field).toBe(true);
  });

  it('new reaction names and policy actions are accepted', () => {
    expect(validate(toInstance(ReactionEvent, rawEvents.reaction[2]))).toEqual([]);
    expect(validate(toInstance(PolicyEnforcementEvent, { policy_enforcement: { action: 'restrict' } }))).toEqual([]);
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
  });
});

describe('prototype safety', () => {
  const body = String.raw`{
    "__proto__": { "polluted": "top" },
    "constructor": { "prototype": { "polluted": "ctor" } },
    "sender": { "id": "1", "__proto__": { "polluted": "sender" } },
    "message": {
      "mid": "m",
      "__proto__": { "isAdmin": true },
      "attachments": [{ "type": "image", "__proto__": { "polluted": "att" }, "payload": { "url": "u", "__proto__": { "polluted": "payload" } } },
                      { "type": "mystery", "payload": { "__proto__": { "polluted": "unknown-payload" } } }],
      "nlp": { "__proto__": { "polluted": "nlp" } }
    }
  }`;

  it('__proto__ / constructor keys change neither Object.prototype nor the instance prototypes', () => {
    const raw = JSON.parse(body) as RawEvent;
    expect(Object.getOwnPropertyNames(raw)).toContain('__proto__');
    const event = plainToInstance(MessageEvent, raw);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(Object.getPrototypeOf(event)).toBe(MessageEvent.prototype);
    expect(event.constructor).toBe(MessageEvent);
    expect(Object.getPrototypeOf(event.sender)).toBe(EventSender.prototype);
    expect(Object.getPrototypeOf(event.message)).toBe(Message.prototype);
    expect((event.message as unknown as Record<string, unknown>).isAdmin).toBeUndefined();
    const [image, mystery] = event.message.attachments ?? [];
    expect(Object.getPrototypeOf(image)).toBe(ImageAttachment.prototype);
    expect(Object.getPrototypeOf((image as ImageAttachment).payload)).toBe(MediaPayload.prototype);
    expect(Object.getPrototypeOf(mystery)).toBe(Attachment.prototype);
    expect(Object.getPrototypeOf(mystery?.payload)).toBe(Object.prototype);
    expect((mystery?.payload as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(event.message.nlp)).toBe(Object.prototype);
    expect(validate(event)).toEqual([]);
  });

  it('record-valued fields (feedback questions, app_roles) are safe too', () => {
    const feedback = plainToInstance(
      FeedbackEvent,
      JSON.parse(
        '{"messaging_feedback":{"feedback_screens":[{"screen_id":0,"questions":{"__proto__":{"type":"csat"},"q":{"type":"csat","payload":"5","__proto__":{"polluted":1}}}}]}}',
      ) as RawEvent,
    );
    const questions = feedback.messaging_feedback.feedback_screens?.[0]?.questions ?? {};
    expect(Object.getPrototypeOf(questions)).toBe(Object.prototype);
    expect(Object.keys(questions)).toEqual(['q']);
    expect(Object.getPrototypeOf(questions.q)).toBe(FeedbackQuestion.prototype);
    expect(validate(feedback)).toEqual([]);
    const roles = plainToInstance(AppRolesEvent, JSON.parse('{"app_roles":{"__proto__":["x"],"1":["primary_receiver"]}}') as RawEvent);
    expect(Object.getPrototypeOf(roles.app_roles)).toBe(Object.prototype);
    expect(validate(roles)).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('unknown events drop __proto__ but keep the rest', () => {
    const event = plainToInstance(UnknownEvent, JSON.parse('{"__proto__":{"x":1},"field":"feed","value":{"a":1}}') as RawEvent);
    expect(Object.getPrototypeOf(event)).toBe(UnknownEvent.prototype);
    expect(event.field).toBe('feed');
    expect(event.x).toBeUndefined();
  });
});
