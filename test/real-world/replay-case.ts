import { readdirSync, readFileSync, statSync } from 'node:fs';
import { delimiter, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The listener decorators a replayed event can reach (besides `@OnEvent()`, which every event reaches). */
export const SPECIFIC_DECORATORS = [
  'OnMessage',
  'OnEcho',
  'OnMessageEdit',
  'OnReaction',
  'OnRead',
  'OnDelivery',
  'OnPostback',
  'OnReferral',
  'OnOptin',
  'OnAccountLinking',
  'OnFeedback',
  'OnResponseFeedback',
  'OnGamePlay',
  'OnHandover',
  'OnPolicyEnforcement',
  'OnSendCart',
  'OnTemplateStatusUpdate',
  'OnComment',
  'OnMention',
  'OnStoryInsights',
  'OnChange',
  'OnStandby',
  'OnInvalidEvent',
] as const;

/** A specific listener decorator, by name. */
export type SpecificDecorator = (typeof SPECIFIC_DECORATORS)[number];

/** Any listener decorator of the replay recorder. */
export type DecoratorName = SpecificDecorator | 'OnEvent';

/** Marks a value that must be absent (`undefined`) on the event: JSON has no `undefined`. */
export const ABSENT = '$absent';

/** What one event of a replayed body must become. The format of `test/fixtures/real-world/*.json`. */
export interface ExpectedEvent {
  /** `MessengerContext.kind` the handlers see (`'message'`, `'postback'`, `'comment'`, `'change'`, `'unknown'`, ...). */
  kind: string;
  /** The specific decorator that must receive it (or several); `null`: none, only `@OnEvent()` (unknown events). */
  handler: SpecificDecorator | SpecificDecorator[] | null;
  /** Name of the exported class the event must be an instance of (`'PostbackEvent'`, `'InvalidEvent'`, ...). */
  class: string;
  /** Fields of the `MessengerContext` the handlers must see, compared strictly (`"time": 1700000000000`). */
  context?: Record<string, unknown>;
  /**
   * Dotted paths on the event (`"sender.id"`, `"message.attachments.0.type"`) and the value a handler must read there,
   * compared strictly, type included (`"1234"` is not `1234`); `"$absent"` means the field must be undefined.
   */
  values?: Record<string, unknown>;
  /** Invalid events: the kind the event would have been. */
  wouldBe?: string;
  /** Invalid events: each string must occur in the path or the message of one reported problem (`"message.mid"`). */
  problems?: string[];
}

/** One replayed delivery: a body and, when known, what each of its events must become. */
export interface ReplayCase {
  /** Unique name, used as the test's title and in the pending list. */
  name: string;
  /** Which real-world variation it shows. */
  variation: string;
  /** Where the shape was seen: URLs, `owner/repo:path`, issue links. */
  seen: string[];
  /** The webhook body. */
  body: unknown;
  /** The exact bytes to sign and send (bare body files are replayed byte for byte); default: `metaStringify(body)`. */
  raw?: string;
  /** The events of the body, in body order; absent: only the invariants every delivery must keep are checked. */
  events?: ExpectedEvent[];
  /** The file it was read from, relative to the working directory. */
  file: string;
}

/** Where this repository's own fixtures live. */
export const FIXTURE_DIR = fileURLToPath(new URL('../fixtures/real-world/', import.meta.url));

/** Environment variable naming extra directories of bodies to replay (separated like `PATH`). */
export const REPLAY_DIR_VARIABLE = 'MESSENGER_REPLAY_DIR';

/** The cases of this repository's fixtures plus those of every directory named by {@link REPLAY_DIR_VARIABLE}. */
export function loadCorpus(env: NodeJS.ProcessEnv = process.env): ReplayCase[] {
  const dirs = [FIXTURE_DIR, ...(env[REPLAY_DIR_VARIABLE] ?? '').split(delimiter).filter((dir) => dir.trim() !== '')];
  const cases = dirs.flatMap((dir) => jsonFiles(resolve(dir)).flatMap(readCases));
  const seen = new Map<string, string>();
  for (const replay of cases) {
    const other = seen.get(replay.name);
    if (other) throw new Error(`replay case name "${replay.name}" is used twice: in ${other} and in ${replay.file}`);
    seen.set(replay.name, replay.file);
  }
  return cases;
}

/** Every `.json` file under `dir`, sorted, so the replay order is the same on every machine. */
function jsonFiles(dir: string): string[] {
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`${REPLAY_DIR_VARIABLE}: ${dir} is not a directory`);
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => join(dir, name));
}

/**
 * A file holds one case (`{ name, body, events, ... }`), an array of cases, or a bare webhook body
 * (`{ object, entry }`), which is replayed byte for byte under its file name and checked against the invariants only.
 */
export function readCases(path: string): ReplayCase[] {
  const file = relative(process.cwd(), path);
  const text = readFileSync(path, 'utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} is not JSON: ${(error as Error).message}`);
  }
  if (isRecord(parsed) && 'object' in parsed && 'entry' in parsed && !('body' in parsed)) {
    return [{ name: file, variation: 'a body dropped in without expectations', seen: [file], body: parsed, raw: text, file }];
  }
  const list = Array.isArray(parsed) ? parsed : [parsed];
  return list.map((item, index) => toCase(item, `${file}[${index}]`, file));
}

function toCase(item: unknown, at: string, file: string): ReplayCase {
  if (!isRecord(item)) throw new Error(`${at}: a replay case must be an object`);
  const { name, variation, seen, body, events } = item;
  if (typeof name !== 'string' || name === '') throw new Error(`${at}: "name" must be a non-empty string`);
  if (!('body' in item)) throw new Error(`${at} (${name}): "body" is missing`);
  if (events !== undefined && !Array.isArray(events)) throw new Error(`${at} (${name}): "events" must be an array`);
  const replay: ReplayCase = {
    name,
    variation: typeof variation === 'string' ? variation : '',
    seen: Array.isArray(seen) ? seen.map(String) : [],
    body,
    file,
  };
  if (events) replay.events = events.map((event, index) => toExpectedEvent(event, `${at} (${name}) events[${index}]`));
  return replay;
}

function toExpectedEvent(event: unknown, at: string): ExpectedEvent {
  if (!isRecord(event)) throw new Error(`${at}: must be an object`);
  if (typeof event.kind !== 'string') throw new Error(`${at}: "kind" must be a string`);
  if (typeof event.class !== 'string') throw new Error(`${at}: "class" must be a string`);
  const handlers = event.handler === null ? [] : Array.isArray(event.handler) ? event.handler : [event.handler];
  for (const handler of handlers) {
    if (!(SPECIFIC_DECORATORS as readonly unknown[]).includes(handler)) {
      throw new Error(`${at}: "handler" ${JSON.stringify(handler)} is not one of ${SPECIFIC_DECORATORS.join(', ')} (or null)`);
    }
  }
  for (const key of ['context', 'values'] as const) {
    if (event[key] !== undefined && !isRecord(event[key])) throw new Error(`${at}: "${key}" must be an object`);
  }
  if (event.problems !== undefined && !(Array.isArray(event.problems) && event.problems.every((p) => typeof p === 'string'))) {
    throw new Error(`${at}: "problems" must be an array of strings`);
  }
  return event as unknown as ExpectedEvent;
}

/** True for a JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
