import type { GraphTarget } from './graph-target.js';
import type { GraphRequest } from './graph-transport.js';
import type { MediaType, MessengerProfile, MessengerProfileField, Recipient } from './message.types.js';
import { MessengerClientError } from './messenger-api-error.js';

/**
 * The request shapes of the calls beside `me/messages`: handover, attachment upload, user profile and Messenger
 * profile. Pure: the target only says the platform and whether the call goes through Instagram Login.
 */

/** A file to upload: its bytes, its name, and its MIME type. */
export interface UploadFile {
  readonly data: Blob | Uint8Array | ArrayBuffer;
  readonly filename: string;
  readonly contentType?: string;
}

/** `POST me/pass_thread_control`: hands the conversation to another app (`'page_inbox'` for the Page inbox). */
export function passThreadControlRequest(recipient: Recipient, targetAppId: string | number, metadata?: string): GraphRequest {
  if (targetAppId === undefined || targetAppId === null || String(targetAppId) === '') throw new MessengerClientError('MessengerClient: passThreadControl needs the target app id');
  return { method: 'POST', path: 'me/pass_thread_control', body: withMetadata({ recipient, target_app_id: targetAppId }, metadata) };
}

/** `POST me/take_thread_control`: the primary receiver takes the conversation back. */
export function takeThreadControlRequest(recipient: Recipient, metadata?: string): GraphRequest {
  return { method: 'POST', path: 'me/take_thread_control', body: withMetadata({ recipient }, metadata) };
}

/** `POST me/request_thread_control`: asks the primary receiver for the conversation. */
export function requestThreadControlRequest(recipient: Recipient, metadata?: string): GraphRequest {
  return { method: 'POST', path: 'me/request_thread_control', body: withMetadata({ recipient }, metadata) };
}

/** `GET me/thread_owner?recipient=<PSID>`: which app owns the conversation. */
export function threadOwnerRequest(recipientId: string): GraphRequest {
  return { method: 'GET', path: 'me/thread_owner', query: { recipient: recipientId } };
}

/** `POST me/message_attachments`: uploads media once and answers a reusable `attachment_id`. Messenger only. */
export function uploadRequest(target: GraphTarget, type: MediaType, source: { readonly url: string } | UploadFile): GraphRequest {
  if (target.platform === 'instagram') {
    throw new MessengerClientError('MessengerClient: Meta documents the Attachment Upload API for Messenger only; send Instagram media by URL');
  }
  const attachment = { type, payload: { is_reusable: true } };
  if ('url' in source) {
    return { method: 'POST', path: 'me/message_attachments', body: { message: { attachment: { type, payload: { url: source.url, is_reusable: true } } } } };
  }
  if (!source.filename) throw new MessengerClientError('MessengerClient: an uploaded file needs a filename');
  const form = new FormData();
  form.set('message', JSON.stringify({ attachment }));
  const blob = source.data instanceof Blob ? source.data : new Blob([source.data as Uint8Array<ArrayBuffer>], { type: source.contentType ?? 'application/octet-stream' });
  form.set('filedata', blob, source.filename);
  return { method: 'POST', path: 'me/message_attachments', body: form };
}

/** The profile fields asked for when none are given: Messenger's and Instagram's public ones differ. */
export function defaultProfileFields(target: GraphTarget): string[] {
  return target.platform === 'instagram' ? ['name', 'username', 'profile_pic'] : ['first_name', 'last_name', 'profile_pic'];
}

/** `GET <user id>?fields=...`: the person's public profile. */
export function userProfileRequest(target: GraphTarget, userId: string, fields?: readonly string[]): GraphRequest {
  if (typeof userId !== 'string' || userId.length === 0 || userId.includes('/')) throw new MessengerClientError('MessengerClient: getUserProfile needs a PSID / IGSID');
  return { method: 'GET', path: encodeURIComponent(userId), query: { fields: (fields?.length ? fields : defaultProfileFields(target)).join(',') } };
}

/** `GET me/messenger_profile?fields=...`. */
export function getProfileRequest(target: GraphTarget, fields: readonly MessengerProfileField[]): GraphRequest {
  if (!Array.isArray(fields) || fields.length === 0) throw new MessengerClientError('MessengerClient: name the Messenger profile fields to read');
  return { method: 'GET', path: 'me/messenger_profile', query: { fields: fields.join(','), ...platformQuery(target) } };
}

/** `POST me/messenger_profile` with the properties to set. */
export function setProfileRequest(target: GraphTarget, profile: MessengerProfile): GraphRequest {
  if (typeof profile !== 'object' || profile === null || Object.keys(profile).length === 0) {
    throw new MessengerClientError('MessengerClient: setMessengerProfile needs at least one property');
  }
  const body = target.platform === 'instagram' ? { platform: 'instagram', ...profile } : profile;
  return { method: 'POST', path: 'me/messenger_profile', query: platformQuery(target), body };
}

/** `DELETE me/messenger_profile` with `{ fields }`. */
export function deleteProfileRequest(target: GraphTarget, fields: readonly MessengerProfileField[]): GraphRequest {
  if (!Array.isArray(fields) || fields.length === 0) throw new MessengerClientError('MessengerClient: name the Messenger profile fields to delete');
  const body = target.platform === 'instagram' ? { platform: 'instagram', fields } : { fields };
  return { method: 'DELETE', path: 'me/messenger_profile', query: platformQuery(target), body };
}

/** Instagram's Messenger profile (ice breakers) is addressed with `platform=instagram`. */
function platformQuery(target: GraphTarget): Record<string, string> {
  return target.platform === 'instagram' ? { platform: 'instagram' } : {};
}

function withMetadata(body: Record<string, unknown>, metadata: string | undefined): Record<string, unknown> {
  return metadata === undefined ? body : { ...body, metadata };
}
