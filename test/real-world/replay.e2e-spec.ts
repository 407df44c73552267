/**
 * Replays real-world webhook bodies over signed HTTP, on Express and Fastify, against a real Nest app with the kit's
 * `MessengerRecorder` (one unfiltered handler per listener decorator, `@OnEvent()` and `@OnInvalidEvent()` included). For every body it checks that the
 * answer is 200, that every event reaches `@OnEvent()` exactly once, and that each event reaches its specific
 * decorator as the right class with the right context and values, or, where the body is genuinely malformed,
 * `@OnInvalidEvent()` with a problem list that says why.
 *
 * The bodies are `test/fixtures/real-world/*.json` (our own bodies in the shapes seen in other projects, Meta's pages
 * and bug reports: see SOURCES.md there) plus every `.json` file under the directories named by MESSENGER_REPLAY_DIR
 * (separated like PATH):
 *
 *   MESSENGER_REPLAY_DIR=/path/to/bodies npx vitest run test/real-world
 *
 * A file holds a case, an array of cases, or a bare webhook body. A case is
 *   { "name": "...", "variation": "...", "seen": ["..."], "body": { "object": ..., "entry": [...] },
 *     "events": [ { "kind": "postback", "handler": "OnPostback", "class": "PostbackEvent",
 *                   "context": { "source": "changes", "field": "messaging_postbacks" },
 *                   "values": { "sender.id": "123", "timestamp": 1527459824, "postback.title": "$absent" } },
 *                 { "kind": "invalid", "handler": "OnInvalidEvent", "class": "InvalidEvent",
 *                   "wouldBe": "message", "problems": ["message.mid"] } ] }
 * (`events` in body order; `handler: null` for unknown events, which reach only `@OnEvent()`). A bare body is sent
 * byte for byte as the file holds it and checked against the invariants only: 200, as many `@OnEvent()` calls as the
 * body has events, each at the decorator its kind calls for (`@OnStandby()` in standby, `@OnInvalidEvent()` with
 * problems when invalid). Bodies are sent by `createMessengerTestClient(app).send()` as `metaStringify(body)` (or the
 * file's own bytes), signed over exactly those bytes.
 *
 * PENDING lists cases the library does not read correctly yet, each with why and on which adapters: they are
 * replayed too, and the test asserts they still fail, so a fix turns them into a failure that asks to unlist them.
 */
import 'reflect-metadata';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as library from 'nestjs-messenger-webhook';
import type { INestApplication } from '@nestjs/common';
import { InvalidEvent, MessengerWebhookModule } from 'nestjs-messenger-webhook';
import { createMessengerTestClient, MessengerRecorder, metaStringify, type MessengerTestClient } from 'nestjs-messenger-webhook/testing';
import { ADAPTERS, APP_SECRET, createTestApp, VERIFY_TOKEN, type AdapterName } from '../support/app.js';
import { loadCorpus, type ReplayCase } from './replay-case.js';
import { checkReplay, countEvents, type EventInspector, type ObservedCall } from './replay-check.js';

/** A case the library does not read as expected yet: what goes wrong, and on which adapters (default: both). */
interface Pending {
  why: string;
  on?: readonly AdapterName[];
}

/** Cases the library does not read as expected yet. Each must still fail where listed (see above). */
const PENDING: Readonly<Record<string, Pending>> = {};

const corpus = loadCorpus();
const isPending = (name: string, adapter: AdapterName): boolean => name in PENDING && (PENDING[name].on ?? ADAPTERS).includes(adapter);

/** Reads events through the library's public exports only. */
const inspector: EventInspector = {
  isInstance(event, name) {
    const candidate = (library as Record<string, unknown>)[name];
    return typeof candidate === 'function' ? event instanceof candidate : undefined;
  },
  invalidReport(event) {
    if (!(event instanceof InvalidEvent)) return null;
    return { wouldBe: event.kind, problems: event.problems.map(({ path, message }) => ({ path, message })) };
  },
};

describe('the real-world corpus', () => {
  it('has bodies for the replay, and every pending case names one of them', () => {
    expect(corpus.length).toBeGreaterThan(100);
    for (const name of Object.keys(PENDING)) expect(corpus.map((replay) => replay.name)).toContain(name);
  });
});

describe.each(ADAPTERS)('real-world bodies replayed over signed HTTP on %s', (adapter) => {
  let app: INestApplication;
  let client: MessengerTestClient;
  let recorder: MessengerRecorder;
  let prototypeKeys: string[];

  beforeAll(async () => {
    app = await createTestApp(adapter, {
      // Redelivery detection is off: bodies from other corpora reuse mids, and this replay is about reading them.
      imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, dedupe: false })],
      providers: [MessengerRecorder],
    });
    client = createMessengerTestClient(app);
    recorder = app.get(MessengerRecorder);
    prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();
  });
  afterAll(() => app?.close());
  beforeEach(() => recorder.reset());

  /**
   * Signs and posts one body as Meta would (as a string, so a body that is no delivery is sent as it is), and resolves
   * once every handler of it settled.
   */
  async function replay(replayCase: ReplayCase): Promise<number> {
    const response = await client.send(replayCase.raw ?? metaStringify(replayCase.body));
    return response.status;
  }

  /** What the recorder saw, as the replay check reads it. */
  const observed = (): ObservedCall[] => recorder.calls.map(({ decorator, event, context }) => ({ decorator, event, context: { ...context } }));

  const replayed = corpus.filter((replayCase) => !isPending(replayCase.name, adapter));
  const pending = corpus.filter((replayCase) => isPending(replayCase.name, adapter));

  it.each(replayed.map((replayCase) => [replayCase.name, replayCase] as const))('%s', async (_name, replayCase) => {
    const status = await replay(replayCase);
    expect(checkReplay(replayCase, status, observed(), inspector)).toEqual([]);
    // Free-form keys such as `constructor` or `__proto__` must never reach a prototype.
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
  });

  it.each(pending.map((replayCase) => [replayCase.name, replayCase] as const))('pending, still read wrongly: %s', async (_name, replayCase) => {
    const status = await replay(replayCase);
    const problems = checkReplay(replayCase, status, observed(), inspector);
    expect(problems, `${replayCase.name} now passes on ${adapter}: take it out of PENDING (was: ${PENDING[replayCase.name].why})`).not.toEqual([]);
  });
});

describe('the replay check', () => {
  const message = { kind: 'message', handler: 'OnMessage', class: 'MessageEvent' } as const;
  const body = { object: 'page', entry: [{ id: 'P', time: 1, messaging: [{ sender: { id: 'U' }, message: { mid: 'm', text: 'hi' } }] }] };
  const base: ReplayCase = { name: 'check', variation: '', seen: [], body, file: 'inline', events: [{ ...message, values: { 'sender.id': 'U' } }] };
  const event = Object.assign(new library.MessageEvent(), { sender: { id: 'U' }, message: { mid: 'm', text: 'hi' } });
  const context = { kind: 'message', platform: 'messenger', source: 'messaging', standby: false };
  const calls: ObservedCall[] = [
    { decorator: 'OnMessage', event, context },
    { decorator: 'OnEvent', event, context },
  ];

  it('accepts a delivery read as expected', () => {
    expect(checkReplay(base, 200, calls, inspector)).toEqual([]);
  });

  it('reports a wrong status, a missing @OnEvent() call and an event at the wrong decorator', () => {
    expect(checkReplay(base, 500, calls, inspector)).toEqual([expect.stringContaining('answered 500')]);
    expect(checkReplay(base, 200, calls.slice(0, 1), inspector).join('\n')).toMatch(/@OnEvent\(\) received 0 events, the body carries 1/);
    const misrouted: ObservedCall[] = [{ ...calls[0], decorator: 'OnPostback' }, calls[1]];
    expect(checkReplay(base, 200, misrouted, inspector).join('\n')).toMatch(/reached @OnPostback\(\) besides @OnEvent\(\), not @OnMessage\(\)/);
  });

  it('compares values strictly, type included, and knows an absent field from an empty one', () => {
    const numeric: ReplayCase = { ...base, events: [{ ...message, values: { 'sender.id': 1234 } }] };
    expect(checkReplay(numeric, 200, calls, inspector).join('\n')).toMatch(/sender\.id is "U", not 1234/);
    const absent: ReplayCase = { ...base, events: [{ ...message, values: { 'message.text': '$absent', constructor: '$absent' } }] };
    expect(checkReplay(absent, 200, calls, inspector).join('\n')).toMatch(/message\.text is "hi", not "\$absent"/);
  });

  it('counts the events of a bare body, a flat Instagram Login entry included, and ignores objects it does not handle', () => {
    expect(countEvents(body)).toBe(1);
    expect(countEvents({ object: 'instagram', entry: [{ id: 'I', time: 1, field: 'comments', value: {} }, { id: 'I', time: 2, changes: [{}, {}] }] })).toBe(3);
    expect(countEvents({ object: 'user', entry: [{ changes: [{ field: 'email' }] }] })).toBeNull();
    const bare: ReplayCase = { ...base, events: undefined };
    expect(checkReplay(bare, 200, calls, inspector)).toEqual([]);
    expect(checkReplay(bare, 200, [{ ...calls[0], decorator: 'OnEcho' }, calls[1]], inspector).join('\n')).toMatch(/not @OnMessage\(\)/);
  });
});
