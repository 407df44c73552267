import { Field } from '../reading/field.decorators.js';
import { EventSender, MessagingEvent, PersonEvent } from './common.js';
import { Referral } from './referral.js';

/** A tap on a postback button, persistent menu item, or Get Started. */
export class Postback {
  /** Label of the button tapped; older postbacks carry only `payload`. */
  @Field.string({ optional: true })
  title?: string;

  /** The developer payload you gave the button. */
  @Field.string({ optional: true })
  payload?: string;

  /** Instagram (and newer Messenger) postbacks carry their own message id. */
  @Field.id({ optional: true })
  mid?: string;

  /** Set when Get Started was tapped after following an m.me link, ad or plugin. */
  @Field.nested(() => Referral, { optional: true })
  referral?: Referral;
}

/** `messaging_postbacks`. */
export class PostbackEvent extends MessagingEvent {
  /** Who tapped: a PSID / IGSID in `id`, or only a `user_ref` for chat-plugin guests (Meta's own postback example). */
  @Field.nested(() => EventSender)
  declare sender: EventSender;

  /** The postback. */
  @Field.nested(() => Postback)
  postback!: Postback;
}

/** `messaging_referrals`: an existing conversation reopened from an m.me / ig.me link, ad or chat plugin. */
export class ReferralEvent extends MessagingEvent {
  /** The referral; chat-plugin referrals come with `sender.user_ref` instead of `sender.id`. */
  @Field.nested(() => Referral)
  referral!: Referral;
}

/** An opt-in: Send to Messenger / checkbox plugins, one-time notification, or recurring notification messages. */
export class Optin {
  /** `data-ref` of the plugin. */
  @Field.string({ optional: true })
  ref?: string;

  /** Checkbox plugin: the only handle on the person (there is no `sender`); send to it once to get a PSID. */
  @Field.id({ optional: true })
  user_ref?: string;

  /** `one_time_notif_req` or `notification_messages`; absent for plugin opt-ins. */
  @Field.string({ optional: true })
  type?: string;

  /** Developer payload of the opt-in request. */
  @Field.string({ optional: true })
  payload?: string;

  /** Title of the opt-in request the person accepted. */
  @Field.string({ optional: true })
  title?: string;

  /** One-time notification: token allowing exactly one message outside the 24 h window. */
  @Field.string({ optional: true })
  one_time_notif_token?: string;

  /** Recurring notifications: token to send with. */
  @Field.string({ optional: true })
  notification_messages_token?: string;

  /** Recurring notifications: when the token expires (epoch ms; Meta's page prints it quoted, read as a number). */
  @Field.timestamp({ optional: true })
  token_expiry_timestamp?: number;

  /** Recurring notifications: `REFRESHED` / `NOT_REFRESHED`. */
  @Field.string({ optional: true })
  user_token_status?: string;

  /** Recurring notifications: the person's time zone for scheduling. */
  @Field.string({ optional: true })
  notification_messages_timezone?: string;

  /** Recurring notifications: `DAILY`, `WEEKLY`, `MONTHLY`. */
  @Field.string({ optional: true })
  notification_messages_frequency?: string;

  /** Recurring notifications: `STOP_NOTIFICATIONS` / `RESUME_NOTIFICATIONS` when the person toggles them. */
  @Field.string({ optional: true })
  notification_messages_status?: string;
}

/** `messaging_optins`; checkbox-plugin opt-ins come with no `sender`. */
export class OptinEvent extends MessagingEvent {
  /** The opt-in. */
  @Field.nested(() => Optin)
  optin!: Optin;
}

/** Result of the account linking flow. */
export class AccountLinking {
  /** Documented as exactly these two values. */
  @Field.literal(['linked', 'unlinked'])
  status!: 'linked' | 'unlinked';

  /** Value you passed to the redirect when linking; absent on unlink. */
  @Field.string({ optional: true })
  authorization_code?: string;
}

/** `messaging_account_linking`. */
export class AccountLinkingEvent extends MessagingEvent {
  /** The link or unlink. */
  @Field.nested(() => AccountLinking)
  account_linking!: AccountLinking;
}

/** Free-text follow-up to a feedback question. */
export class FeedbackFollowUp {
  /** `free_form` today. */
  @Field.string({ optional: true })
  type?: string;

  /** What the person wrote. */
  @Field.string({ optional: true })
  payload?: string;
}

/** Answer to one question of a feedback screen (shape unverified, hence all optional). */
export class FeedbackQuestion {
  /** `csat`, `nps`, `ces`. */
  @Field.string({ optional: true })
  type?: string;

  /** The score as sent: a string in Meta's example, a number in others (shape unverified, so kept as sent). */
  @Field.json({ optional: true })
  payload?: string | number;

  /** Optional free-text answer. */
  @Field.nested(() => FeedbackFollowUp, { optional: true })
  follow_up?: FeedbackFollowUp;
}

/** One screen of a customer feedback form. */
export class FeedbackScreen {
  /** Screen index. */
  @Field.number({ optional: true, coerce: true })
  screen_id?: number;

  /** Answers keyed by the question id you chose in the template. */
  @Field.record(Field.nested(() => FeedbackQuestion), { optional: true })
  questions?: Record<string, FeedbackQuestion>;
}

/** Answers to a customer feedback template. */
export class MessagingFeedback {
  /** Screens answered. */
  @Field.array(Field.nested(() => FeedbackScreen), { optional: true })
  feedback_screens?: FeedbackScreen[];
}

/** `messaging_feedback`: a person submitted a customer feedback form (*unverified* shape). */
export class FeedbackEvent extends MessagingEvent {
  /** The answers. */
  @Field.nested(() => MessagingFeedback)
  messaging_feedback!: MessagingFeedback;
}

/** Thumbs up / down a person gave to one of the Page's (AI) responses. */
export class ResponseFeedback {
  /** The rating, e.g. `Good response` / `Bad response`; a string because Meta defines the labels. */
  @Field.string()
  feedback!: string;

  /** Message rated. */
  @Field.id()
  mid!: string;
}

/** `response_feedback`. */
export class ResponseFeedbackEvent extends MessagingEvent {
  /** The rating. */
  @Field.nested(() => ResponseFeedback)
  response_feedback!: ResponseFeedback;
}

/** A round of an Instant Game. */
export class GamePlay {
  /** App id of the game (numbers read as strings). */
  @Field.id()
  game_id!: string;

  /** Instant Games player id (not a PSID). */
  @Field.id()
  player_id!: string;

  /** `SOLO`, `THREAD` or `GROUP`. */
  @Field.string()
  context_type!: string;

  /** Thread or group id; absent for `SOLO`. */
  @Field.id({ optional: true })
  context_id?: string;

  /** Best score, if the game reports one. */
  @Field.number({ optional: true })
  score?: number;

  /** JSON string the game passed to `setSessionData`: parse it yourself, it is player-controlled. */
  @Field.string({ optional: true })
  payload?: string;

  /** Player's locale. */
  @Field.string({ optional: true })
  locale?: string;
}

/** `messaging_game_plays`. */
export class GamePlayEvent extends MessagingEvent {
  /** The round. */
  @Field.nested(() => GamePlay)
  game_play!: GamePlay;
}
