import { ABSENT, isRecord, type DecoratorName, type ExpectedEvent, type ReplayCase, type SpecificDecorator } from './replay-case.js';

/** One handler call the recorder saw. */
export interface ObservedCall {
  decorator: DecoratorName;
  event: object;
  context: Record<string, unknown>;
}

/** What an invalid event says about itself. */
export interface InvalidReport {
  /** The kind it would have been. */
  wouldBe: string | undefined;
  /** Where it is wrong and why. */
  problems: { path: string; message: string }[];
}

/** How the check reads the library's classes: kept apart so the check itself stays a pure function. */
export interface EventInspector {
  /** Whether `event` is an instance of the exported class `name`; `undefined` when no such class is exported. */
  isInstance(event: object, name: string): boolean | undefined;
  /** The report of an `InvalidEvent`, `null` for any other event. */
  invalidReport(event: object): InvalidReport | null;
}

/** The decorator each kind must reach (outside standby), as the README's event table says. */
export const HANDLER_OF_KIND: Readonly<Record<string, SpecificDecorator | null>> = {
  message: 'OnMessage',
  echo: 'OnEcho',
  message_edit: 'OnMessageEdit',
  reaction: 'OnReaction',
  read: 'OnRead',
  delivery: 'OnDelivery',
  postback: 'OnPostback',
  referral: 'OnReferral',
  optin: 'OnOptin',
  account_linking: 'OnAccountLinking',
  messaging_feedback: 'OnFeedback',
  response_feedback: 'OnResponseFeedback',
  game_play: 'OnGamePlay',
  pass_thread_control: 'OnHandover',
  take_thread_control: 'OnHandover',
  request_thread_control: 'OnHandover',
  app_roles: 'OnHandover',
  policy_enforcement: 'OnPolicyEnforcement',
  send_cart: 'OnSendCart',
  template_status_update: 'OnTemplateStatusUpdate',
  comment: 'OnComment',
  mention: 'OnMention',
  story_insights: 'OnStoryInsights',
  change: 'OnChange',
  unknown: null,
};

/**
 * How many events a well-formed delivery carries: every object of every entry's `messaging[]`, `standby[]` and
 * `changes[]`, plus one for an entry that holds `field`/`value` itself (Instagram Login). `null` for bodies of an
 * `object` this library does not handle.
 */
export function countEvents(body: unknown): number | null {
  if (!isRecord(body) || !Array.isArray(body.entry)) return 0;
  if (body.object !== 'page' && body.object !== 'instagram') return null;
  let count = 0;
  for (const entry of body.entry) {
    if (!isRecord(entry)) continue;
    for (const list of ['messaging', 'standby', 'changes']) {
      const items = entry[list];
      if (Array.isArray(items)) count += items.filter(isRecord).length;
    }
    if (typeof entry.field === 'string' && 'value' in entry && !Array.isArray(entry.changes)) count++;
  }
  return count;
}

/**
 * Compares what the handlers received for one replayed delivery with what they had to receive. Returns the
 * mismatches, one line each; an empty list means the delivery was read as expected. Pure.
 */
export function checkReplay(replay: ReplayCase, status: number, calls: readonly ObservedCall[], inspector: EventInspector): string[] {
  const problems: string[] = [];
  if (status !== 200) problems.push(`answered ${status}, not 200`);
  const delivered = calls.filter((call) => call.decorator === 'OnEvent');
  const events = new Set(delivered.map((call) => call.event));
  if (events.size !== delivered.length) problems.push('an event reached @OnEvent() more than once');
  for (const call of calls) {
    if (call.decorator !== 'OnEvent' && !events.has(call.event)) {
      problems.push(`@${call.decorator}() received a ${String(call.context.kind)} event that never reached @OnEvent()`);
    }
  }
  const expected = replay.events ?? null;
  const count = expected ? expected.length : countEvents(replay.body);
  if (count !== null && delivered.length !== count) {
    problems.push(`@OnEvent() received ${delivered.length} events, the body carries ${count}: ${describeCalls(delivered)}`);
  }
  const received = (event: object): DecoratorName[] =>
    calls.filter((call) => call.decorator !== 'OnEvent' && call.event === event).map((call) => call.decorator).sort();
  if (!expected) {
    for (const call of delivered) problems.push(...checkDerived(call, received(call.event), inspector));
    return problems;
  }
  // Events of different conversations may be handled in any order, so expectations are matched to calls, not zipped.
  const verdicts = expected.map((want) => delivered.map((call) => compare(want, call, received(call.event), inspector)));
  const match = bestMatching(verdicts.map((row) => row.map((lines) => lines.length === 0)));
  expected.forEach((want, index) => {
    if (match[index] !== -1) return;
    const closest = verdicts[index].reduce<string[] | null>((best, lines) => (best === null || lines.length < best.length ? lines : best), null);
    const label = `events[${index}] (${want.kind}${want.wouldBe ? ` as ${want.wouldBe}` : ''})`;
    problems.push(closest ? `${label}: ${closest.join('; ')}` : `${label}: no event was delivered`);
  });
  return problems;
}

/** The mismatches between one expectation and one delivered event (empty when it is that event). */
export function compare(want: ExpectedEvent, call: ObservedCall, reached: readonly DecoratorName[], inspector: EventInspector): string[] {
  const lines: string[] = [];
  const { event, context } = call;
  if (context.kind !== want.kind) lines.push(`kind is ${String(context.kind)}, not ${want.kind}`);
  const instance = inspector.isInstance(event, want.class);
  if (instance === undefined) lines.push(`no class ${want.class} is exported`);
  else if (!instance) lines.push(`is a ${event.constructor.name}, not a ${want.class}`);
  const handlers = want.handler === null ? [] : Array.isArray(want.handler) ? [...want.handler] : [want.handler];
  if (!sameList(handlers.sort(), [...reached])) {
    lines.push(`reached ${list(reached)} besides @OnEvent(), not ${list(handlers)}`);
  }
  for (const [key, value] of Object.entries(want.context ?? {})) {
    if (!sameJson(value, context[key])) lines.push(`context.${key} is ${show(context[key])}, not ${show(value)}`);
  }
  for (const [path, value] of Object.entries(want.values ?? {})) {
    const actual = readPath(event, path);
    if (value === ABSENT ? actual !== undefined : !sameJson(value, actual)) lines.push(`${path} is ${show(actual)}, not ${show(value)}`);
  }
  const report = inspector.invalidReport(event);
  if (report && want.wouldBe === undefined && want.problems === undefined) lines.push(`it was read as invalid: ${show(report.problems)}`);
  if (want.wouldBe !== undefined && report?.wouldBe !== want.wouldBe) lines.push(`would have been ${show(report?.wouldBe)}, not ${want.wouldBe}`);
  if (want.problems) {
    const reported = report?.problems ?? [];
    for (const wanted of want.problems) {
      if (!reported.some(({ path, message }) => path.includes(wanted) || message.includes(wanted))) {
        lines.push(`no problem names ${wanted} (problems: ${show(report?.problems ?? null)})`);
      }
    }
  }
  return lines;
}

/** For a body without expectations: the event reached the decorator its kind calls for, and an invalid one says why. */
function checkDerived(call: ObservedCall, reached: readonly DecoratorName[], inspector: EventInspector): string[] {
  const { context, event } = call;
  const report = inspector.invalidReport(event);
  const kind = String(context.kind);
  const wanted: SpecificDecorator | null = report ? 'OnInvalidEvent' : context.standby === true ? 'OnStandby' : (HANDLER_OF_KIND[kind] ?? null);
  const lines: string[] = [];
  if (!report && !(kind in HANDLER_OF_KIND)) lines.push(`a ${kind} event: a kind the replay does not know`);
  if (!sameList(wanted ? [wanted] : [], [...reached])) lines.push(`a ${kind} event reached ${list(reached)} besides @OnEvent(), not ${list(wanted ? [wanted] : [])}`);
  if (report && report.problems.length === 0) lines.push(`an invalid ${kind} event came without a problem list`);
  return lines;
}

/** Maximum bipartite matching of expectations (rows) to delivered events (columns); `-1` for an unmatched row. */
export function bestMatching(fits: readonly (readonly boolean[])[]): number[] {
  const owner: number[] = [];
  const assign = (row: number, visited: Set<number>): boolean => {
    for (let column = 0; column < fits[row].length; column++) {
      if (!fits[row][column] || visited.has(column)) continue;
      visited.add(column);
      if (owner[column] === undefined || assign(owner[column], visited)) {
        owner[column] = row;
        return true;
      }
    }
    return false;
  };
  fits.forEach((_, row) => assign(row, new Set()));
  const match = fits.map(() => -1);
  owner.forEach((row, column) => {
    if (row !== undefined) match[row] = column;
  });
  return match;
}

/**
 * Reads a dotted path the way a handler would (`event.message.attachments[0].type`), through own properties and
 * accessors of the event's classes, never through `Object.prototype` (so `constructor` means a key Meta sent).
 */
export function readPath(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    if (Object.prototype.hasOwnProperty.call(current, key)) current = (current as Record<string, unknown>)[key];
    else if (key in Object.prototype) return undefined;
    else current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** Deep equality of a JSON expectation and what the handler got (class instances compared by their own keys). */
export function sameJson(expected: unknown, actual: unknown): boolean {
  if (expected === null || typeof expected !== 'object') return Object.is(expected, actual);
  if (typeof actual !== 'object' || actual === null) return false;
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((item, index) => sameJson(item, actual[index]));
  }
  const keys = Object.keys(expected);
  const actualKeys = Object.keys(actual).filter((key) => (actual as Record<string, unknown>)[key] !== undefined);
  return (
    keys.length === actualKeys.length &&
    keys.every((key) => Object.prototype.hasOwnProperty.call(actual, key) && sameJson((expected as Record<string, unknown>)[key], (actual as Record<string, unknown>)[key]))
  );
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, index) => item === b[index]);
}

function list(decorators: readonly string[]): string {
  return decorators.length === 0 ? 'nothing' : decorators.map((name) => `@${name}()`).join(' + ');
}

function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 160 ? `${json.slice(0, 157)}...` : json;
}

function describeCalls(calls: readonly ObservedCall[]): string {
  return calls.length === 0 ? '(none)' : calls.map((call) => String(call.context.kind)).join(', ');
}
