import type { AnyOfFilter, KindFilter, LISTENERS, ListenerName, TextFilter } from '../events/event-kinds.js';
import type { MessengerContext, MessengerPlatform } from '../events/messenger-context.js';
import type { EventOfListener, KindOfListener, MessengerEvent } from '../events/messenger-event.js';
import type { StringMatcher } from './string-matcher.js';

/** Filters every listener decorator accepts. */
export interface CommonFilter<E = MessengerEvent> {
  /** Only events of this platform. */
  platform?: MessengerPlatform;
  /** Only events of this Page / Instagram account id (or of any of these). */
  pageId?: string | readonly string[];
  /** Any other condition; runs after the other filters matched. */
  where?: (event: E, context: MessengerContext) => boolean;
}

type FiltersOf<L extends ListenerName> = (typeof LISTENERS)[L]['filters'];

/** What the option of one filter accepts: a string matcher for text filters, a value or a list for the others. */
export type FilterValue<F, K extends string> = F extends TextFilter
  ? StringMatcher
  : F extends AnyOfFilter<infer V>
    ? V | readonly V[]
    : F extends KindFilter
      ? K | readonly K[]
      : never;

/**
 * The options of a listener decorator, derived from its row of `LISTENERS`: the common filters plus its own, each
 * typed by what it matches. `K` narrows the `kind` filter (and the event type `where` receives).
 */
export type ListenerOptions<L extends ListenerName, K extends string = KindOfListener<L>, E = EventOfListener<L>> = CommonFilter<E> & {
  [N in keyof FiltersOf<L>]?: FilterValue<FiltersOf<L>[N], K>;
};

/** The filter a decorator's plain-string (or RegExp, or list) argument sets, `never` when it has none. */
export type ShorthandOf<L extends ListenerName> = (typeof LISTENERS)[L] extends { readonly shorthand: infer S extends string } ? S : never;

/** What a decorator's shorthand argument may be: the value type of its shorthand filter. */
export type ShorthandValue<L extends ListenerName> = ShorthandOf<L> extends keyof FiltersOf<L> ? FilterValue<FiltersOf<L>[ShorthandOf<L>], KindOfListener<L>> : never;
