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
  type AccountLinkingEvent,
  type ChangeEvent,
  type CommentEvent,
  type DeliveryEvent,
  type EchoEvent,
  type FeedbackEvent,
  type GamePlayEvent,
  type HandoverEvent,
  type InvalidEvent,
  type MentionEvent,
  type MessageEditEvent,
  type MessageEvent,
  type MessengerContext,
  type MessengerEvent,
  type OptinEvent,
  type PolicyEnforcementEvent,
  type PostbackEvent,
  type ReactionEvent,
  type ReadEvent,
  type ReferralEvent,
  type ResponseFeedbackEvent,
  type SendCartEvent,
  type StoryInsightsEvent,
  type TemplateStatusUpdateEvent,
} from 'nestjs-messenger-webhook';
import type { ObservedCall } from './replay-check.js';
import type { DecoratorName } from './replay-case.js';

/**
 * A provider with one handler per listener decorator, each taking every event its decorator lets through (no filter),
 * plus `@OnEvent()` and `@OnInvalidEvent()`. It records who received what, in arrival order.
 */
@Injectable()
export class ReplayRecorder {
  readonly calls: ObservedCall[] = [];

  /** Forgets the calls recorded so far. */
  reset(): void {
    this.calls.length = 0;
  }

  @OnMessage()
  onMessage(event: MessageEvent, context: MessengerContext): void {
    this.record('OnMessage', event, context);
  }
  @OnEcho()
  onEcho(event: EchoEvent, context: MessengerContext): void {
    this.record('OnEcho', event, context);
  }
  @OnMessageEdit()
  onMessageEdit(event: MessageEditEvent, context: MessengerContext): void {
    this.record('OnMessageEdit', event, context);
  }
  @OnReaction()
  onReaction(event: ReactionEvent, context: MessengerContext): void {
    this.record('OnReaction', event, context);
  }
  @OnRead()
  onRead(event: ReadEvent, context: MessengerContext): void {
    this.record('OnRead', event, context);
  }
  @OnDelivery()
  onDelivery(event: DeliveryEvent, context: MessengerContext): void {
    this.record('OnDelivery', event, context);
  }
  @OnPostback()
  onPostback(event: PostbackEvent, context: MessengerContext): void {
    this.record('OnPostback', event, context);
  }
  @OnReferral()
  onReferral(event: ReferralEvent, context: MessengerContext): void {
    this.record('OnReferral', event, context);
  }
  @OnOptin()
  onOptin(event: OptinEvent, context: MessengerContext): void {
    this.record('OnOptin', event, context);
  }
  @OnAccountLinking()
  onAccountLinking(event: AccountLinkingEvent, context: MessengerContext): void {
    this.record('OnAccountLinking', event, context);
  }
  @OnFeedback()
  onFeedback(event: FeedbackEvent, context: MessengerContext): void {
    this.record('OnFeedback', event, context);
  }
  @OnResponseFeedback()
  onResponseFeedback(event: ResponseFeedbackEvent, context: MessengerContext): void {
    this.record('OnResponseFeedback', event, context);
  }
  @OnGamePlay()
  onGamePlay(event: GamePlayEvent, context: MessengerContext): void {
    this.record('OnGamePlay', event, context);
  }
  @OnHandover()
  onHandover(event: HandoverEvent, context: MessengerContext): void {
    this.record('OnHandover', event, context);
  }
  @OnPolicyEnforcement()
  onPolicyEnforcement(event: PolicyEnforcementEvent, context: MessengerContext): void {
    this.record('OnPolicyEnforcement', event, context);
  }
  @OnSendCart()
  onSendCart(event: SendCartEvent, context: MessengerContext): void {
    this.record('OnSendCart', event, context);
  }
  @OnTemplateStatusUpdate()
  onTemplateStatusUpdate(event: TemplateStatusUpdateEvent, context: MessengerContext): void {
    this.record('OnTemplateStatusUpdate', event, context);
  }
  @OnComment()
  onComment(event: CommentEvent, context: MessengerContext): void {
    this.record('OnComment', event, context);
  }
  @OnMention()
  onMention(event: MentionEvent, context: MessengerContext): void {
    this.record('OnMention', event, context);
  }
  @OnStoryInsights()
  onStoryInsights(event: StoryInsightsEvent, context: MessengerContext): void {
    this.record('OnStoryInsights', event, context);
  }
  @OnChange()
  onChange(event: ChangeEvent, context: MessengerContext): void {
    this.record('OnChange', event, context);
  }
  @OnStandby()
  onStandby(event: MessengerEvent, context: MessengerContext): void {
    this.record('OnStandby', event, context);
  }
  @OnInvalidEvent()
  onInvalidEvent(event: InvalidEvent, context: MessengerContext): void {
    this.record('OnInvalidEvent', event, context);
  }
  @OnEvent()
  onEvent(event: MessengerEvent, context: MessengerContext): void {
    this.record('OnEvent', event, context);
  }

  private record(decorator: DecoratorName, event: object, context: MessengerContext): void {
    this.calls.push({ decorator, event, context: { ...context } });
  }
}
