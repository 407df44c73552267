import { MessengerEvents, type EventOptions } from '../testing/events.factory.js';
import { UsageError } from './args.js';

/** One event type the simulator can send: its CLI name, arguments, and how it becomes a raw event. */
export interface CliEventType {
  /** Name on the command line, e.g. `quick-reply`. */
  readonly name: string;
  /** Arguments after the name, e.g. `<text> <payload>`. */
  readonly args: string;
  /** Builds the raw event from the arguments. */
  readonly build: (args: readonly string[], options: EventOptions) => object;
  /** Arguments the tour uses. */
  readonly tour: readonly string[];
}

function type(name: string, args: string, build: CliEventType['build'], tour: readonly string[] = []): CliEventType {
  return { name, args, build, tour };
}

function need(args: readonly string[], count: number, name: string, usage: string): void {
  if (args.length < count) throw new UsageError(`${name} needs ${usage}`);
}

function oneOf<const T extends string>(value: string | undefined, allowed: readonly T[], fallback: NoInfer<T>, what: string): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`${what} must be ${allowed.join(' or ')}, not "${value}"`);
  return value as T;
}

function jsonObject(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError(`attachment payload must be a JSON object, e.g. '{"url":"https://example.com/a.jpg"}'`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError('attachment payload must be a JSON object');
  return value as Record<string, unknown>;
}

/** Every event type of the simulator, one per factory of `MessengerEvents`; the tour sends them in this order. */
export const CLI_EVENT_TYPES: readonly CliEventType[] = [
  type('text', '<text>', (a, o) => (need(a, 1, 'text', '<text>'), MessengerEvents.text(a[0]!, o)), ['Hello from the simulator']),
  type('quick-reply', '<text> <payload>', (a, o) => (need(a, 2, 'quick-reply', '<text> <payload>'), MessengerEvents.quickReply(a[0]!, a[1]!, o)), ['Yes', 'YES']),
  type('attachment', '<type> [payload-json]', (a, o) => (need(a, 1, 'attachment', '<type> (image, audio, video, file, location, ...)'), MessengerEvents.attachment(a[0]!, jsonObject(a[1]), o)), ['image']),
  type('echo', '<text>', (a, o) => (need(a, 1, 'echo', '<text>'), MessengerEvents.echo(a[0]!, o)), ['Thanks for writing!']),
  type('reaction', '[reaction] [react|unreact]', (a, o) => MessengerEvents.reaction(a[0] ?? 'love', { ...o, action: oneOf(a[1], ['react', 'unreact'], 'react', 'reaction action') }), ['love']),
  type('read', '[instagram]', (a, o) => MessengerEvents.read({ ...o, instagram: a[0] === 'instagram' })),
  type('delivery', '', (_a, o) => MessengerEvents.delivery(o)),
  type('message-edit', '<mid> <text>', (a, o) => (need(a, 2, 'message-edit', '<mid> <text>'), MessengerEvents.messageEdit(a[0]!, a[1]!, o)), ['m_simulated', 'Hello again (edited)']),
  type('postback', '<payload> [title]', (a, o) => (need(a, 1, 'postback', '<payload>'), MessengerEvents.postback(a[0]!, { ...o, title: a[1] })), ['GET_STARTED', 'Get Started']),
  type('optin', '[ref]', (a, o) => MessengerEvents.optin({ ...o, ref: a[0] })),
  type('referral', '[ref] [source]', (a, o) => MessengerEvents.referral({ ...o, ref: a[0], source: a[1] })),
  type('account-linking', '[linked|unlinked]', (a, o) => MessengerEvents.accountLinking(oneOf(a[0], ['linked', 'unlinked'], 'linked', 'account-linking status'), o)),
  type('feedback', '', (_a, o) => MessengerEvents.feedback(o)),
  type('response-feedback', '[feedback]', (a, o) => MessengerEvents.responseFeedback({ ...o, feedback: a[0] })),
  type('game-play', '', (_a, o) => MessengerEvents.gamePlay(o)),
  type('pass-thread-control', '', (_a, o) => MessengerEvents.passThreadControl(o)),
  type('take-thread-control', '', (_a, o) => MessengerEvents.takeThreadControl(o)),
  type('request-thread-control', '', (_a, o) => MessengerEvents.requestThreadControl(o)),
  type('app-roles', '', (_a, o) => MessengerEvents.appRoles(undefined, o)),
  type('policy-enforcement', '[warning|block|unblock] [reason]', (a, o) =>
    MessengerEvents.policyEnforcement(oneOf(a[0], ['warning', 'block', 'unblock'], 'warning', 'policy-enforcement action'), { ...o, reason: a[1] }),
  ),
  type('send-cart', '', (_a, o) => MessengerEvents.sendCart(undefined, o)),
  type('template-status-update', '[status]', (a) => MessengerEvents.templateStatusUpdate({ event: a[0] })),
  type('comment', '<text> [media-id]', (a, o) => (need(a, 1, 'comment', '<text>'), MessengerEvents.comment(a[0]!, { from: o.sender, mediaId: a[1] })), ['Is this still available?']),
  type('live-comment', '<text>', (a, o) => (need(a, 1, 'live-comment', '<text>'), MessengerEvents.comment(a[0]!, { from: o.sender, live: true })), ['Hello from the live']),
  type('mention', '[media-id] [comment-id]', (a) => MessengerEvents.mention({ mediaId: a[0], commentId: a[1] })),
  type('story-insights', '[media-id]', (a) => MessengerEvents.storyInsights({ mediaId: a[0] })),
  type('change', '<field> [value-json]', (a) => (need(a, 1, 'change', '<field> [value-json]'), MessengerEvents.change(a[0]!, changeValue(a[1]))), ['feed', '{"item":"status","verb":"add"}']),
];

function changeValue(text: string | undefined): unknown {
  if (text === undefined) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`change value must be JSON, e.g. '{"item":"status","verb":"add"}'`);
  }
}

/** The event type called `name`, or a {@link UsageError} that lists the known ones. */
export function eventType(name: string): CliEventType {
  const found = CLI_EVENT_TYPES.find((candidate) => candidate.name === name);
  if (!found) throw new UsageError(`unknown event type "${name}"; known types: ${CLI_EVENT_TYPES.map((candidate) => candidate.name).join(', ')}`);
  return found;
}
