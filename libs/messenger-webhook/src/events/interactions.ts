import { Transform, Type } from 'class-transformer';
import {
  IsArray,
  IsDefined,
  IsIn,
  IsNumber,
  IsOptional,
  IsString,
  ValidateNested,
} from 'class-validator';
import { MessagingEvent } from './common.js';
import { Referral } from './referral.js';
import { IsRecordOf, IsStringOrNumber, toRecordOf } from './validators.js';

/** A tap on a postback button, persistent menu item, or Get Started. */
export class Postback {
  /** Label of the button tapped; always sent. */
  @IsString()
  title!: string;

  /** The developer payload you gave the button. */
  @IsOptional()
  @IsString()
  payload?: string;

  /** Instagram (and newer Messenger) postbacks carry their own message id. */
  @IsOptional()
  @IsString()
  mid?: string;

  /** Set when Get Started was tapped after following an m.me link, ad or plugin. */
  @IsOptional()
  @ValidateNested()
  @Type(() => Referral)
  referral?: Referral;
}

/** `messaging_postbacks`. */
export class PostbackEvent extends MessagingEvent {
  /** The postback. */
  @IsDefined()
  @ValidateNested()
  @Type(() => Postback)
  postback!: Postback;
}

/** `messaging_referrals`: an existing conversation reopened from an m.me / ig.me link, ad or chat plugin. */
export class ReferralEvent extends MessagingEvent {
  /** The referral; chat-plugin referrals come with `sender.user_ref` instead of `sender.id`. */
  @IsDefined()
  @ValidateNested()
  @Type(() => Referral)
  referral!: Referral;
}

/** An opt-in: Send to Messenger / checkbox plugins, one-time notification, or recurring notification messages. */
export class Optin {
  /** `data-ref` of the plugin. */
  @IsOptional()
  @IsString()
  ref?: string;

  /** Checkbox plugin: the only handle on the person (there is no `sender`); send to it once to get a PSID. */
  @IsOptional()
  @IsString()
  user_ref?: string;

  /** `one_time_notif_req` or `notification_messages`; absent for plugin opt-ins. */
  @IsOptional()
  @IsString()
  type?: string;

  /** Developer payload of the opt-in request. */
  @IsOptional()
  @IsString()
  payload?: string;

  /** Title of the opt-in request the person accepted. */
  @IsOptional()
  @IsString()
  title?: string;

  /** One-time notification: token allowing exactly one message outside the 24 h window. */
  @IsOptional()
  @IsString()
  one_time_notif_token?: string;

  /** Recurring notifications: token to send with. */
  @IsOptional()
  @IsString()
  notification_messages_token?: string;

  /** Recurring notifications: when the token expires (epoch ms). */
  @IsOptional()
  @IsNumber()
  token_expiry_timestamp?: number;

  /** Recurring notifications: `REFRESHED` / `NOT_REFRESHED`. */
  @IsOptional()
  @IsString()
  user_token_status?: string;

  /** Recurring notifications: the person's time zone for scheduling. */
  @IsOptional()
  @IsString()
  notification_messages_timezone?: string;

  /** Recurring notifications: `DAILY`, `WEEKLY`, `MONTHLY`. */
  @IsOptional()
  @IsString()
  notification_messages_frequency?: string;

  /** Recurring notifications: `STOP_NOTIFICATIONS` / `RESUME_NOTIFICATIONS` when the person toggles them. */
  @IsOptional()
  @IsString()
  notification_messages_status?: string;
}

/** `messaging_optins`; checkbox-plugin opt-ins come with no `sender`. */
export class OptinEvent extends MessagingEvent {
  /** The opt-in. */
  @IsDefined()
  @ValidateNested()
  @Type(() => Optin)
  optin!: Optin;
}

/** Result of the account linking flow. */
export class AccountLinking {
  /** Documented as exactly these two values. */
  @IsIn(['linked', 'unlinked'])
  status!: 'linked' | 'unlinked';

  /** Value you passed to the redirect when linking; absent on unlink. */
  @IsOptional()
  @IsString()
  authorization_code?: string;
}

/** `messaging_account_linking`. */
export class AccountLinkingEvent extends MessagingEvent {
  /** The link or unlink. */
  @IsDefined()
  @ValidateNested()
  @Type(() => AccountLinking)
  account_linking!: AccountLinking;
}

/** Free-text follow-up to a feedback question. */
export class FeedbackFollowUp {
  /** `free_form` today. */
  @IsOptional()
  @IsString()
  type?: string;

  /** What the person wrote. */
  @IsOptional()
  @IsString()
  payload?: string;
}

/** Answer to one question of a feedback screen (shape unverified, hence all optional). */
export class FeedbackQuestion {
  /** `csat`, `nps`, `ces`. */
  @IsOptional()
  @IsString()
  type?: string;

  /** The score, as a string in Meta's example; numbers are accepted too. */
  @IsOptional()
  @IsStringOrNumber()
  payload?: string | number;

  /** Optional free-text answer. */
  @IsOptional()
  @ValidateNested()
  @Type(() => FeedbackFollowUp)
  follow_up?: FeedbackFollowUp;
}

/** One screen of a customer feedback form. */
export class FeedbackScreen {
  /** Screen index. */
  @IsOptional()
  @IsStringOrNumber()
  screen_id?: number | string;

  /** Answers keyed by the question id you chose in the template. */
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => toRecordOf(FeedbackQuestion, value), { toClassOnly: true })
  @IsRecordOf(FeedbackQuestion)
  questions?: Record<string, FeedbackQuestion>;
}

/** Answers to a customer feedback template. */
export class MessagingFeedback {
  /** Screens answered. */
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => FeedbackScreen)
  feedback_screens?: FeedbackScreen[];
}

/** `messaging_feedback`: a person submitted a customer feedback form (*unverified* shape). */
export class FeedbackEvent extends MessagingEvent {
  /** The answers. */
  @IsDefined()
  @ValidateNested()
  @Type(() => MessagingFeedback)
  messaging_feedback!: MessagingFeedback;
}

/** Thumbs up / down a person gave to one of the Page's (AI) responses. */
export class ResponseFeedback {
  /** The rating, e.g. `Good response` / `Bad response`; a string because Meta defines the labels. */
  @IsString()
  feedback!: string;

  /** Message rated. */
  @IsString()
  mid!: string;
}

/** `response_feedback`. */
export class ResponseFeedbackEvent extends MessagingEvent {
  /** The rating. */
  @IsDefined()
  @ValidateNested()
  @Type(() => ResponseFeedback)
  response_feedback!: ResponseFeedback;
}

/** A round of an Instant Game. */
export class GamePlay {
  /** App id of the game; app ids arrive as strings or numbers. */
  @IsStringOrNumber()
  game_id!: string | number;

  /** Instant Games player id (not a PSID). */
  @IsString()
  player_id!: string;

  /** `SOLO`, `THREAD` or `GROUP`. */
  @IsString()
  context_type!: string;

  /** Thread or group id; absent for `SOLO`. */
  @IsOptional()
  @IsString()
  context_id?: string;

  /** Best score, if the game reports one. */
  @IsOptional()
  @IsNumber()
  score?: number;

  /** JSON string the game passed to `setSessionData`: parse it yourself, it is player-controlled. */
  @IsOptional()
  @IsString()
  payload?: string;

  /** Player's locale. */
  @IsOptional()
  @IsString()
  locale?: string;
}

/** `messaging_game_plays`. */
export class GamePlayEvent extends MessagingEvent {
  /** The round. */
  @IsDefined()
  @ValidateNested()
  @Type(() => GamePlay)
  game_play!: GamePlay;
}
