import { Injectable } from '@nestjs/common';
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
  type MessengerContext,
  type MessengerEvent,
} from 'nestjs-messenger-webhook';

/** The name of every listener decorator the library exports. */
export type DecoratorName =
  | 'OnMessage'
  | 'OnEcho'
  | 'OnReaction'
  | 'OnDelivery'
  | 'OnRead'
  | 'OnMessageEdit'
  | 'OnPostback'
  | 'OnOptin'
  | 'OnReferral'
  | 'OnAccountLinking'
  | 'OnFeedback'
  | 'OnResponseFeedback'
  | 'OnGamePlay'
  | 'OnHandover'
  | 'OnPolicyEnforcement'
  | 'OnSendCart'
  | 'OnTemplateStatusUpdate'
  | 'OnComment'
  | 'OnMention'
  | 'OnStoryInsights'
  | 'OnChange'
  | 'OnInvalidEvent'
  | 'OnStandby'
  | 'OnEvent';

/** One handler call: which decorator's method ran, with what. */
export interface RecordedCall {
  decorator: DecoratorName;
  event: MessengerEvent;
  context: MessengerContext;
}

/** A provider with one method per listener decorator, each recording its calls in arrival order. */
@Injectable()
export class EveryListener {
  readonly calls: RecordedCall[] = [];

  /** Forgets the calls recorded so far (call it in `beforeEach` when an app is shared). */
  reset(): void {
    this.calls.length = 0;
  }

  /** The calls one decorator's method received. */
  callsOf(decorator: DecoratorName): RecordedCall[] {
    return this.calls.filter((call) => call.decorator === decorator);
  }

  /** The decorators that ran, sorted, so a test can compare sets of handlers. */
  decorators(): DecoratorName[] {
    return this.calls.map((call) => call.decorator).sort();
  }

  @OnMessage()
  onMessage(event: MessengerEvent, context: MessengerContext): void {
    this.record('OnMessage', event, context);
  }
  @OnEcho()
  onEcho(event: MessengerEvent, context: MessengerContext): void {
    this.record('OnEcho', event, context);
  }
  @OnReaction()
  onReaction(event: MessengerEvent, context: MessengerContext): void {
    this.record('OnReaction', event, context);
  }
  @OnDelivery()
  onDelivery(event: MessengerEvent, context: MessengerContext): void {
    this.record('OnDelivery', event, context);
  }
  @OnRead()
  onRead(event: MessengerEvent, context: MessengerContext): void {
    this.record('OnRead', event, context);
  }
  @OnMessageEdit()
  onMessageEdit(event: MessengerEvent, context: MessengerContext): void {
    this.record('OnMessageEdit', event, context);
  }
  @OnPostback()
  onPostback(event: MessengerEvent, context: MessengerContext): void {
    this.record('OnPostback', event, context);
  }
  @OnOptin()
  onOptin(event: MessengerEvent, context: MessengerContext): void {
    this.record('OnOptin', event, context);
  }
  @OnReferral()
  onReferral(event: MessengerEvent, context: MessengerContext): void {
    this.record('OnReferral', event, context);
  }
  @OnAccountLinking()
  onAccountLinking(event: MessengerEvent, context: MessengerContext): void {
    this.record('OnAccountLinking', event, context);
  }
  @OnFeedback()
  onFeedback(event: MessengerEvent, context: MessengerContext): void {
    this.record('OnFeedback', event, context);
  }
  @OnResponseFeedback()
  onResponseFeedback(event: MessengerEvent, context: MessengerContext): void {
    this.record('OnResponseFeedback', event, context);
  }
  @OnGamePlay()
  onGamePlay(event: MessengerEvent, context: MessengerContext): void {
    this.record('OnGamePlay', event, context);
  }
  @OnHandover()
  onHandover(event: MessengerEvent, context: MessengerContext): void {
    this.record('OnHandover', event, context);
  }
  @OnPolicyEnforcement()
  onPolicyEnforcement(event: MessengerEvent, context: MessengerContext): void {
    this.record('OnPolicyEnforcement', event, context);
  }
  @OnSendCart()
  onSendCart(event: MessengerEvent, context: MessengerContext): void {
    this.record('OnSendCart', event, context);
  }
  @OnTemplateStatusUpdate()
  onTemplateStatusUpdate(event: MessengerEvent, context: MessengerContext): void {
    this.record('OnTemplateStatusUpdate', event, context);
  }
  @OnComment()
  onComment(event: MessengerEvent, context: MessengerContext): void {
    this.record('OnComment', event, context);
  }
  @OnMention()
  onMention(event: MessengerEvent, context: MessengerContext): void {
    this.record('OnMention', event, context);
  }
  @OnStoryInsights()
  onStoryInsights(event: MessengerEvent, context: MessengerContext): void {
    this.record('OnStoryInsights', event, context);
  }
  @OnChange()
  onChange(event: MessengerEvent, context: MessengerContext): void {
    this.record('OnChange', event, context);
  }
  @OnInvalidEvent()
  onInvalidEvent(event: MessengerEvent, context: MessengerContext): void {
    this.record('OnInvalidEvent', event, context);
  }
  @OnStandby()
  onStandby(event: MessengerEvent, context: MessengerContext): void {
    this.record('OnStandby', event, context);
  }
  @OnEvent()
  onEvent(event: MessengerEvent, context: MessengerContext): void {
    this.record('OnEvent', event, context);
  }

  private record(decorator: DecoratorName, event: MessengerEvent, context: MessengerContext): void {
    this.calls.push({ decorator, event, context });
  }
}
