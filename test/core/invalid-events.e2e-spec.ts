import { Injectable, type INestApplication } from '@nestjs/common';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  EVENT_KINDS,
  InvalidEvent,
  MessageEditEvent,
  MessengerDispatcher,
  MessengerWebhookModule,
  OnEvent,
  OnInvalidEvent,
  OnMessageEdit,
  fieldOfKind,
  type InvalidEventReport,
  type MessengerContext,
  type MessengerEvent,
  type MessengerWebhookOptions,
} from 'nestjs-messenger-webhook';
import { createMessengerTestClient, MessengerEvents, type MessengerTestClient, type WebhookBody } from 'nestjs-messenger-webhook/testing';
import { invalidRawEvents, rawEvents, type RawEventKind } from '../../libs/messenger-webhook/test/fixtures/raw-events.js';
import { prng } from '../../libs/messenger-webhook/test/support/prng.js';
import { ADAPTERS, APP_SECRET, createTestApp, VERIFY_TOKEN } from '../support/app.js';
import { LogCapture } from '../support/log-capture.js';

/** A parsed JSON object, as Meta sends it. */
type Json = Record<string, unknown>;

const logs = new LogCapture();

/** Every call of @OnEvent and @OnInvalidEvent, with the tag the test put in the event (when it could). */
@Injectable()
class Census {
  readonly all: Array<{ tag: unknown; event: MessengerEvent; context: MessengerContext }> = [];
  readonly invalid: InvalidEvent[] = [];
  readonly edits: MessageEditEvent[] = [];

  @OnEvent()
  onEvent(event: MessengerEvent, context: MessengerContext): void {
    this.all.push({ tag: tagOf(event), event, context });
  }

  @OnInvalidEvent()
  onInvalid(event: InvalidEvent): void {
    this.invalid.push(event);
  }

  @OnMessageEdit()
  onEdit(event: MessageEditEvent): void {
    this.edits.push(event);
  }

  reset(): void {
    this.all.length = 0;
    this.invalid.length = 0;
    this.edits.length = 0;
  }
}

/** The tag of an event: on the object read (the item, or a change's value), or on the raw value of an invalid one. */
function tagOf(event: MessengerEvent): unknown {
  const source = (event instanceof InvalidEvent ? event.raw : event) as { tag?: unknown; value?: { tag?: unknown } } | null;
  if (typeof source !== 'object' || source === null) return undefined;
  return source.tag ?? (typeof source.value === 'object' && source.value !== null ? source.value.tag : undefined);
}

const MESSAGING_KINDS = EVENT_KINDS.filter((row) => row.source === 'messaging').map((row) => row.kind) as RawEventKind[];
const CHANGES_KINDS: RawEventKind[] = ['comment', 'mention', 'story_insights', 'change', 'template_status_update'];
const GARBAGE: unknown[] = [42, 'an event', null, true, [], [1, 2], { sender: 'nobody' }, { message: { mid: {} } }, { message: 'hi' }, { field: 3, value: 'x' }];

/**
 * Builds a random signed-looking delivery from real shapes, broken shapes and garbage, in every place an event can
 * stand, and counts the events it holds by the protocol's own rule: every item of messaging[], standby[] and
 * changes[] (a list that is not an array counts as one), an entry's flat field/value, and an entry that is not an object.
 * Every object that is read gets a unique tag, so each can be found exactly once among the handler calls.
 */
function generate(random: () => number, nextTag: () => string): { body: Json; expected: number; tags: string[] } {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const tags: string[] = [];
  const tagged = (value: unknown): unknown => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
    const tag = nextTag();
    tags.push(tag);
    return { ...structuredClone(value as Json), tag };
  };
  const messagingItem = (): unknown => {
    const roll = random();
    if (roll < 0.6) return tagged(pick(rawEvents[pick(MESSAGING_KINDS)]));
    if (roll < 0.85) return tagged(pick(Object.values(invalidRawEvents).flat().filter((raw) => !('field' in raw))));
    return tagged(pick(GARBAGE));
  };
  const changeItem = (): unknown => {
    const roll = random();
    if (roll < 0.4) {
      const kind = pick(MESSAGING_KINDS);
      const value = tagged(pick(rawEvents[kind])) as Json;
      return { field: fieldOfKind(kind, pick(['messenger', 'instagram'] as const)), value };
    }
    if (roll < 0.8) return tagged(pick(rawEvents[pick(CHANGES_KINDS)]));
    if (roll < 0.9) return tagged(pick([...invalidRawEvents.comment!, ...invalidRawEvents.mention!, ...invalidRawEvents.template_status_update!]));
    return tagged(pick(GARBAGE));
  };
  const list = (item: () => unknown): { value: unknown; count: number } => {
    if (random() < 0.05) return { value: pick(['not a list', { not: 'a list' }, 7]), count: 1 };
    const length = Math.floor(random() * 5);
    return { value: Array.from({ length }, item), count: length };
  };
  let expected = 0;
  const entries: unknown[] = [];
  const entryCount = 1 + Math.floor(random() * 4);
  for (let index = 0; index < entryCount; index++) {
    if (random() < 0.08) {
      entries.push(pick([42, 'entry', null, [1]]));
      expected += 1;
      continue;
    }
    const entry: Json = {};
    const idRoll = random();
    if (idRoll < 0.8) entry.id = 'PAGE_1';
    else if (idRoll < 0.9) entry.id = 106000000000001;
    else if (idRoll < 0.95) entry.id = { bad: 'id' };
    const time = pick([1_700_000_000_000, '1700000000000', '2024-05-01T10:00:00Z', 'yesterday', null, undefined, { t: 1 }]);
    if (time !== undefined) entry.time = time;
    for (const name of ['messaging', 'standby'] as const) {
      if (random() < 0.6) {
        const { value, count } = list(messagingItem);
        entry[name] = value;
        expected += count;
      }
    }
    if (random() < 0.5) {
      const { value, count } = list(changeItem);
      entry.changes = value;
      expected += count;
    }
    if (random() < 0.15) {
      const tagsBefore = tags.length;
      const flat = changeItem();
      if (typeof flat === 'object' && flat !== null && !Array.isArray(flat) && 'field' in flat) {
        // Only field and value stand on the entry: a tag put on the item moves into its value, or is not expected.
        const { field, value, tag } = flat as Json;
        const movable = typeof value === 'object' && value !== null && !Array.isArray(value);
        Object.assign(entry, { field, value: tag !== undefined && movable ? { ...(value as Json), tag } : (value ?? null) });
        if (tag !== undefined && !movable) tags.splice(tags.indexOf(tag as string), 1);
        expected += 1;
      } else {
        // Not a change: it is not put on the entry, so neither are its tags.
        tags.length = tagsBefore;
      }
    }
    entries.push(entry);
  }
  return { body: { object: pick(['page', 'instagram']), entry: entries }, expected, tags };
}

describe.each(ADAPTERS)('events that cannot be read on %s', (adapter) => {
  let app: INestApplication;
  let client: MessengerTestClient;
  let census: Census;
  const reports: InvalidEventReport[] = [];
  beforeAll(async () => {
    app = await createTestApp(
      adapter,
      {
        // Redelivery detection is off: generated bodies repeat fixtures, and each must still be delivered.
        imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, dedupe: false, onInvalidEvent: (report) => reports.push(report) })],
        providers: [Census],
      },
      { logger: logs },
    );
    client = createMessengerTestClient(app);
    census = app.get(Census);
  });
  beforeEach(() => {
    census.reset();
    reports.length = 0;
    logs.clear();
  });
  afterAll(() => app.close());

  it('every event of a signed, well-formed delivery reaches @OnEvent exactly once, whatever its shape (300 generated deliveries)', async () => {
    const seed = 0x7e57_0007;
    const random = prng(seed);
    let counter = 0;
    const nextTag = () => `t${++counter}`;
    let total = 0;
    for (let round = 0; round < 300; round++) {
      census.reset();
      reports.length = 0;
      const { body, expected, tags } = generate(random, nextTag);
      const response = await client.send(body);
      const where = `seed ${seed}, delivery ${round}: ${JSON.stringify(body).slice(0, 300)}`;
      expect(response.status, where).toBe(200);
      expect(census.all, where).toHaveLength(expected);
      const seen = census.all.map((call) => call.tag).filter((tag) => tag !== undefined);
      expect(seen.sort(), where).toEqual([...tags].sort());
      // Whatever could not be read is an InvalidEvent, and reached @OnInvalidEvent too.
      const invalid = census.all.filter((call) => call.event instanceof InvalidEvent);
      expect(census.invalid, where).toHaveLength(invalid.length);
      expect(reports, where).toHaveLength(invalid.length);
      for (const { event, context } of invalid) {
        expect(context.kind, where).toBe('invalid');
        expect((event as InvalidEvent).problems.length, where).toBeGreaterThan(0);
      }
      total += expected;
    }
    expect(total).toBeGreaterThan(1500);
  });
});

describe('options for events that cannot be read', () => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function boot(options: Partial<MessengerWebhookOptions>): Promise<{ app: INestApplication; client: MessengerTestClient; census: Census }> {
    logs.clear();
    app = await createTestApp(
      'express',
      { imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, ...options })], providers: [Census] },
      { logger: logs },
    );
    await app.init();
    return { app, client: createMessengerTestClient(app), census: app.get(Census) };
  }

  it('counts, reports and logs them once per delivery, however many there are', async () => {
    const reports: InvalidEventReport[] = [];
    const { app, client } = await boot({ dedupe: false, onInvalidEvent: (report) => reports.push(report) });
    const dispatcher = app.get(MessengerDispatcher);
    const streamed: InvalidEventReport[] = [];
    const subscription = dispatcher.invalidEvents$.subscribe((report) => streamed.push(report));
    const broken = { sender: { id: 'U1' }, recipient: { id: 'PAGE_1' }, message: { mid: false } };
    // A body no client would send through HTTP limits, straight into the dispatcher: 100,000 bad events.
    const body: WebhookBody = { object: 'page', entry: [{ id: 'PAGE_1', time: 1, messaging: Array.from({ length: 100_000 }, () => broken) }] };
    const summary = await client.dispatch(body);
    subscription.unsubscribe();
    expect(summary).toMatchObject({ events: 100_000, dispatched: 100_000, invalid: 100_000, handlerCalls: 200_000, failures: 0 });
    expect(streamed).toHaveLength(100_000);
    expect(reports).toHaveLength(100_000);
    expect(reports[0]?.event.problems).toEqual([{ path: 'message.mid', message: 'must be a string or a number (an id)' }]);
    expect(reports[0]?.context).toMatchObject({ kind: 'invalid', pageId: 'PAGE_1', source: 'messaging' });
    const warnings = logs.at('warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toMatch(/^100000 events of a delivery could not be read, delivered to @OnInvalidEvent and @OnEvent as InvalidEvent: entry\[0\]\.messaging\[0\] \(message\): message\.mid must be .*; and 99997 more$/);
  });

  /** An edit of m1 whose num_edit is sent as `numEdit` is (Meta quotes numbers at times; 'many' is no number at all). */
  const edit = (text: string, numEdit: string) => {
    const raw = MessengerEvents.messageEdit('m1', text, { sender: 'U1' });
    return { ...raw, message_edit: { ...raw.message_edit, num_edit: numEdit } };
  };
  const badEdit = edit('new', 'many');
  const goodEdit = edit('newer', '2');

  it("invalidEvents: 'skip' hands them to no handler, but still counts, reports and logs them", async () => {
    const reported: InvalidEventReport[] = [];
    const { client, census } = await boot({ invalidEvents: 'skip', onInvalidEvent: (report) => reported.push(report) });
    const summary = await client.dispatch([badEdit, goodEdit]);
    expect(summary).toMatchObject({ events: 2, dispatched: 1, invalid: 1, handlerCalls: 2 });
    expect(census.invalid).toEqual([]);
    expect(census.all.map((call) => call.context.kind)).toEqual(['message_edit']);
    expect(reported.map((report) => report.event.kind)).toEqual(['message_edit']);
    expect(logs.at('warn').map((line) => line.message)).toEqual([expect.stringMatching(/^1 event of a delivery could not be read, skipped \(invalidEvents: 'skip'\)/)]);
  });

  it('validateEvents: false delivers what was read, wrong values as sent', async () => {
    const { client, census } = await boot({ validateEvents: false });
    await client.dispatch(badEdit);
    expect(census.edits).toHaveLength(1);
    expect(census.edits[0]).toBeInstanceOf(MessageEditEvent);
    expect(census.edits[0]?.message_edit.num_edit).toBe('many');
    expect(census.invalid).toEqual([]);
  });

  it('a throwing onInvalidEvent hook is logged and costs nothing', async () => {
    const { client, census } = await boot({
      onInvalidEvent: () => {
        throw new Error('tracker down');
      },
    });
    const response = await client.send([badEdit, goodEdit]);
    expect(response.status).toBe(200);
    expect(census.invalid).toHaveLength(1);
    expect(census.edits).toHaveLength(1);
    expect(logs.errors().map((line) => line.message)).toEqual(['onInvalidEvent threw: tracker down']);
  });

  it("rejects an invalidEvents value that is neither 'deliver' nor 'skip'", async () => {
    await expect(boot({ invalidEvents: 'drop' as never })).rejects.toThrow("MessengerWebhookModule: invalidEvents must be 'deliver' or 'skip'");
  });
});
