import { Field } from '../reading/field.decorators.js';

/** Who wrote an Instagram comment. */
export class CommentAuthor {
  /** Instagram-scoped id of the author (numbers read as strings). */
  @Field.id()
  id!: string;

  /** Instagram username of the author. */
  @Field.string({ optional: true })
  username?: string;
}

/** The Instagram media a comment is on. */
export class CommentMedia {
  /** Media id (numbers read as strings). */
  @Field.id()
  id!: string;

  /** `FEED`, `REELS`, `AD`, `LIVE`, ... */
  @Field.string({ optional: true })
  media_product_type?: string;
}

/** An Instagram comment (`comments`) or a comment on a live video (`live_comments`). */
export class Comment {
  /** Comment id: reply to it, hide it or send a private reply with it (numbers read as strings). */
  @Field.id()
  id!: string;

  /** What the comment says. */
  @Field.string()
  text!: string;

  /** Who wrote it. */
  @Field.nested(() => CommentAuthor, { optional: true })
  from?: CommentAuthor;

  /** The media commented on. */
  @Field.nested(() => CommentMedia, { optional: true })
  media?: CommentMedia;

  /** Set on replies: the comment replied to. */
  @Field.id({ optional: true })
  parent_id?: string;
}

/** `comments` and `live_comments` (Instagram): someone commented on your media or your live video. */
export class CommentEvent {
  /** `comments` or `live_comments`. */
  @Field.string()
  field!: 'comments' | 'live_comments' | (string & {});

  /** The comment. */
  @Field.nested(() => Comment)
  value!: Comment;

  /** True for a comment on a live video (`live_comments`). */
  get live(): boolean {
    return this.field === 'live_comments';
  }

  /** Ignores writes so a raw `live` key cannot make class-transformer throw. */
  set live(_ignored: never) {
    // intentionally empty
  }
}

/** Where your account was @mentioned: a comment (`comment_id`) or a caption (only `media_id`). */
export class Mention {
  /** The media with the mention (numbers read as strings). */
  @Field.id()
  media_id!: string;

  /** The comment with the mention, when it is in a comment. */
  @Field.id({ optional: true })
  comment_id?: string;
}

/** `mentions` (Instagram): your account was @mentioned in a comment or a caption. Ids only: fetch the rest. */
export class MentionEvent {
  /** `mentions`. */
  @Field.string()
  field!: string;

  /** Where. */
  @Field.nested(() => Mention)
  value!: Mention;
}

/** Metrics of a story once it expired; Meta reports values under 5 as -1. */
export class StoryInsights {
  /** The story (numbers read as strings). */
  @Field.id()
  media_id!: string;

  /** Times people left the story. */
  @Field.number({ optional: true })
  exits?: number;

  /** Replies to the story. */
  @Field.number({ optional: true })
  replies?: number;

  /** Accounts that saw it. */
  @Field.number({ optional: true })
  reach?: number;

  /** Taps to the next story. */
  @Field.number({ optional: true })
  taps_forward?: number;

  /** Taps back to the previous story. */
  @Field.number({ optional: true })
  taps_back?: number;

  /** Times it was seen. */
  @Field.number({ optional: true })
  impressions?: number;
}

/** `story_insights` (Instagram): the metrics of one of your stories, sent when it expires. */
export class StoryInsightsEvent {
  /** `story_insights`. */
  @Field.string()
  field!: string;

  /** The metrics. */
  @Field.nested(() => StoryInsights)
  value!: StoryInsights;
}
