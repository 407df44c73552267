/**
 * What the Send API accepts, in Meta's own field names (as the event classes keep them), so Meta's reference pages
 * map one to one onto these types.
 */

/** Who a message goes to: a PSID / IGSID, or one of the other recipient forms Meta accepts. */
export type Recipient =
  | { readonly id: string }
  | { readonly user_ref: string }
  | { readonly comment_id: string }
  | { readonly post_id: string }
  | { readonly notification_messages_token: string }
  | { readonly one_time_notif_token: string };

/** A recipient, or a PSID / IGSID as a string. */
export type RecipientInput = string | Recipient;

/** `messaging_type` of a send: a reply inside the 24-hour window, a proactive update, or a tagged message. */
export type MessagingType = 'RESPONSE' | 'UPDATE' | 'MESSAGE_TAG';

/** Message tags for sending outside the 24-hour window; Instagram accepts only `HUMAN_AGENT`. */
export type MessageTag = 'CONFIRMED_EVENT_UPDATE' | 'POST_PURCHASE_UPDATE' | 'ACCOUNT_UPDATE' | 'HUMAN_AGENT';

/** How the person is notified of a message. */
export type NotificationType = 'REGULAR' | 'SILENT_PUSH' | 'NO_PUSH';

/** A typing indicator or read receipt. */
export type SenderAction = 'typing_on' | 'typing_off' | 'mark_seen';

/** A quick reply button under a message; `content_type` defaults to `'text'`. */
export type OutgoingQuickReply =
  | { readonly content_type?: 'text'; readonly title: string; readonly payload: string | number; readonly image_url?: string }
  | { readonly content_type: 'user_phone_number' | 'user_email'; readonly image_url?: string };

/** The media types of attachments. */
export type MediaType = 'image' | 'audio' | 'video' | 'file';

/** A button of a template or of the persistent menu. */
export type Button =
  | {
      readonly type: 'web_url';
      readonly title: string;
      readonly url: string;
      readonly webview_height_ratio?: 'compact' | 'tall' | 'full';
      readonly messenger_extensions?: boolean;
      readonly fallback_url?: string;
    }
  | { readonly type: 'postback'; readonly title: string; readonly payload: string }
  | { readonly type: 'phone_number'; readonly title: string; readonly payload: string }
  | { readonly type: 'account_link'; readonly url: string }
  | { readonly type: 'account_unlink' }
  | { readonly type: 'game_play'; readonly title: string; readonly payload?: string; readonly game_metadata?: Record<string, string> };

/** The action of tapping a generic template element. */
export interface DefaultAction {
  readonly type: 'web_url';
  readonly url: string;
  readonly webview_height_ratio?: 'compact' | 'tall' | 'full';
}

/** One card of a generic template (a carousel has up to 10). */
export interface GenericElement {
  readonly title: string;
  readonly subtitle?: string;
  readonly image_url?: string;
  readonly default_action?: DefaultAction;
  readonly buttons?: readonly Button[];
}

/** The one element of a media template: an image or video by `attachment_id` or Facebook `url`. */
export type MediaElement =
  | { readonly media_type: 'image' | 'video'; readonly attachment_id: string; readonly buttons?: readonly Button[] }
  | { readonly media_type: 'image' | 'video'; readonly url: string; readonly buttons?: readonly Button[] };

/** The payload of a template attachment. */
export type OutgoingTemplatePayload =
  | { readonly template_type: 'generic'; readonly elements: readonly GenericElement[]; readonly image_aspect_ratio?: 'horizontal' | 'square' }
  | { readonly template_type: 'button'; readonly text: string; readonly buttons: readonly Button[] }
  | { readonly template_type: 'media'; readonly elements: readonly MediaElement[] }
  | { readonly template_type: string; readonly [field: string]: unknown };

/** An attachment of a message: media by URL or by a reusable `attachment_id`, or a template. */
export type MessageAttachment =
  | { readonly type: MediaType; readonly payload: { readonly url: string; readonly is_reusable?: boolean } }
  | { readonly type: MediaType; readonly payload: { readonly attachment_id: string } }
  | { readonly type: 'template'; readonly payload: OutgoingTemplatePayload };

/** The `message` of a Send API call: text or an attachment, with optional quick replies and metadata. */
export type OutgoingMessage =
  | { readonly text: string; readonly quick_replies?: readonly OutgoingQuickReply[]; readonly metadata?: string }
  | { readonly attachment: MessageAttachment; readonly quick_replies?: readonly OutgoingQuickReply[]; readonly metadata?: string };

/** What the Send API answered: the person's id and the message id (plus the attachment id of a reusable upload). */
export interface SendResult {
  readonly recipient_id?: string;
  readonly message_id?: string;
  readonly attachment_id?: string;
}

/** One locale's greeting on the welcome screen; `{{user_first_name}}` and friends are filled in by Messenger. */
export interface Greeting {
  readonly locale: string;
  readonly text: string;
}

/** One locale's persistent menu. */
export interface PersistentMenu {
  readonly locale: string;
  readonly composer_input_disabled?: boolean;
  readonly call_to_actions: readonly Button[];
}

/** One question of the ice breakers (up to 4 per locale). */
export interface IceBreakerQuestion {
  readonly question: string;
  readonly payload: string;
}

/** One locale's ice breakers (`locale: 'default'` is required by Meta). */
export interface IceBreakers {
  readonly locale: string;
  readonly call_to_actions: readonly IceBreakerQuestion[];
}

/** The properties of the Messenger profile this client sets; any other property Meta documents passes through. */
export interface MessengerProfile {
  readonly get_started?: { readonly payload: string };
  readonly greeting?: readonly Greeting[];
  readonly persistent_menu?: readonly PersistentMenu[];
  readonly ice_breakers?: readonly IceBreakers[];
  readonly whitelisted_domains?: readonly string[];
  readonly [property: string]: unknown;
}

/** The name of a Messenger profile property. */
export type MessengerProfileField = 'get_started' | 'greeting' | 'persistent_menu' | 'ice_breakers' | 'whitelisted_domains' | (string & {});

/** A person's public profile as the Graph API returns it (fields depend on what was asked and on the platform). */
export interface UserProfile {
  readonly id: string;
  readonly [field: string]: unknown;
}
