import 'reflect-metadata';
import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import {
  AppRolesEvent,
  ChangeEvent,
  CommentEvent,
  EchoEvent,
  InvalidEvent,
  MessageEvent,
  MessengerExecutionContext,
  OnChange,
  OnComment,
  OnEcho,
  OnEvent,
  OnHandover,
  OnInvalidEvent,
  OnMessage,
  OnPostback,
  OnReaction,
  OnStandby,
  PassThreadControlEvent,
  PostbackEvent,
  ReactionEvent,
  Sender,
  isEventOf,
  type HandoverEvent,
  type MessengerContext,
  type MessengerEvent,
} from '../../src/index.js';
import { MESSENGER_LISTENERS_METADATA } from '../../src/messenger-webhook.constants.js';

// This file is type-checked by `npx tsc -p tsconfig.test.json`: every `@ts-expect-error` below must be an error,
// or the check fails. The runtime tests only make sure the decorated class is what it says.

@Injectable()
class TypedHandlers {
  @OnPostback()
  postback(event: PostbackEvent, context: MessengerContext): string {
    return `${event.postback.payload}${context.kind}`;
  }

  // @ts-expect-error a postback handler cannot take a MessageEvent
  @OnPostback()
  wrongClass(event: MessageEvent): void {
    void event;
  }

  // @ts-expect-error an echo is not a message: @OnEcho delivers EchoEvent
  @OnEcho()
  echoAsMessage(event: MessageEvent): void {
    void event;
  }

  // @ts-expect-error @OnEvent delivers every kind, not only messages
  @OnEvent()
  everythingAsMessage(event: MessageEvent): void {
    void event;
  }

  // @ts-expect-error @OnHandover delivers four classes
  @OnHandover()
  handoverAsPass(event: PassThreadControlEvent): void {
    void event;
  }

  // @ts-expect-error an invalid event is not the class it would have been
  @OnInvalidEvent()
  invalidAsMessage(event: MessageEvent): void {
    void event;
  }

  // @ts-expect-error a filter the decorator does not have
  @OnPostback({ text: 'x' })
  wrongFilter(): void {}

  // @ts-expect-error reactions are react or unreact
  @OnReaction({ action: 'explode' })
  wrongAction(event: ReactionEvent): void {
    void event;
  }

  // @ts-expect-error not a kind of handover
  @OnHandover({ kind: 'message' })
  wrongKind(): void {}

  // A kind filter narrows the event type.
  @OnHandover({ kind: 'pass_thread_control' })
  passOnly(event: PassThreadControlEvent): string | undefined {
    return event.pass_thread_control.metadata;
  }

  @OnHandover({ kind: ['pass_thread_control', 'app_roles'] })
  passOrRoles(event: PassThreadControlEvent | AppRolesEvent): void {
    void event;
  }

  @OnEvent({ kind: 'message' })
  messagesOnly(event: MessageEvent): void {
    void event;
  }

  @OnEvent({ kind: 'invalid' })
  invalidOnly(event: InvalidEvent): void {
    void event;
  }

  @OnStandby({ kind: ['message', 'echo'] })
  standbyMessages(event: MessageEvent | EchoEvent): void {
    void event;
  }

  @OnHandover()
  anyHandover(event: HandoverEvent): void {
    void event;
  }

  // Wider parameters, parameter decorators and no parameter at all are fine.
  @OnMessage()
  @OnPostback()
  messageOrPostback(event: MessageEvent | PostbackEvent): void {
    void event;
  }

  @OnMessage('hi')
  withSender(@Sender() user: string): string {
    return user;
  }

  @OnEvent()
  anything(event: MessengerEvent): void {
    void event;
  }

  @OnComment({ text: 'price?', mediaId: ['M1', 'M2'], where: (event) => event.live === false })
  comment(event: CommentEvent): string | undefined {
    return event.value.from?.username;
  }

  @OnChange(['feed', 'leadgen'])
  change(event: ChangeEvent): string {
    return event.field;
  }

  @OnMessage({ attachment: 'image', where: (event) => event.sender.id !== 'blocked' })
  noParameter(): void {}
}

/** The README's guard, compiled under strict. */
@Injectable()
export class OnlyVipGuard implements CanActivate {
  constructor(private readonly vips: ReadonlySet<string> = new Set(['VIP'])) {}

  canActivate(context: ExecutionContext): boolean {
    const event = MessengerExecutionContext.create(context).getEvent(MessageEvent, PostbackEvent);
    return event !== undefined && this.vips.has(event.senderId ?? '');
  }
}

/** Narrowing attachments on `type` alone. */
export function imageUrls(event: MessageEvent): string[] {
  const urls: string[] = [];
  for (const attachment of event.message.attachments ?? []) {
    if (attachment.type === 'image') urls.push(attachment.payload.url ?? '');
    if (attachment.type === 'location') urls.push(`geo:${attachment.payload.coordinates.lat},${attachment.payload.coordinates.long}`);
    // @ts-expect-error a location payload has no sticker
    if (attachment.type === 'location') urls.push(attachment.payload.sticker_id ?? '');
  }
  return urls;
}

/** Narrowing any event with a guard. */
export function senderOfEither(event: MessengerEvent): string | undefined {
  if (isEventOf(event, MessageEvent, EchoEvent)) return event.message.mid;
  const other: Exclude<MessengerEvent, MessageEvent | EchoEvent> = event;
  // @ts-expect-error not every event has a sender
  return other.sender?.id;
}

describe('typed listener decorators', () => {
  it('record one listener per decorator, in the order they are written', () => {
    const metadata = (method: keyof TypedHandlers) => Reflect.getMetadata(MESSENGER_LISTENERS_METADATA, TypedHandlers.prototype[method]) as Array<{ decorator: string; options: object }>;
    expect(metadata('messageOrPostback').map((entry) => entry.decorator)).toEqual(['OnMessage', 'OnPostback']);
    expect(metadata('withSender')).toEqual([{ listener: 'message', decorator: 'OnMessage', options: { text: 'hi' } }]);
    expect(metadata('change')).toEqual([{ listener: 'change', decorator: 'OnChange', options: { field: ['feed', 'leadgen'] } }]);
    expect(metadata('invalidOnly')).toEqual([{ listener: 'event', decorator: 'OnEvent', options: { kind: 'invalid' } }]);
  });

  it('isEventOf narrows by class', () => {
    const event = Object.create(MessageEvent.prototype) as MessageEvent;
    expect(isEventOf(event, MessageEvent)).toBe(true);
    expect(isEventOf(event, PostbackEvent, EchoEvent)).toBe(false);
    expect(isEventOf(null, MessageEvent)).toBe(false);
  });
});
