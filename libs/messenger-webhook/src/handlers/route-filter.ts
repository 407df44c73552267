import { ALL_EVENT_KINDS, LISTENERS, type FilterSpec, type ListenerName } from '../events/event-kinds.js';
import type { MessengerContext } from '../events/messenger-context.js';
import type { MessengerEvent } from '../events/messenger-event.js';
import type { ListenerOptions } from './listener-options.js';
import { compileStringMatcher, type Captures, type CompiledStringMatcher, type MatchLimits, type StringMatcher } from './string-matcher.js';

export type { CommonFilter } from './listener-options.js';

/** Filters of `@OnMessage`: `text`, `quickReply` (payload), `attachment` (a type or a list). */
export type MessageFilter = ListenerOptions<'message'>;
/** Filters of `@OnEcho`: `text`. */
export type EchoFilter = ListenerOptions<'echo'>;
/** Filters of `@OnPostback`: `payload`. */
export type PostbackFilter = ListenerOptions<'postback'>;
/** Filters of `@OnOptin`: `payload`, `type`. */
export type OptinFilter = ListenerOptions<'optin'>;
/** Filters of `@OnReferral`: `ref`, `source`. */
export type ReferralFilter = ListenerOptions<'referral'>;
/** Filters of `@OnReaction`: `action`, `reaction`. */
export type ReactionFilter = ListenerOptions<'reaction'>;
/** Filters of `@OnComment`: `text`, `mediaId`. */
export type CommentFilter = ListenerOptions<'comment'>;
/** Filters of `@OnChange`: `field` (a webhook field or a list). */
export type ChangeFilter = ListenerOptions<'change'>;
/** The four event kinds `@OnHandover` receives. */
export type HandoverKind = 'pass_thread_control' | 'take_thread_control' | 'request_thread_control' | 'app_roles';
/** Filters of `@OnHandover`: `kind`. */
export type HandoverFilter = ListenerOptions<'handover'>;
/** Filters of `@OnEvent`: `kind` (any event kind, `'invalid'` included, or a list). */
export type AnyEventFilter = ListenerOptions<'event'>;

/** A listener's filters compiled at start-up: captures on a match, `null` otherwise. */
export type CompiledFilter = (event: MessengerEvent, context: MessengerContext) => Captures | null;

type Test = (event: MessengerEvent, context: MessengerContext) => Captures | null;

const EMPTY: Captures = Object.freeze({}) as Captures;

/** The kinds a listener's `kind` filter may name. */
export function kindsOf(listener: ListenerName): ReadonlySet<string> {
  if (listener === 'event') return new Set([...ALL_EVENT_KINDS.map((row) => row.kind), 'invalid']);
  if (listener === 'invalid') return new Set(ALL_EVENT_KINDS.map((row) => row.kind));
  if (listener === 'standby') return new Set(ALL_EVENT_KINDS.filter((row) => row.source === 'messaging').map((row) => row.kind));
  return new Set(ALL_EVENT_KINDS.filter((row) => row.listener === listener).map((row) => row.kind));
}

/** Compiles a listener's options once, at start-up; unknown filter names and impossible values fail there, naming the handler. */
export function compileFilter(listener: ListenerName, options: object, where: string, limits?: MatchLimits): CompiledFilter {
  const record = options as Record<string, unknown>;
  const specs = LISTENERS[listener].filters as Readonly<Record<string, FilterSpec>>;
  const tests: Test[] = [];
  for (const [name, value] of Object.entries(record)) {
    if (value === undefined) continue;
    const label = `${where} filter "${name}"`;
    if (name === 'platform') {
      tests.push((_event, context) => (context.platform === value ? EMPTY : null));
    } else if (name === 'pageId') {
      const ids = new Set(toList(value).map(String));
      tests.push((_event, context) => (ids.has(context.pageId) ? EMPTY : null));
    } else if (name === 'where') {
      if (typeof value !== 'function') throw new Error(`${label} must be a function`);
    } else if (Object.hasOwn(specs, name)) {
      tests.push(compileSpec(listener, specs[name]!, value, label, limits));
    } else {
      const known = ['platform', 'pageId', 'where', ...Object.keys(specs)].join(', ');
      throw new Error(`${label} is not a filter of this decorator (its filters: ${known})`);
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

function compileSpec(listener: ListenerName, spec: FilterSpec, value: unknown, label: string, limits?: MatchLimits): Test {
  const { read } = spec;
  if (spec.match === 'text') {
    const match: CompiledStringMatcher = compileStringMatcher(value as StringMatcher, label, limits);
    return (event, context) => match(read(event, context));
  }
  const wanted = toList(value);
  for (const item of wanted) if (typeof item !== 'string') throw new Error(`${label} must be a string or a list of strings`);
  if (spec.match === 'kind') {
    const allowed = kindsOf(listener);
    for (const kind of wanted) {
      if (!allowed.has(kind as string)) throw new Error(`${label}: "${String(kind)}" is not a kind this decorator receives (${[...allowed].join(', ')})`);
    }
  } else if (spec.check) {
    for (const item of wanted) {
      const problem = spec.check(item as string);
      if (problem) throw new Error(`${label}: ${problem}`);
    }
  }
  const set = new Set(wanted);
  return (event, context) => {
    const found = read(event, context);
    return (Array.isArray(found) ? found.some((item) => set.has(item)) : set.has(found)) ? EMPTY : null;
  };
}

function toList(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [value];
}
