import type { Button, GenericElement, MediaElement, MediaType, MessageAttachment, OutgoingMessage, OutgoingQuickReply, OutgoingTemplatePayload } from './message.types.js';
import { MessengerClientError } from './messenger-api-error.js';
import { quickReplies } from './send-body.js';

/** Media to send: a URL, a reusable `attachment_id` from an earlier upload, or a URL to keep for reuse. */
export type MediaSource = string | { readonly attachmentId: string } | { readonly url: string; readonly isReusable?: boolean };

/** A text message, with quick replies when given. */
export function textMessage(text: string, replies?: readonly OutgoingQuickReply[]): OutgoingMessage {
  if (typeof text !== 'string' || text.length === 0) throw new MessengerClientError('MessengerClient: the message text is empty');
  return replies?.length ? { text, quick_replies: quickReplies(replies) } : { text };
}

/** The attachment of an image, audio, video or file message. */
export function mediaAttachment(type: MediaType, source: MediaSource): MessageAttachment {
  if (typeof source === 'string') return { type, payload: { url: nonEmpty(source, 'media URL') } };
  if ('attachmentId' in source) return { type, payload: { attachment_id: nonEmpty(source.attachmentId, 'attachmentId') } };
  return { type, payload: source.isReusable ? { url: nonEmpty(source.url, 'media URL'), is_reusable: true } : { url: nonEmpty(source.url, 'media URL') } };
}

/** A template attachment. */
export function templateAttachment(payload: OutgoingTemplatePayload): MessageAttachment {
  return { type: 'template', payload };
}

/** The payload of a generic template (a carousel of up to 10 cards). */
export function genericTemplate(elements: readonly GenericElement[], imageAspectRatio?: 'horizontal' | 'square'): OutgoingTemplatePayload {
  if (!Array.isArray(elements) || elements.length === 0) throw new MessengerClientError('MessengerClient: a generic template needs at least one element');
  return imageAspectRatio ? { template_type: 'generic', elements, image_aspect_ratio: imageAspectRatio } : { template_type: 'generic', elements };
}

/** The payload of a button template: text with up to 3 buttons. */
export function buttonTemplate(text: string, buttons: readonly Button[]): OutgoingTemplatePayload {
  nonEmpty(text, 'button template text');
  if (!Array.isArray(buttons) || buttons.length === 0) throw new MessengerClientError('MessengerClient: a button template needs at least one button');
  return { template_type: 'button', text, buttons };
}

/** The payload of a media template: one image or video, by `attachment_id` or Facebook URL, with optional buttons. */
export function mediaTemplate(element: MediaElement): OutgoingTemplatePayload {
  if (typeof element !== 'object' || element === null) throw new MessengerClientError('MessengerClient: a media template needs an element');
  return { template_type: 'media', elements: [element] };
}

function nonEmpty(value: string, what: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new MessengerClientError(`MessengerClient: the ${what} is empty`);
  return value;
}
