import { Field } from '../reading/field.decorators.js';

/** Fields every attachment may carry besides its payload. */
export class AttachmentBase {
  /** The attachment type as Meta sent it; on the {@link Attachment} union it tells the classes apart. */
  @Field.string()
  type!: string;

  /** Fallback and some echoed templates put the title on the attachment itself rather than in the payload. */
  @Field.string({ optional: true })
  title?: string | null;

  /** Fallback and some echoed templates put the URL on the attachment itself (echoed receipts send `url: null`). */
  @Field.string({ optional: true })
  url?: string | null;
}

/** Payload of image / audio / video / file / sticker attachments: a CDN URL, plus a sticker id for stickers. */
export class MediaPayload {
  /** Short-lived CDN URL: download it soon if you need the file. */
  @Field.string({ optional: true })
  url?: string;

  /** Set when an image is a sticker (369239263222822 is the Like thumb); numbers read as strings. */
  @Field.id({ optional: true })
  sticker_id?: string;

  /** Present on some Instagram media payloads. */
  @Field.string({ optional: true })
  title?: string;
}

/** Image attachment; also used for stickers sent before Meta introduced the `sticker` type. */
export class ImageAttachment extends AttachmentBase {
  declare type: 'image';
  /** The image URL (and sticker id when it is a sticker). */
  @Field.nested(() => MediaPayload)
  payload!: MediaPayload;
}

/** Audio attachment (voice notes included). */
export class AudioAttachment extends AttachmentBase {
  declare type: 'audio';
  /** The audio URL. */
  @Field.nested(() => MediaPayload)
  payload!: MediaPayload;
}

/** Video attachment. */
export class VideoAttachment extends AttachmentBase {
  declare type: 'video';
  /** The video URL. */
  @Field.nested(() => MediaPayload)
  payload!: MediaPayload;
}

/** File (document) attachment. */
export class FileAttachment extends AttachmentBase {
  declare type: 'file';
  /** The file URL. */
  @Field.nested(() => MediaPayload)
  payload!: MediaPayload;
}

/** Sticker attachment, as echoes report it since 2026. */
export class StickerAttachment extends AttachmentBase {
  declare type: 'sticker';
  /** Sticker image URL and its persistent `sticker_id`. */
  @Field.nested(() => MediaPayload)
  payload!: MediaPayload;
}

/** A point on the map; Meta names longitude `long`, not `lng`. */
export class Coordinates {
  /** Latitude in degrees. */
  @Field.number()
  lat!: number;

  /** Longitude in degrees. */
  @Field.number()
  long!: number;
}

/** Payload of a shared location. */
export class LocationPayload {
  /** The point shared. */
  @Field.nested(() => Coordinates)
  coordinates!: Coordinates;

  /** Map link some clients add. */
  @Field.string({ optional: true })
  url?: string;

  /** Place name some clients add. */
  @Field.string({ optional: true })
  title?: string;
}

/** Shared location attachment. */
export class LocationAttachment extends AttachmentBase {
  declare type: 'location';
  /** Where the person is or pinned. */
  @Field.nested(() => LocationPayload)
  payload!: LocationPayload;
}

/** Payload of a fallback (typically a link preview). */
export class FallbackPayload {
  /** Shared link. */
  @Field.string({ optional: true })
  url?: string;

  /** Page title of the shared link. */
  @Field.string({ optional: true })
  title?: string;
}

/** Anything Messenger cannot render natively, usually a shared link. */
export class FallbackAttachment extends AttachmentBase {
  declare type: 'fallback';
  /** Older echoes send `null` (and put `title` / `url` on the attachment), some a bare string: both kept as sent. */
  @Field.nested(() => FallbackPayload, { optional: true, nullable: true, loose: true })
  payload?: FallbackPayload | string | null;
}

/** A button of a button / generic template, as echoed back from the Send API. */
export class TemplateButton {
  /** `web_url`, `postback`, `phone_number`, ...: a string because the Send API keeps growing. */
  @Field.string()
  type!: string;

  /** Button label. */
  @Field.string({ optional: true })
  title?: string;

  /** Target of `web_url` buttons. */
  @Field.string({ optional: true })
  url?: string;

  /** Developer payload of `postback` buttons, or the number of `phone_number` buttons. */
  @Field.string({ optional: true })
  payload?: string;
}

/** An element of a generic or media template; one class for both since Meta echoes either. */
export class TemplateElement {
  /** Media templates: `image` or `video`. */
  @Field.string({ optional: true })
  media_type?: string;

  /** Media templates: echoes send it as a number even though the Send API wants a string; read as a string. */
  @Field.id({ optional: true })
  attachment_id?: string;

  /** Media templates addressed by URL instead of attachment id. */
  @Field.string({ optional: true })
  url?: string;

  /** Generic templates: element title. */
  @Field.string({ optional: true })
  title?: string;

  /** Generic templates: element subtitle. */
  @Field.string({ optional: true })
  subtitle?: string;

  /** Generic templates: element image. */
  @Field.string({ optional: true })
  image_url?: string;

  /** Buttons under the element. */
  @Field.array(Field.nested(() => TemplateButton), { optional: true })
  buttons?: TemplateButton[];
}

/** A catalog product inside a product template. */
export class ProductElement {
  /** Product id in the Facebook catalog (numbers read as strings). */
  @Field.id()
  id!: string;

  /** Your own id for the product (SKU / content id). */
  @Field.id({ optional: true })
  retailer_id?: string;

  /** Product image. */
  @Field.string({ optional: true })
  image_url?: string;

  /** Product name. */
  @Field.string({ optional: true })
  title?: string;

  /** Usually the price, already formatted. */
  @Field.string({ optional: true })
  subtitle?: string;
}

/** The `product` block of a product template: several elements form a horizontal scroll. */
export class ProductTemplate {
  /** Products shared. */
  @Field.array(Field.nested(() => ProductElement))
  elements!: ProductElement[];
}

/** Payload of a template attachment: button, generic, media, receipt, product template... (other keys kept as sent). */
export class TemplatePayload {
  /** `button`, `generic`, `media`, `receipt`, ...; absent on product templates. */
  @Field.string({ optional: true })
  template_type?: string;

  /** Button template text. */
  @Field.string({ optional: true })
  text?: string;

  /** Button template buttons. */
  @Field.array(Field.nested(() => TemplateButton), { optional: true })
  buttons?: TemplateButton[];

  /** Generic / media / receipt template elements. */
  @Field.array(Field.nested(() => TemplateElement), { optional: true })
  elements?: TemplateElement[];

  /** Product template: products from the Page's catalog. */
  @Field.nested(() => ProductTemplate, { optional: true })
  product?: ProductTemplate;
}

/** Template attachment (echoed templates, or products a person shares with the Page). */
export class TemplateAttachment extends AttachmentBase {
  declare type: 'template';
  /** The template as sent. */
  @Field.nested(() => TemplatePayload)
  payload!: TemplatePayload;
}

/** Payload of an appointment booking echo. */
export class AppointmentBookingPayload {
  /** Id of the booking; the only field every booking update needs. */
  @Field.id()
  booking_id!: string;

  /** `requested`, `confirmed`, `declined`, `cancelled` today; a string in case Meta adds states. */
  @Field.string({ optional: true })
  status?: string;

  /** Unix time in seconds (not milliseconds). */
  @Field.number({ optional: true, coerce: true })
  start_time?: number;

  /** Unix time in seconds (not milliseconds). */
  @Field.number({ optional: true, coerce: true })
  end_time?: number;

  /** IANA time zone, e.g. `America/Los_Angeles`. */
  @Field.string({ optional: true })
  timezone?: string;
}

/** Appointment booking attachment (echoes). */
export class AppointmentBookingAttachment extends AttachmentBase {
  declare type: 'appointment_booking';
  /** The booking. */
  @Field.nested(() => AppointmentBookingPayload)
  payload!: AppointmentBookingPayload;
}

/** Payload of an Instagram reel share. */
export class ReelPayload {
  /** CDN URL of the reel video. */
  @Field.string({ optional: true })
  url?: string;

  /** Reel caption. */
  @Field.string({ optional: true })
  title?: string;

  /** Id of the reel video (numbers read as strings). */
  @Field.id({ optional: true })
  reel_video_id?: string;
}

/** Instagram reel shared in a DM (`ig_reel`). */
export class IgReelAttachment extends AttachmentBase {
  declare type: 'ig_reel';
  /** The reel. */
  @Field.nested(() => ReelPayload)
  payload!: ReelPayload;
}

/** Reel shared in a DM under the older / Facebook `reel` type. */
export class ReelAttachment extends AttachmentBase {
  declare type: 'reel';
  /** The reel. */
  @Field.nested(() => ReelPayload)
  payload!: ReelPayload;
}

/** Payload holding a URL (story mentions, shares, stories, ephemeral and unsupported media). */
export class UrlPayload {
  /** CDN URL; for stories and story mentions it expires with the story. */
  @Field.string({ optional: true })
  url?: string;

  /** Instagram media id, where Meta gives one. */
  @Field.id({ optional: true })
  id?: string;

  /** Caption or title, where Meta gives one. */
  @Field.string({ optional: true })
  title?: string;
}

/** Instagram: someone mentioned your account in their story. */
export class StoryMentionAttachment extends AttachmentBase {
  declare type: 'story_mention';
  /** The story media. */
  @Field.nested(() => UrlPayload)
  payload!: UrlPayload;
}

/** Instagram: a post shared into the conversation. */
export class ShareAttachment extends AttachmentBase {
  declare type: 'share';
  /** The shared post media. */
  @Field.nested(() => UrlPayload)
  payload!: UrlPayload;
}

/** Instagram: a story shared into the conversation. */
export class IgStoryAttachment extends AttachmentBase {
  declare type: 'ig_story';
  /** The story media. */
  @Field.nested(() => UrlPayload, { optional: true })
  payload?: UrlPayload;
}

/** Payload of an Instagram post shared in a DM. */
export class IgPostPayload extends UrlPayload {
  /** Id of the shared post (numbers read as strings). */
  @Field.id({ optional: true })
  ig_post_media_id?: string;
}

/** Instagram: a post shared into the conversation (`ig_post`). */
export class IgPostAttachment extends AttachmentBase {
  declare type: 'ig_post';
  /** The post. */
  @Field.nested(() => IgPostPayload, { optional: true })
  payload?: IgPostPayload;
}

/** Instagram: view-once media; the payload, when any, only holds a URL. */
export class EphemeralAttachment extends AttachmentBase {
  declare type: 'ephemeral';
  /** The media, when Meta gives it. */
  @Field.nested(() => UrlPayload, { optional: true })
  payload?: UrlPayload;
}

/** Instagram: media the API cannot deliver. */
export class UnsupportedAttachment extends AttachmentBase {
  declare type: 'unsupported_type';
  /** A URL to the media, when Meta gives one. */
  @Field.nested(() => UrlPayload, { optional: true })
  payload?: UrlPayload;
}

/**
 * The `type` of an attachment this version does not model. Typed apart from the modelled names so that
 * `if (a.type === 'image')` narrows `a` to `ImageAttachment`; at run time it is the string Meta sent, so compare it
 * as one: `String(a.type) === 'brand_new'`.
 */
export type UnmodelledAttachmentType = `${string}(unmodelled)`;

/** An attachment of a type Meta added after this version: kept with its raw payload, so its message is never lost. */
export class UnknownAttachment extends AttachmentBase {
  declare type: UnmodelledAttachmentType;
  /** The payload exactly as sent (any JSON value, or absent). */
  @Field.json({ optional: true })
  payload?: unknown;
}

/** The attachment classes by the `type` they model: the one place a new attachment type is added. */
export const ATTACHMENT_CLASSES = {
  image: ImageAttachment,
  audio: AudioAttachment,
  video: VideoAttachment,
  file: FileAttachment,
  sticker: StickerAttachment,
  location: LocationAttachment,
  fallback: FallbackAttachment,
  template: TemplateAttachment,
  appointment_booking: AppointmentBookingAttachment,
  ig_reel: IgReelAttachment,
  reel: ReelAttachment,
  story_mention: StoryMentionAttachment,
  share: ShareAttachment,
  ig_story: IgStoryAttachment,
  ig_post: IgPostAttachment,
  ephemeral: EphemeralAttachment,
  unsupported_type: UnsupportedAttachment,
} as const;

/** Attachment `type` values this version models (`ATTACHMENT_CLASSES`' keys). */
export type KnownAttachmentType = keyof typeof ATTACHMENT_CLASSES;

/** Any attachment: a union discriminated by `type`, so `if (a.type === 'image') a.payload.url` type-checks. */
export type Attachment = InstanceType<(typeof ATTACHMENT_CLASSES)[KnownAttachmentType]> | UnknownAttachment;

/** The field decorator of an attachment: its class picked by `type`, {@link UnknownAttachment} for any other type. */
export const AttachmentField = (): ReturnType<typeof Field.union> => Field.union('type', () => ATTACHMENT_CLASSES, () => UnknownAttachment);
