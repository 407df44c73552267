import { Type, type TypeOptions } from 'class-transformer';
import {
  IsArray,
  IsDefined,
  IsNumber,
  IsOptional,
  IsString,
  ValidateNested,
} from 'class-validator';
import { IsStringOrNumber } from './validators.js';

/** Attachment `type` values this version models; Meta adds new ones, so `type` stays a plain string. */
export type KnownAttachmentType =
  | 'image'
  | 'audio'
  | 'video'
  | 'file'
  | 'location'
  | 'fallback'
  | 'sticker'
  | 'template'
  | 'appointment_booking'
  | 'ig_reel'
  | 'reel'
  | 'story_mention'
  | 'share';

/** Any attachment; unmodelled types arrive as this class with raw payload, so a new Meta type never fails validation. */
export class Attachment {
  /** Kept as sent (see `KnownAttachmentType`); not an enum because Meta keeps adding types. */
  @IsString()
  type!: string;

  /** Shape depends on `type`; subclasses narrow it. Unknown types keep the raw JSON here. */
  payload?: unknown;

  /** Fallback and some echo templates put the title on the attachment itself rather than in the payload. */
  @IsOptional()
  @IsString()
  title?: string;

  /** Fallback and some echo templates put the URL on the attachment itself rather than in the payload. */
  @IsOptional()
  @IsString()
  url?: string;
}

/** Payload of image / audio / video / file attachments: a CDN URL, plus a sticker id for image stickers. */
export class MediaPayload {
  /** Short-lived CDN URL: download it soon if you need the file. */
  @IsOptional()
  @IsString()
  url?: string;

  /** Set when an image is a sticker (e.g. 369239263222822 is the Like thumb); Meta has sent it as a number. */
  @IsOptional()
  @IsStringOrNumber()
  sticker_id?: string | number;

  /** Present on some Instagram media payloads. */
  @IsOptional()
  @IsString()
  title?: string;
}

/** Image attachment; also used for stickers sent before Meta introduced the `sticker` type. */
export class ImageAttachment extends Attachment {
  /** Discriminator value kept on the instance. */
  override type!: 'image';

  /** The image URL (and sticker id when it is a sticker). */
  @IsOptional()
  @ValidateNested()
  @Type(() => MediaPayload)
  override payload?: MediaPayload;
}

/** Audio attachment (voice notes included). */
export class AudioAttachment extends Attachment {
  /** Discriminator value kept on the instance. */
  override type!: 'audio';

  /** The audio URL. */
  @IsOptional()
  @ValidateNested()
  @Type(() => MediaPayload)
  override payload?: MediaPayload;
}

/** Video attachment. */
export class VideoAttachment extends Attachment {
  /** Discriminator value kept on the instance. */
  override type!: 'video';

  /** The video URL. */
  @IsOptional()
  @ValidateNested()
  @Type(() => MediaPayload)
  override payload?: MediaPayload;
}

/** File (document) attachment. */
export class FileAttachment extends Attachment {
  /** Discriminator value kept on the instance. */
  override type!: 'file';

  /** The file URL. */
  @IsOptional()
  @ValidateNested()
  @Type(() => MediaPayload)
  override payload?: MediaPayload;
}

/** Sticker attachment, as echoes report it since 2026. */
export class StickerAttachment extends Attachment {
  /** Discriminator value kept on the instance. */
  override type!: 'sticker';

  /** Sticker image URL and its persistent `sticker_id`. */
  @IsOptional()
  @ValidateNested()
  @Type(() => MediaPayload)
  override payload?: MediaPayload;
}

/** A point on the map; Meta names longitude `long`, not `lng`. */
export class Coordinates {
  /** Latitude in degrees. */
  @IsNumber()
  lat!: number;

  /** Longitude in degrees. */
  @IsNumber()
  long!: number;
}

/** Payload of a shared location. */
export class LocationPayload {
  /** Always present for a location share: it is the whole point of it. */
  @IsDefined()
  @ValidateNested()
  @Type(() => Coordinates)
  coordinates!: Coordinates;

  /** Map link some clients add. */
  @IsOptional()
  @IsString()
  url?: string;

  /** Place name some clients add. */
  @IsOptional()
  @IsString()
  title?: string;
}

/** Shared location attachment. */
export class LocationAttachment extends Attachment {
  /** Discriminator value kept on the instance. */
  override type!: 'location';

  /** Where the person is or pinned. */
  @IsOptional()
  @ValidateNested()
  @Type(() => LocationPayload)
  override payload?: LocationPayload;
}

/** Payload of a fallback (typically a link preview). */
export class FallbackPayload {
  /** Shared link. */
  @IsOptional()
  @IsString()
  url?: string;

  /** Page title of the shared link. */
  @IsOptional()
  @IsString()
  title?: string;
}

/** Anything Messenger cannot render natively, usually a shared link; older echoes send `payload: null`. */
export class FallbackAttachment extends Attachment {
  /** Discriminator value kept on the instance. */
  override type!: 'fallback';

  /** `null` in older echoes, which put `title` / `url` on the attachment itself. */
  @IsOptional()
  @ValidateNested()
  @Type(() => FallbackPayload)
  override payload?: FallbackPayload | null;
}

/** A button of a button / generic template, as echoed back from the Send API. */
export class TemplateButton {
  /** `web_url`, `postback`, `phone_number`, ...: a string because the Send API keeps growing. */
  @IsString()
  type!: string;

  /** Button label. */
  @IsOptional()
  @IsString()
  title?: string;

  /** Target of `web_url` buttons. */
  @IsOptional()
  @IsString()
  url?: string;

  /** Developer payload of `postback` buttons, or the number of `phone_number` buttons. */
  @IsOptional()
  @IsString()
  payload?: string;
}

/** An element of a generic or media template; one class for both since Meta echoes either. */
export class TemplateElement {
  /** Media templates: `image` or `video`. */
  @IsOptional()
  @IsString()
  media_type?: string;

  /** Media templates: echoes send it as a number even though the Send API wants a string. */
  @IsOptional()
  @IsStringOrNumber()
  attachment_id?: number | string;

  /** Media templates addressed by URL instead of attachment id. */
  @IsOptional()
  @IsString()
  url?: string;

  /** Generic templates: element title. */
  @IsOptional()
  @IsString()
  title?: string;

  /** Generic templates: element subtitle. */
  @IsOptional()
  @IsString()
  subtitle?: string;

  /** Generic templates: element image. */
  @IsOptional()
  @IsString()
  image_url?: string;

  /** Buttons under the element. */
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => TemplateButton)
  buttons?: TemplateButton[];
}

/** A catalog product inside a product template. */
export class ProductElement {
  /** Product id in the Facebook catalog. */
  @IsString()
  id!: string;

  /** Your own id for the product (SKU / content id). */
  @IsOptional()
  @IsString()
  retailer_id?: string;

  /** Product image. */
  @IsOptional()
  @IsString()
  image_url?: string;

  /** Product name. */
  @IsOptional()
  @IsString()
  title?: string;

  /** Usually the price, already formatted. */
  @IsOptional()
  @IsString()
  subtitle?: string;
}

/** The `product` block of a product template: several elements form a horizontal scroll. */
export class ProductTemplate {
  /** Products shared; more than one for an horizontal scroll. */
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ProductElement)
  elements!: ProductElement[];
}

/** Payload of a template attachment: button, generic, media or product template. */
export class TemplatePayload {
  /** `button`, `generic`, `media`, ...; absent on product templates. */
  @IsOptional()
  @IsString()
  template_type?: string;

  /** Button template text. */
  @IsOptional()
  @IsString()
  text?: string;

  /** Button template buttons. */
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => TemplateButton)
  buttons?: TemplateButton[];

  /** Generic / media template elements. */
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => TemplateElement)
  elements?: TemplateElement[];

  /** Product template: products from the Page's catalog. */
  @IsOptional()
  @ValidateNested()
  @Type(() => ProductTemplate)
  product?: ProductTemplate;
}

/** Template attachment (echoed templates, or products a person shares with the Page). */
export class TemplateAttachment extends Attachment {
  /** Discriminator value kept on the instance. */
  override type!: 'template';

  /** The template as sent. */
  @IsOptional()
  @ValidateNested()
  @Type(() => TemplatePayload)
  override payload?: TemplatePayload;
}

/** Payload of an appointment booking echo. */
export class AppointmentBookingPayload {
  /** Id of the booking; the only field every booking update needs. */
  @IsStringOrNumber()
  booking_id!: string | number;

  /** `requested`, `confirmed`, `declined`, `cancelled` today; a string in case Meta adds states. */
  @IsOptional()
  @IsString()
  status?: string;

  /** Unix time in seconds (not milliseconds). */
  @IsOptional()
  @IsNumber()
  start_time?: number;

  /** Unix time in seconds (not milliseconds). */
  @IsOptional()
  @IsNumber()
  end_time?: number;

  /** IANA time zone, e.g. `America/Los_Angeles`. */
  @IsOptional()
  @IsString()
  timezone?: string;
}

/** Appointment booking attachment (echoes). */
export class AppointmentBookingAttachment extends Attachment {
  /** Discriminator value kept on the instance. */
  override type!: 'appointment_booking';

  /** The booking. */
  @IsOptional()
  @ValidateNested()
  @Type(() => AppointmentBookingPayload)
  override payload?: AppointmentBookingPayload;
}

/** Payload of an Instagram reel share. */
export class ReelPayload {
  /** CDN URL of the reel video. */
  @IsOptional()
  @IsString()
  url?: string;

  /** Reel caption. */
  @IsOptional()
  @IsString()
  title?: string;

  /** Id of the reel video; sent as a string or a number. */
  @IsOptional()
  @IsStringOrNumber()
  reel_video_id?: string | number;
}

/** Instagram reel shared in a DM (`ig_reel`). */
export class IgReelAttachment extends Attachment {
  /** Discriminator value kept on the instance. */
  override type!: 'ig_reel';

  /** The reel. */
  @IsOptional()
  @ValidateNested()
  @Type(() => ReelPayload)
  override payload?: ReelPayload;
}

/** Reel shared in a DM under the older / Facebook `reel` type. */
export class ReelAttachment extends Attachment {
  /** Discriminator value kept on the instance. */
  override type!: 'reel';

  /** The reel. */
  @IsOptional()
  @ValidateNested()
  @Type(() => ReelPayload)
  override payload?: ReelPayload;
}

/** Payload holding only a URL (story mentions, shares). */
export class UrlPayload {
  /** CDN URL; for story mentions it expires with the story. */
  @IsOptional()
  @IsString()
  url?: string;
}

/** Instagram: someone mentioned your account in their story. */
export class StoryMentionAttachment extends Attachment {
  /** Discriminator value kept on the instance. */
  override type!: 'story_mention';

  /** The story media. */
  @IsOptional()
  @ValidateNested()
  @Type(() => UrlPayload)
  override payload?: UrlPayload;
}

/** Instagram: a post shared into the conversation. */
export class ShareAttachment extends Attachment {
  /** Discriminator value kept on the instance. */
  override type!: 'share';

  /** The shared post media. */
  @IsOptional()
  @ValidateNested()
  @Type(() => UrlPayload)
  override payload?: UrlPayload;
}

/** Picks the subclass from `type`; class-transformer falls back to the `@Type` target `Attachment` for other types. */
export const attachmentTypeOptions: TypeOptions = {
  keepDiscriminatorProperty: true,
  discriminator: {
    property: 'type',
    subTypes: [
      { name: 'image', value: ImageAttachment },
      { name: 'audio', value: AudioAttachment },
      { name: 'video', value: VideoAttachment },
      { name: 'file', value: FileAttachment },
      { name: 'location', value: LocationAttachment },
      { name: 'fallback', value: FallbackAttachment },
      { name: 'sticker', value: StickerAttachment },
      { name: 'template', value: TemplateAttachment },
      { name: 'appointment_booking', value: AppointmentBookingAttachment },
      { name: 'ig_reel', value: IgReelAttachment },
      { name: 'reel', value: ReelAttachment },
      { name: 'story_mention', value: StoryMentionAttachment },
      { name: 'share', value: ShareAttachment },
    ],
  },
};
