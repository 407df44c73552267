import type { EventKind, ListenerName } from '../events/event-kinds.js';
import type {
  EchoEvent,
  MessageEvent,
  OptinEvent,
  PostbackEvent,
  ReactionEvent,
  ReferralEvent,
} from '../events/index.js';
import { isJsonObject, readPath } from '../delivery/json.js';
import type { MessengerContext, MessengerPlatform } from '../events/messenger-context.js';
import type { MessengerEvent } from '../events/messenger-event.js';
import { compileStringMatcher, type Captures, type CompiledStringMatcher, type MatchLimits, type StringMatcher } from './string-matcher.js';

/** Filters every listener decorator accepts. */
export interface CommonFilter<E = MessengerEvent> {
  /** Only events of this platform. */
  platform?: MessengerPlatform;
  /** Only events of this Page / Instagram account id (or of any of these). */
  pageId?: string | readonly string[];
  /** Any other condition; runs after the other filters matched. */
  where?: (event: E, context: MessengerContext) => boolean;
}

/** Filters of `@OnMessage`. */
export interface MessageFilter extends CommonFilter<MessageEvent> {
  /** `message.text`: an exact string, a `{name}` pattern or a RegExp. */
  text?: StringMatcher;
  /** `message.quick_reply.payload`: an exact string, a `{name}` pattern or a RegExp. */
  quickReply?: StringMatcher;
  /** Only messages with an attachment of this type (or of one of these types). */
  attachment?: string | readonly string[];
}

/** Filters of `@OnEcho`. */
export interface EchoFilter extends CommonFilter<EchoEvent> {
  /** `message.text` of the echo. */
  text?: StringMatcher;
}

/** Filters of `@OnPostback`. */
export interface PostbackFilter extends CommonFilter<PostbackEvent> {
  /** `postback.payload`: an exact string, a `{name}` pattern or a RegExp. */
  payload?: StringMatcher;
}

/** Filters of `@OnOptin`. */
export interface OptinFilter extends CommonFilter<OptinEvent> {
  /** `optin.payload`. */
  payload?: StringMatcher;
  /** `optin.type` (`'one_time_notif_req'`, `'notification_messages'`, ...). */
  type?: StringMatcher;
}

/** Filters of `@OnReferral`. */
export interface ReferralFilter extends CommonFilter<ReferralEvent> {
  /** `referral.ref`. */
  ref?: StringMatcher;
  /** `referral.source` (`'SHORTLINK'`, `'ADS'`, ...). */
  source?: StringMatcher;
}

/** Filters of `@OnReaction`. */
export interface ReactionFilter extends CommonFilter<ReactionEvent> {
  /** `reaction.action`. */
  action?: 'react' | 'unreact';
  /** `reaction.reaction` (`'love'`, `'like'`, ...). */
  reaction?: StringMatcher;
}

/** The four event kinds `@OnHandover` receives. */
export type HandoverKind = 'pass_thread_control' | 'take_thread_control' | 'request_thread_control' | 'app_roles';

/** Filters of `@OnHandover`. */
export interface HandoverFilter extends CommonFilter {
  /** Only these handover events. */
  kind?: HandoverKind | readonly HandoverKind[];
}

/** Filters of `@OnEvent` and `@OnStandby`. */
export interface AnyEventFilter extends CommonFilter {
  /** Only these event kinds. */
  kind?: EventKind | readonly EventKind[];
}

/** A listener's filters compiled at start-up: captures on a match, `null` otherwise. */
export type CompiledFilter = (event: MessengerEvent, context: MessengerContext) => Captures | null;

type Read = (event: MessengerEvent) => unknown;

/** Where each text-like filter reads its value, per listener; one place, so adding a filter is one line. */
const TEXT_FIELDS: Partial<Record<ListenerName, Record<string, Read>>> = {
  message: { text: at('message', 'text'), quickReply: at('message', 'quick_reply', 'payload') },
  echo: { text: at('message', 'text') },
  postback: { payload: at('postback', 'payload') },
  optin: { payload: at('optin', 'payload'), type: at('optin', 'type') },
  referral: { ref: at('referral', 'ref'), source: at('referral', 'source') },
  reaction: { action: at('reaction', 'action'), reaction: at('reaction', 'reaction') },
};

const COMMON_KEYS = new Set(['platform', 'pageId', 'where']);
const KIND_LISTENERS = new Set<ListenerName>(['handover', 'event', 'standby']);
const EMPTY: Captures = Object.freeze({}) as Captures;

/** Compiles a listener's options once, at start-up; unknown filter names fail there, naming the handler. */
export function compileFilter(listener: ListenerName, options: object, where: string, limits?: MatchLimits): CompiledFilter {
  const record = options as Record<string, unknown>;
  const tests: Array<(event: MessengerEvent, context: MessengerContext) => Captures | null> = [];
  const fields = TEXT_FIELDS[listener] ?? {};
  for (const [name, value] of Object.entries(record)) {
    if (value === undefined) continue;
    const label = `${where} filter "${name}"`;
    if (name === 'platform') {
      tests.push((_event, context) => (context.platform === value ? EMPTY : null));
    } else if (name === 'pageId') {
      const ids = new Set(toList(value as string | readonly string[]).map(String));
      tests.push((_event, context) => (ids.has(context.pageId) ? EMPTY : null));
    } else if (name === 'where') {
      if (typeof value !== 'function') throw new Error(`${label} must be a function`);
      continue;
    } else if (name === 'attachment' && listener === 'message') {
      const types = new Set(toList(value as string | readonly string[]));
      tests.push((event) => (attachmentTypes(event).some((type) => types.has(type)) ? EMPTY : null));
    } else if (name === 'kind' && KIND_LISTENERS.has(listener)) {
      const kinds = new Set(toList(value as string | readonly string[]));
      tests.push((_event, context) => (kinds.has(context.kind) ? EMPTY : null));
    } else if (fields[name]) {
      const read = fields[name]!;
      const match: CompiledStringMatcher = compileStringMatcher(value as StringMatcher, label, limits);
      tests.push((event) => match(read(event)));
    } else if (!COMMON_KEYS.has(name)) {
      throw new Error(`${label} is not a filter of this decorator`);
    }
  }
  const predicate = record.where as ((event: MessengerEvent, context: MessengerContext) => boolean) | undefined;
  if (tests.length === 0 && !predicate) return () => EMPTY;
  return (event, context) => {
    let captures = EMPTY;
    for (const test of tests) {
      const result = test(event, context);
      if (!result) return null;
      if (result !== EMPTY) captures = captures === EMPTY ? { ...result } : Object.assign(captures, result);
    }
    if (predicate && !predicate(event, { ...context, params: captures })) return null;
    return captures;
  };
}

function at(...path: string[]): Read {
  return (event) => readPath(event, ...path);
}

const readAttachments = at('message', 'attachments');

function attachmentTypes(event: MessengerEvent): string[] {
  const attachments = readAttachments(event);
  if (!Array.isArray(attachments)) return [];
  return attachments.flatMap((attachment: unknown) =>
    isJsonObject(attachment) && typeof attachment.type === 'string' ? [attachment.type] : [],
  );
}

function toList<T>(value: T | readonly T[]): readonly T[] {
  return Array.isArray(value) ? (value as readonly T[]) : [value as T];
}
