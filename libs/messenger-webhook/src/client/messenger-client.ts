import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { MESSENGER_WEBHOOK_CONFIG } from '../messenger-webhook.constants.js';
import { resolveClientOptions, type MessengerClientOptions, type ResolvedClientConfig } from './client-options.js';
import {
  deleteProfileRequest,
  getProfileRequest,
  passThreadControlRequest,
  requestThreadControlRequest,
  setProfileRequest,
  takeThreadControlRequest,
  threadOwnerRequest,
  uploadRequest,
  userProfileRequest,
  type UploadFile,
} from './graph-requests.js';
import { resolveTarget, type GraphTarget, type PageRef } from './graph-target.js';
import { queuePage, withHandlerPage } from './handler-page.js';
import type { GraphRequest, GraphTransport } from './graph-transport.js';
import { buttonTemplate, genericTemplate, mediaAttachment, mediaTemplate, templateAttachment, textMessage, type MediaSource } from './message-builders.js';
import type {
  Button,
  GenericElement,
  Greeting,
  IceBreakerQuestion,
  IceBreakers,
  MediaElement,
  MediaType,
  MessageAttachment,
  MessengerProfile,
  MessengerProfileField,
  OutgoingMessage,
  PersistentMenu,
  OutgoingQuickReply,
  Recipient,
  RecipientInput,
  SenderAction,
  SendResult,
  OutgoingTemplatePayload,
  UserProfile,
} from './message.types.js';
import { observed } from './observed-promise.js';
import { RecipientQueue } from './recipient-queue.js';
import { messageBody, recipientKey, senderActionBody, toMessage, toRecipient, type SendOptions, type SenderActionOptions } from './send-body.js';

/** What the client reads of the module's resolved configuration. */
export interface MessengerClientConfig {
  readonly client: ResolvedClientConfig;
  readonly shutdownTimeout: number;
}

/** Options of `sendText`: a send's options plus the quick replies shown under the text. */
export interface TextOptions extends SendOptions {
  readonly quickReplies?: readonly OutgoingQuickReply[];
}

/** Options of `getUserProfile`. */
export interface UserProfileOptions extends PageRef {
  /** Fields to read (default Messenger: first_name, last_name, profile_pic; Instagram: name, username, profile_pic). */
  readonly fields?: readonly string[];
}

/** Creates a client outside a Nest app (a deploy script setting the Messenger profile, a worker); same options as the module's. */
export function createMessengerClient(options: MessengerClientOptions & { appSecret?: string; shutdownTimeout?: number }): MessengerClient {
  return new MessengerClient({ client: resolveClientOptions(options, options.appSecret), shutdownTimeout: options.shutdownTimeout ?? 10_000 });
}

/**
 * The Send API and its neighbours (handover, attachment upload, user profile, Messenger profile), for Messenger and
 * Instagram. Calls to one person go out one at a time in call order, awaited or not; calls to different people run in
 * parallel. Transient failures are retried with backoff; the rest throw a {@link MessengerApiError}. Constructing it
 * costs nothing: the HTTP code is loaded by the first call.
 *
 * Every call may say which Page sends with `{ pageId, platform }`; left out, a call made inside a handler (awaited or
 * not) goes out from the event's page on the event's platform, and one made elsewhere needs a single `pageAccessToken`.
 */
@Injectable()
export class MessengerClient implements BeforeApplicationShutdown {
  private readonly logger = new Logger('MessengerClient');
  private readonly settings: ResolvedClientConfig;
  private readonly shutdownTimeout: number;
  private readonly conversations = new RecipientQueue();
  private readonly inFlight = new Set<Promise<unknown>>();
  private transportLoad?: Promise<GraphTransport>;

  constructor(@Inject(MESSENGER_WEBHOOK_CONFIG) config: MessengerClientConfig) {
    this.settings = config.client;
    this.shutdownTimeout = config.shutdownTimeout;
  }

  /** True when calls would go out (a token is configured) or be logged (`graphApiDryRun`). */
  get configured(): boolean {
    return this.settings.dryRun || this.settings.pageTokens !== null || this.settings.instagramTokens !== null;
  }

  // ---- Send API -------------------------------------------------------------------------------------------------

  /** Sends a message (a string is a text message) to a person. */
  send(to: RecipientInput, message: string | OutgoingMessage, options: SendOptions = {}): Promise<SendResult> {
    return this.toPerson(to, options, 'POST me/messages', (recipient) => messages(messageBody(recipient, toMessage(message), options)));
  }

  /** Sends a text, with quick replies under it when given. */
  sendText(to: RecipientInput, text: string, options: TextOptions = {}): Promise<SendResult> {
    return this.toPerson(to, options, 'POST me/messages', (recipient) => messages(messageBody(recipient, textMessage(text, options.quickReplies), options)));
  }

  /** Sends a text with quick replies (`{ title, payload }`, or `{ content_type: 'user_email' }` and friends). */
  sendQuickReplies(to: RecipientInput, text: string, quickReplies: readonly OutgoingQuickReply[], options: SendOptions = {}): Promise<SendResult> {
    return this.sendText(to, text, { ...options, quickReplies });
  }

  /** Sends an attachment in Meta's shape (media by URL or `attachment_id`, or a template). */
  sendAttachment(to: RecipientInput, attachment: MessageAttachment, options: SendOptions = {}): Promise<SendResult> {
    return this.send(to, { attachment }, options);
  }

  /** Sends an image by URL, by `{ attachmentId }`, or by `{ url, isReusable: true }` (the answer then holds its `attachment_id`). */
  sendImage(to: RecipientInput, source: MediaSource, options: SendOptions = {}): Promise<SendResult> {
    return this.sendMedia(to, 'image', source, options);
  }

  /** Sends an audio clip (see {@link sendImage} for the source). */
  sendAudio(to: RecipientInput, source: MediaSource, options: SendOptions = {}): Promise<SendResult> {
    return this.sendMedia(to, 'audio', source, options);
  }

  /** Sends a video (see {@link sendImage} for the source). */
  sendVideo(to: RecipientInput, source: MediaSource, options: SendOptions = {}): Promise<SendResult> {
    return this.sendMedia(to, 'video', source, options);
  }

  /** Sends a file (see {@link sendImage} for the source). */
  sendFile(to: RecipientInput, source: MediaSource, options: SendOptions = {}): Promise<SendResult> {
    return this.sendMedia(to, 'file', source, options);
  }

  /** Sends any template by its payload. */
  sendTemplate(to: RecipientInput, payload: OutgoingTemplatePayload, options: SendOptions = {}): Promise<SendResult> {
    return this.toPerson(to, options, 'POST me/messages', (recipient) => messages(messageBody(recipient, { attachment: templateAttachment(payload) }, options)));
  }

  /** Sends a generic template: one card, or a carousel of up to 10. */
  sendGenericTemplate(
    to: RecipientInput,
    elements: readonly GenericElement[],
    options: SendOptions & { readonly imageAspectRatio?: 'horizontal' | 'square' } = {},
  ): Promise<SendResult> {
    return this.toPerson(to, options, 'POST me/messages', (recipient) =>
      messages(messageBody(recipient, { attachment: templateAttachment(genericTemplate(elements, options.imageAspectRatio)) }, options)),
    );
  }

  /** Sends a button template: text with up to 3 buttons. */
  sendButtonTemplate(to: RecipientInput, text: string, buttons: readonly Button[], options: SendOptions = {}): Promise<SendResult> {
    return this.toPerson(to, options, 'POST me/messages', (recipient) => messages(messageBody(recipient, { attachment: templateAttachment(buttonTemplate(text, buttons)) }, options)));
  }

  /** Sends a media template: an image or video (by `attachment_id` or Facebook URL) with optional buttons. */
  sendMediaTemplate(to: RecipientInput, element: MediaElement, options: SendOptions = {}): Promise<SendResult> {
    return this.toPerson(to, options, 'POST me/messages', (recipient) => messages(messageBody(recipient, { attachment: templateAttachment(mediaTemplate(element)) }, options)));
  }

  /** Shows or hides the typing indicator, or marks the conversation seen. */
  sendSenderAction(to: RecipientInput, action: SenderAction, options: SenderActionOptions = {}): Promise<SendResult> {
    return this.toPerson(to, options, 'POST me/messages', (recipient) => messages(senderActionBody(recipient, action, options)));
  }

  /** `sender_action: typing_on`. */
  typingOn(to: RecipientInput, options: SenderActionOptions = {}): Promise<SendResult> {
    return this.sendSenderAction(to, 'typing_on', options);
  }

  /** `sender_action: typing_off`. */
  typingOff(to: RecipientInput, options: SenderActionOptions = {}): Promise<SendResult> {
    return this.sendSenderAction(to, 'typing_off', options);
  }

  /** `sender_action: mark_seen`. */
  markSeen(to: RecipientInput, options: SenderActionOptions = {}): Promise<SendResult> {
    return this.sendSenderAction(to, 'mark_seen', options);
  }

  /** Uploads media once (`{ url }` or a file's bytes) and resolves with its reusable `attachment_id` (Messenger). */
  async uploadAttachment(type: MediaType, source: { readonly url: string } | UploadFile, options: PageRef = {}): Promise<string> {
    const answer = await this.call<{ attachment_id?: string }>(options, 'POST me/message_attachments', (target) => uploadRequest(target, type, source));
    return String(answer.attachment_id ?? '');
  }

  // ---- Handover Protocol ----------------------------------------------------------------------------------------

  /** Passes the conversation to another app (`'page_inbox'`: the Page inbox); queued behind earlier sends to the person. */
  passThreadControl(to: RecipientInput, targetAppId: string | number, metadata?: string, options: PageRef = {}): Promise<{ success?: boolean }> {
    return this.toPerson(to, options, 'POST me/pass_thread_control', (recipient) => passThreadControlRequest(recipient, targetAppId, metadata));
  }

  /** Takes the conversation back (primary receiver only). */
  takeThreadControl(to: RecipientInput, metadata?: string, options: PageRef = {}): Promise<{ success?: boolean }> {
    return this.toPerson(to, options, 'POST me/take_thread_control', (recipient) => takeThreadControlRequest(recipient, metadata));
  }

  /** Asks the primary receiver to pass the conversation to this app. */
  requestThreadControl(to: RecipientInput, metadata?: string, options: PageRef = {}): Promise<{ success?: boolean }> {
    return this.toPerson(to, options, 'POST me/request_thread_control', (recipient) => requestThreadControlRequest(recipient, metadata));
  }

  /** The app id owning the conversation, if Meta says. */
  async getThreadOwner(userId: string, options: PageRef = {}): Promise<string | undefined> {
    const answer = await this.call<{ data?: Array<{ thread_owner?: { app_id?: string | number } }> }>(options, 'GET me/thread_owner', () => threadOwnerRequest(userId));
    const appId = answer.data?.[0]?.thread_owner?.app_id;
    return appId === undefined ? undefined : String(appId);
  }

  // ---- User profile -----------------------------------------------------------------------------------------------

  /** A person's public profile (Messenger: name and picture; Instagram: name, username, picture). */
  getUserProfile(userId: string, options: UserProfileOptions = {}): Promise<UserProfile> {
    return this.call<UserProfile>(options, 'GET <user id>', (target) => userProfileRequest(target, userId, options.fields));
  }

  // ---- Messenger profile ------------------------------------------------------------------------------------------

  /** Reads Messenger profile properties (`['get_started', 'greeting', ...]`). */
  async getMessengerProfile(fields: readonly MessengerProfileField[], options: PageRef = {}): Promise<MessengerProfile> {
    const answer = await this.profileCall<{ data?: MessengerProfile[] }>(options, 'GET me/messenger_profile', (target) => getProfileRequest(target, fields));
    return answer.data?.[0] ?? {};
  }

  /** Sets Messenger profile properties; the others stay as they are. */
  async setMessengerProfile(profile: MessengerProfile, options: PageRef = {}): Promise<void> {
    await this.profileCall(options, 'POST me/messenger_profile', (target) => setProfileRequest(target, profile));
  }

  /** Deletes Messenger profile properties. */
  async deleteMessengerProfile(fields: readonly MessengerProfileField[], options: PageRef = {}): Promise<void> {
    await this.profileCall(options, 'DELETE me/messenger_profile', (target) => deleteProfileRequest(target, fields));
  }

  /** Sets the Get Started button's postback payload. */
  setGetStarted(payload: string, options: PageRef = {}): Promise<void> {
    return this.setMessengerProfile({ get_started: { payload } }, options);
  }

  /** Sets the welcome screen greeting: one text (locale `default`) or one per locale. */
  setGreeting(greeting: string | readonly Greeting[], options: PageRef = {}): Promise<void> {
    return this.setMessengerProfile({ greeting: typeof greeting === 'string' ? [{ locale: 'default', text: greeting }] : greeting }, options);
  }

  /** Sets the persistent menu: buttons (locale `default`) or one menu per locale. */
  setPersistentMenu(menu: readonly Button[] | readonly PersistentMenu[], options: PageRef = {}): Promise<void> {
    const menus = menu.length > 0 && 'call_to_actions' in menu[0]! ? (menu as readonly PersistentMenu[]) : [{ locale: 'default', call_to_actions: menu as readonly Button[] }];
    return this.setMessengerProfile({ persistent_menu: menus }, options);
  }

  /** Sets the ice breakers: questions (locale `default`) or one set per locale. */
  setIceBreakers(iceBreakers: readonly IceBreakerQuestion[] | readonly IceBreakers[], options: PageRef = {}): Promise<void> {
    const sets =
      iceBreakers.length > 0 && 'call_to_actions' in iceBreakers[0]!
        ? (iceBreakers as readonly IceBreakers[])
        : [{ locale: 'default', call_to_actions: iceBreakers as readonly IceBreakerQuestion[] }];
    return this.setMessengerProfile({ ice_breakers: sets }, options);
  }

  // ---- Lifecycle --------------------------------------------------------------------------------------------------

  /** Resolves once every call made so far (and any made meanwhile) has settled. */
  async idle(): Promise<void> {
    while (this.conversations.size > 0 || this.inFlight.size > 0) {
      await Promise.all([this.conversations.idle(), ...[...this.inFlight].map((call) => call.catch(() => undefined))]);
    }
  }

  /** Lets calls still queued or retrying finish (bounded by `shutdownTimeout`) once the handlers are done. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.conversations.size === 0 && this.inFlight.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(resolve, this.shutdownTimeout, true);
    });
    const gaveUp = await Promise.race([this.idle().then(() => false), timedOut]);
    clearTimeout(timer);
    if (gaveUp) this.logger.warn(`Shut down with Graph API calls still pending after ${this.shutdownTimeout} ms`);
  }

  // ---- Internals --------------------------------------------------------------------------------------------------

  private sendMedia(to: RecipientInput, type: MediaType, source: MediaSource, options: SendOptions): Promise<SendResult> {
    return this.toPerson(to, options, 'POST me/messages', (recipient) => messages(messageBody(recipient, { attachment: mediaAttachment(type, source) }, options)));
  }

  /** A call about one person's conversation: queued behind the earlier calls to that person from that page. */
  private toPerson<T>(to: RecipientInput, given: PageRef, endpoint: string, build: (recipient: Recipient) => GraphRequest): Promise<T> {
    const ref = withHandlerPage(given);
    let recipient: Recipient;
    try {
      recipient = toRecipient(to);
    } catch (error) {
      return this.watched(Promise.reject(error), endpoint);
    }
    const key = `${queuePage(this.settings, ref)}|${recipientKey(recipient)}`;
    return this.watched(this.conversations.run(key, () => this.execute<T>(ref, () => build(recipient))), endpoint);
  }

  /** Messenger profile writes of one page go one at a time, so the last one called is the one that stays. */
  private profileCall<T>(given: PageRef, endpoint: string, build: (target: GraphTarget) => GraphRequest): Promise<T> {
    const ref = withHandlerPage(given);
    const key = `profile|${queuePage(this.settings, ref)}`;
    return this.watched(this.conversations.run(key, () => this.execute<T>(ref, build)), endpoint);
  }

  /** A call outside any conversation (upload, profile read). */
  private call<T>(ref: PageRef, endpoint: string, build: (target: GraphTarget) => GraphRequest): Promise<T> {
    const promise = this.execute<T>(withHandlerPage(ref), build);
    this.inFlight.add(promise);
    const forget = () => this.inFlight.delete(promise);
    promise.then(forget, forget);
    return this.watched(promise, endpoint);
  }

  private async execute<T>(ref: PageRef, build: (target: GraphTarget) => GraphRequest): Promise<T> {
    const target = this.settings.dryRun ? this.dryRunTarget(ref) : await resolveTarget(this.settings, ref);
    const request = build(target);
    return (await this.transport()).call<T>(target, request);
  }

  /** A failure nothing awaited is logged rather than left to crash the process as an unhandled rejection. */
  private watched<T>(promise: Promise<T>, endpoint: string): Promise<T> {
    return observed(promise, (error) => {
      const message = error instanceof Error ? error.message : String(error);
      this.logger.error(`${message.startsWith(endpoint) ? message : `${endpoint} failed: ${message}`} (the call was not awaited)`);
    });
  }

  private dryRunTarget(ref: PageRef): GraphTarget {
    return { baseUrl: `${this.settings.graphApiUrl}/${this.settings.version}`, token: '', platform: ref.platform ?? 'messenger', instagramLogin: false };
  }

  /** Loaded on first use: an app that never calls the Graph API never loads the HTTP code. */
  private transport(): Promise<GraphTransport> {
    this.transportLoad ??= this.settings.dryRun
      ? import('./dry-run-transport.js').then(({ DryRunGraphTransport }) => new DryRunGraphTransport(this.logger))
      : import('./graph-transport.js').then(({ HttpGraphTransport }) => new HttpGraphTransport(this.settings, this.logger));
    return this.transportLoad;
  }
}

/** `POST me/messages` with a Send API body. */
function messages(body: Record<string, unknown>): GraphRequest {
  return { method: 'POST', path: 'me/messages', body };
}
