import { Logger } from '@nestjs/common';
import type { JsonObject } from '../delivery/json.js';
import type { EventKind } from '../events/event-kinds.js';
import type { MessengerContext, MessengerPlatform } from '../events/messenger-context.js';
import type { InvocationOutcome } from '../handlers/handler-invoker.js';
import type { ResolvedClientConfig } from './client-options.js';
import { personOf } from './event-person.js';
import { needsHandlerPage } from './handler-page.js';
import type { OutgoingMessage, OutgoingQuickReply, SendResult } from './message.types.js';
import { MessengerClientError } from './messenger-api-error.js';
import type { MessengerClient } from './messenger-client.js';
import { observed } from './observed-promise.js';
import { isOutgoingMessage, type SendOptions } from './send-body.js';

/** Options of `ctx.reply`: a send's options (the page and platform are the event's), plus quick replies for a text. */
export interface ReplyOptions extends Omit<SendOptions, 'pageId' | 'platform'> {
  /** Quick replies under a text reply. */
  readonly quickReplies?: readonly OutgoingQuickReply[];
}

/** `ctx.reply`: sends to the event's person from the event's page; queued in order behind earlier sends to them. */
export type ReplyFunction = (message: string | OutgoingMessage, options?: ReplyOptions) => Promise<SendResult>;

/** The facts of an event a reply needs (its `EventMeta` has them): plain data, so an event rebuilt on a queue worker replies the same way. */
export interface ReplyTarget {
  readonly kind: EventKind;
  readonly pageId: string;
  readonly platform: MessengerPlatform;
}

/** Event kinds a handler's return value never answers: receipts and our own echoes (answering them loops), and events no person sent. */
const NO_RETURN_REPLY: ReadonlySet<EventKind> = new Set<EventKind>([
  'echo', 'read', 'delivery', 'app_roles', 'policy_enforcement', 'template_status_update', 'unknown',
  // Not messages from a person in a conversation: comments are answered with comment replies, not the Send API.
  'comment', 'mention', 'story_insights', 'change', 'invalid',
]);

const logger = new Logger('MessengerClient');

/** Builds `ctx.reply` for the events of a runner, on top of the injected {@link MessengerClient}. */
export class HandlerReplies {
  /** Whether handlers of Messenger / Instagram events run in the scope that gives page-less client calls the event's page. */
  private readonly scoped: Readonly<Record<MessengerPlatform, boolean>>;

  constructor(
    private readonly client: MessengerClient,
    config: ResolvedClientConfig,
  ) {
    this.scoped = { messenger: needsHandlerPage(config, 'messenger'), instagram: needsHandlerPage(config, 'instagram') };
  }

  /** Whether a handler of an event on `platform` runs in the page scope (see {@link needsHandlerPage}: it costs µs per event). */
  scopes(platform: MessengerPlatform): boolean {
    return this.scoped[platform];
  }

  /** The `reply` of one event's context; `raw` is the event as Meta sent it. */
  replyFor(target: ReplyTarget, raw: JsonObject): ReplyFunction {
    return (message, options = {}) => {
      const person = personOf(target.kind, raw);
      if (!person) return observed(Promise.reject(new MessengerClientError(`ctx.reply: a ${target.kind} event has no person to reply to`)), reportUnawaited);
      const send = { ...options, pageId: target.pageId, platform: target.platform };
      return typeof message === 'string' && options.quickReplies ? this.client.sendText(person, message, send) : this.client.send(person, message, send);
    };
  }
}

/** `ctx.reply` of a runner built without replies (a transport that did not pass a {@link HandlerReplies}). */
export const repliesUnavailable: ReplyFunction = () =>
  observed(Promise.reject(new MessengerClientError('ctx.reply is not available here: this EventRunner was built without HandlerReplies')), reportUnawaited);

/** Whether a value a handler returned on this event is sent as a reply (a non-empty string or a Send API message). */
export function repliesByReturn(context: Pick<MessengerContext, 'kind' | 'standby'>, value: unknown): value is string | OutgoingMessage {
  if (context.standby || NO_RETURN_REPLY.has(context.kind)) return false;
  return (typeof value === 'string' && value.length > 0) || isOutgoingMessage(value);
}

/**
 * Sends what a handler returned as a reply to the event's person, where the event kind replies by return value; a
 * failed send makes the call a failure, reported like a thrown error. Any other outcome or value passes unchanged.
 */
export async function replyWithReturnValue(outcome: InvocationOutcome, context: MessengerContext): Promise<InvocationOutcome> {
  if (outcome.status !== 'done' || outcome.value === undefined || !repliesByReturn(context, outcome.value)) return outcome;
  try {
    await context.reply(outcome.value);
    return outcome;
  } catch (error) {
    return { status: 'failed', error };
  }
}

function reportUnawaited(error: unknown): void {
  logger.error(`${error instanceof Error ? error.message : String(error)} (the call was not awaited)`);
}
