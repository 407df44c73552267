import { Injectable } from '@nestjs/common';
import type { InvalidEvent } from '../events/invalid-event.js';
import type { MessengerContext } from '../events/messenger-context.js';
import type { EventOfListener, MessengerEvent } from '../events/messenger-event.js';
import {
  OnAccountLinking,
  OnChange,
  OnComment,
  OnDelivery,
  OnEcho,
  OnEvent,
  OnFeedback,
  OnGamePlay,
  OnHandover,
  OnInvalidEvent,
  OnMention,
  OnMessage,
  OnMessageEdit,
  OnOptin,
  OnPolicyEnforcement,
  OnPostback,
  OnReaction,
  OnRead,
  OnReferral,
  OnResponseFeedback,
  OnSendCart,
  OnStandby,
  OnStoryInsights,
  OnTemplateStatusUpdate,
} from '../handlers/decorators/listener.decorators.js';

/** The event each listener decorator's handlers receive, by decorator name. */
export interface RecordedEvents {
  OnMessage: EventOfListener<'message'>;
  OnEcho: EventOfListener<'echo'>;
  OnReaction: EventOfListener<'reaction'>;
  OnDelivery: EventOfListener<'delivery'>;
  OnRead: EventOfListener<'read'>;
  OnMessageEdit: EventOfListener<'message_edit'>;
  OnPostback: EventOfListener<'postback'>;
  OnOptin: EventOfListener<'optin'>;
  OnReferral: EventOfListener<'referral'>;
  OnAccountLinking: EventOfListener<'account_linking'>;
  OnFeedback: EventOfListener<'feedback'>;
  OnResponseFeedback: EventOfListener<'response_feedback'>;
  OnGamePlay: EventOfListener<'game_play'>;
  OnHandover: EventOfListener<'handover'>;
  OnPolicyEnforcement: EventOfListener<'policy_enforcement'>;
  OnSendCart: EventOfListener<'send_cart'>;
  OnTemplateStatusUpdate: EventOfListener<'template_status_update'>;
  OnComment: EventOfListener<'comment'>;
  OnMention: EventOfListener<'mention'>;
  OnStoryInsights: EventOfListener<'story_insights'>;
  OnChange: EventOfListener<'change'>;
  OnInvalidEvent: InvalidEvent;
  OnStandby: EventOfListener<'standby'>;
  OnEvent: MessengerEvent;
}

/** The name of a listener decorator, as {@link MessengerRecorder} records it: `'OnMessage'`, `'OnPostback'`, ... */
export type RecordedDecorator = keyof RecordedEvents;

/** One call of a {@link MessengerRecorder} listener: the decorator it stands for, the typed event and its context. */
export interface RecordedCall<D extends RecordedDecorator = RecordedDecorator> {
  /** The decorator whose handlers this event reached. */
  readonly decorator: D;
  /** The event as a handler of that decorator receives it (an instance of its class). */
  readonly event: RecordedEvents[D];
  /** The handler's `MessengerContext` (kind, platform, pageId, source, standby, params, ...). */
  readonly context: MessengerContext;
}

/**
 * A provider with one unfiltered handler per listener decorator, recording what each received: add it to the
 * providers of the module under test, send events with the test client, then read `app.get(MessengerRecorder)`.
 * It shows which decorators an event reaches and as what (`recorder.received('OnPostback')[0].event.postback.payload`),
 * beside your own handlers, which still run. Since it listens with `@OnInvalidEvent()` and `@OnStandby()`, those events
 * count as handled in its presence. Scoped to the app that provides it; call {@link reset} between tests sharing one.
 */
@Injectable()
export class MessengerRecorder {
  /** Every call, in the order the handlers ran (an event reaching several decorators gives several calls). */
  readonly calls: RecordedCall[] = [];

  /** The calls one decorator's handler received, typed with its event class. */
  received<D extends RecordedDecorator>(decorator: D): Array<RecordedCall<D>> {
    return this.calls.filter((call): call is RecordedCall<D> => call.decorator === decorator);
  }

  /** The decorators that received something, one entry per call, sorted: compare the set of listeners an event reached. */
  decorators(): RecordedDecorator[] {
    return this.calls.map((call) => call.decorator).sort();
  }

  /** Forgets the calls recorded so far (in `beforeEach` when tests share an app). */
  reset(): void {
    this.calls.length = 0;
  }

  /** Records an `@OnMessage()` call. */
  @OnMessage()
  onMessage(event: RecordedEvents['OnMessage'], context: MessengerContext): void {
    this.record('OnMessage', event, context);
  }

  /** Records an `@OnEcho()` call. */
  @OnEcho()
  onEcho(event: RecordedEvents['OnEcho'], context: MessengerContext): void {
    this.record('OnEcho', event, context);
  }

  /** Records an `@OnReaction()` call. */
  @OnReaction()
  onReaction(event: RecordedEvents['OnReaction'], context: MessengerContext): void {
    this.record('OnReaction', event, context);
  }

  /** Records an `@OnDelivery()` call. */
  @OnDelivery()
  onDelivery(event: RecordedEvents['OnDelivery'], context: MessengerContext): void {
    this.record('OnDelivery', event, context);
  }

  /** Records an `@OnRead()` call. */
  @OnRead()
  onRead(event: RecordedEvents['OnRead'], context: MessengerContext): void {
    this.record('OnRead', event, context);
  }

  /** Records an `@OnMessageEdit()` call. */
  @OnMessageEdit()
  onMessageEdit(event: RecordedEvents['OnMessageEdit'], context: MessengerContext): void {
    this.record('OnMessageEdit', event, context);
  }

  /** Records an `@OnPostback()` call. */
  @OnPostback()
  onPostback(event: RecordedEvents['OnPostback'], context: MessengerContext): void {
    this.record('OnPostback', event, context);
  }

  /** Records an `@OnOptin()` call. */
  @OnOptin()
  onOptin(event: RecordedEvents['OnOptin'], context: MessengerContext): void {
    this.record('OnOptin', event, context);
  }

  /** Records an `@OnReferral()` call. */
  @OnReferral()
  onReferral(event: RecordedEvents['OnReferral'], context: MessengerContext): void {
    this.record('OnReferral', event, context);
  }

  /** Records an `@OnAccountLinking()` call. */
  @OnAccountLinking()
  onAccountLinking(event: RecordedEvents['OnAccountLinking'], context: MessengerContext): void {
    this.record('OnAccountLinking', event, context);
  }

  /** Records an `@OnFeedback()` call. */
  @OnFeedback()
  onFeedback(event: RecordedEvents['OnFeedback'], context: MessengerContext): void {
    this.record('OnFeedback', event, context);
  }

  /** Records an `@OnResponseFeedback()` call. */
  @OnResponseFeedback()
  onResponseFeedback(event: RecordedEvents['OnResponseFeedback'], context: MessengerContext): void {
    this.record('OnResponseFeedback', event, context);
  }

  /** Records an `@OnGamePlay()` call. */
  @OnGamePlay()
  onGamePlay(event: RecordedEvents['OnGamePlay'], context: MessengerContext): void {
    this.record('OnGamePlay', event, context);
  }

  /** Records an `@OnHandover()` call. */
  @OnHandover()
  onHandover(event: RecordedEvents['OnHandover'], context: MessengerContext): void {
    this.record('OnHandover', event, context);
  }

  /** Records an `@OnPolicyEnforcement()` call. */
  @OnPolicyEnforcement()
  onPolicyEnforcement(event: RecordedEvents['OnPolicyEnforcement'], context: MessengerContext): void {
    this.record('OnPolicyEnforcement', event, context);
  }

  /** Records an `@OnSendCart()` call. */
  @OnSendCart()
  onSendCart(event: RecordedEvents['OnSendCart'], context: MessengerContext): void {
    this.record('OnSendCart', event, context);
  }

  /** Records an `@OnTemplateStatusUpdate()` call. */
  @OnTemplateStatusUpdate()
  onTemplateStatusUpdate(event: RecordedEvents['OnTemplateStatusUpdate'], context: MessengerContext): void {
    this.record('OnTemplateStatusUpdate', event, context);
  }

  /** Records an `@OnComment()` call. */
  @OnComment()
  onComment(event: RecordedEvents['OnComment'], context: MessengerContext): void {
    this.record('OnComment', event, context);
  }

  /** Records an `@OnMention()` call. */
  @OnMention()
  onMention(event: RecordedEvents['OnMention'], context: MessengerContext): void {
    this.record('OnMention', event, context);
  }

  /** Records an `@OnStoryInsights()` call. */
  @OnStoryInsights()
  onStoryInsights(event: RecordedEvents['OnStoryInsights'], context: MessengerContext): void {
    this.record('OnStoryInsights', event, context);
  }

  /** Records an `@OnChange()` call (every field this version does not model). */
  @OnChange()
  onChange(event: RecordedEvents['OnChange'], context: MessengerContext): void {
    this.record('OnChange', event, context);
  }

  /** Records an `@OnInvalidEvent()` call. */
  @OnInvalidEvent()
  onInvalidEvent(event: RecordedEvents['OnInvalidEvent'], context: MessengerContext): void {
    this.record('OnInvalidEvent', event, context);
  }

  /** Records an `@OnStandby()` call. */
  @OnStandby()
  onStandby(event: RecordedEvents['OnStandby'], context: MessengerContext): void {
    this.record('OnStandby', event, context);
  }

  /** Records an `@OnEvent()` call (every event). */
  @OnEvent()
  onEvent(event: RecordedEvents['OnEvent'], context: MessengerContext): void {
    this.record('OnEvent', event, context);
  }

  private record<D extends RecordedDecorator>(decorator: D, event: RecordedEvents[D], context: MessengerContext): void {
    this.calls.push({ decorator, event, context } as RecordedCall);
  }
}
