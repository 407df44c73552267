import type { KnownAttachmentType } from '../events/index.js';

/** Attachment types Meta documents; any other string is accepted too, with an empty payload. */
export type AttachmentKind = KnownAttachmentType | (string & {});

const CDN = 'https://scontent.example.com/v/t1';

// Functions, not objects, so a caller mutating one event's payload cannot change the next event's defaults.
const DEFAULTS: Record<string, () => Record<string, unknown>> = {
  image: () => ({ url: `${CDN}/image.jpg` }),
  audio: () => ({ url: `${CDN}/audio.mp4` }),
  video: () => ({ url: `${CDN}/video.mp4` }),
  file: () => ({ url: `${CDN}/file.pdf` }),
  location: () => ({ coordinates: { lat: 48.8566, long: 2.3522 } }),
  fallback: () => ({ url: 'https://example.com/article', title: 'An article' }),
  sticker: () => ({ url: `${CDN}/sticker.png`, sticker_id: 369239263222822 }),
  template: () => ({
    product: {
      elements: [{ id: '5143500000000001', retailer_id: 'SKU-001', image_url: `${CDN}/product.jpg`, title: 'Blue T-shirt', subtitle: '$19.99' }],
    },
  }),
  appointment_booking: () => ({ booking_id: '1234567890', status: 'confirmed', start_time: 1739612400, end_time: 1739616000, timezone: 'Europe/Paris' }),
  ig_reel: () => ({ url: `${CDN}/reel.mp4`, title: 'A reel', reel_video_id: '18000000000000002' }),
  reel: () => ({ url: `${CDN}/reel.mp4`, reel_video_id: '18000000000000003' }),
  story_mention: () => ({ url: `${CDN}/story.jpg` }),
  share: () => ({ url: `${CDN}/post.jpg` }),
  ig_story: () => ({ url: `${CDN}/story.mp4`, id: '18000000000000004' }),
  ig_post: () => ({ url: `${CDN}/post.jpg`, title: 'A post', ig_post_media_id: '18000000000000005' }),
  ephemeral: () => ({ url: `${CDN}/ephemeral.jpg` }),
  unsupported_type: () => ({ url: `${CDN}/unsupported` }),
};

/** A realistic default payload for an attachment of `type` (an empty object for types without one). */
export function defaultAttachmentPayload(type: string): Record<string, unknown> {
  return DEFAULTS[type]?.() ?? {};
}

/** The attachment types that have a realistic default payload. */
export const KNOWN_ATTACHMENT_KINDS: readonly string[] = Object.keys(DEFAULTS);
