import { Inject, Injectable, type INestApplication, type Provider } from '@nestjs/common';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  Event,
  MessengerDispatcher,
  MessengerWebhookModule,
  OnMessage,
  OnMessageEdit,
  OnPostback,
  OnReaction,
  Sender,
  Text,
  type DedupeStore,
  type HandlerFailure,
  type MessageEditEvent,
  type MessageEvent,
  type MessengerWebhookOptions,
  type PostbackEvent,
  type ReactionEvent,
} from 'nestjs-messenger-webhook';
import {
  createMessengerTestClient,
  MessengerEvents,
  webhookBody,
  type EventsOrBody,
  type MessengerTestClient,
  type SendOptions,
} from 'nestjs-messenger-webhook/testing';
import { ADAPTERS, APP_SECRET, createTestApp, VERIFY_TOKEN, type AdapterName } from '../support/app.js';
import { deferred, type Deferred } from '../support/deferred.js';
import { LogCapture } from '../support/log-capture.js';

/** The app under test and a kit client for it. */
interface Started {
  app: INestApplication;
  client: MessengerTestClient;
}

/** A message with this mid (its text does not matter to these tests). */
const withMid = (mid: string) => MessengerEvents.text('hi', { mid });

/** Records every event it gets as one readable line, so tests compare lists of strings. */
@Injectable()
class DedupeBot {
  readonly seen: string[] = [];

  @OnMessage()
  onMessage(@Event() event: MessageEvent) {
    this.seen.push(`message ${event.message.mid}${event.message.is_deleted ? ' deleted' : ''}`);
  }

  @OnMessageEdit()
  onEdit(@Event() event: MessageEditEvent) {
    this.seen.push(`edit ${event.message_edit.mid}`);
  }

  @OnReaction()
  onReaction(@Event() event: ReactionEvent) {
    this.seen.push(`${event.reaction.action} ${event.reaction.mid}`);
  }

  @OnPostback()
  onPostback(@Event() event: PostbackEvent) {
    this.seen.push(`postback ${event.postback.payload} at ${String(event.timestamp)}`);
  }
}

async function startWith(
  adapter: AdapterName,
  options: Partial<MessengerWebhookOptions>,
  providers: Provider[] = [DedupeBot],
  logs?: LogCapture,
): Promise<Started> {
  const app = await createTestApp(
    adapter,
    {
      imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, ...options })],
      providers,
    },
    { logger: logs },
  );
  await app.init();
  return { app, client: createMessengerTestClient(app) };
}

async function postOk({ client }: Started, events: EventsOrBody, options?: SendOptions): Promise<void> {
  const response = await client.send(events, options);
  expect(response.status).toBe(200);
}

describe.each(ADAPTERS)('redeliveries on %s (default in-memory dedupe)', (adapter) => {
  let server: Started;
  let bot: DedupeBot;

  beforeAll(async () => {
    server = await startWith(adapter, {});
    bot = server.app.get(DedupeBot);
  });
  afterAll(() => server.app.close());
  beforeEach(() => {
    bot.seen.length = 0;
  });

  it('handles a delivery posted twice only once', async () => {
    const body = webhookBody([withMid('mid.twice'), MessengerEvents.postback('NO_MID', { mid: null, timestamp: 1_000 })]);
    await postOk(server, body);
    await postOk(server, body);

    expect(bot.seen).toEqual(['message mid.twice', 'postback NO_MID at 1000']);
  });

  it('drops a message whose mid was already handled, even inside another delivery', async () => {
    const original = withMid('mid.again');
    await postOk(server, original);
    await postOk(server, [withMid('mid.new'), original, withMid('mid.again')]);

    expect(bot.seen).toEqual(['message mid.again', 'message mid.new']);
  });

  it('keeps events that look alike but are different', async () => {
    // A reaction and its unreact on one message, even at the same millisecond.
    await postOk(server, [MessengerEvents.reaction('like', { mid: 'mid.liked', timestamp: 2_000 }), MessengerEvents.unreact('mid.liked', { timestamp: 2_000 })]);
    // A message, then its edit (same mid).
    await postOk(server, MessengerEvents.text('helo', { mid: 'mid.edited' }));
    await postOk(server, MessengerEvents.messageEdit('mid.edited', 'hello'));
    // An Instagram message, then its deletion (same mid).
    const instagram = { object: 'instagram', pageId: 'IG_1' } as const;
    await postOk(server, MessengerEvents.text('oops', { mid: 'mid.unsent', pageId: 'IG_1' }), instagram);
    await postOk(server, MessengerEvents.unsend('mid.unsent', { pageId: 'IG_1' }), instagram);
    // Two taps on the same button: postbacks without mid, at different times.
    await postOk(server, [MessengerEvents.postback('MENU', { mid: null, timestamp: 3_000 }), MessengerEvents.postback('MENU', { mid: null, timestamp: 3_001 })]);

    expect(bot.seen).toEqual([
      'react mid.liked',
      'unreact mid.liked',
      'message mid.edited',
      'edit mid.edited',
      'message mid.unsent',
      'message mid.unsent deleted',
      'postback MENU at 3000',
      'postback MENU at 3001',
    ]);
  });
});

describe.each(ADAPTERS)('dedupe options on %s', (adapter) => {
  it('lets a redelivery through with dedupe: false', async () => {
    const server = await startWith(adapter, { dedupe: false });
    try {
      const body = webhookBody(withMid('mid.redelivered'));
      await postOk(server, body);
      await postOk(server, body);

      expect(server.app.get(DedupeBot).seen).toEqual(['message mid.redelivered', 'message mid.redelivered']);
    } finally {
      await server.app.close();
    }
  });

  it('asks a custom DedupeStore (async) with the configured ttl, and follows its answer', async () => {
    const keys = new Set<string>();
    const asked: Array<{ key: string; ttl: number }> = [];
    const store: DedupeStore = {
      async checkAndSet(key, ttl) {
        asked.push({ key, ttl });
        await Promise.resolve();
        if (keys.has(key)) return true;
        keys.add(key);
        return false;
      },
    };
    const server = await startWith(adapter, { dedupe: { store, ttl: 1234 } });
    try {
      const body = webhookBody(withMid('mid.custom'));
      await postOk(server, body);
      await postOk(server, body);

      expect(server.app.get(DedupeBot).seen).toEqual(['message mid.custom']);
      expect(asked).toHaveLength(2);
      expect(asked.map((entry) => entry.ttl)).toEqual([1234, 1234]);
      expect(asked[0]!.key).toBe(asked[1]!.key);
      expect(asked[0]!.key).toContain('mid.custom');
    } finally {
      await server.app.close();
    }
  });

  it('handles the event anyway when the store fails, and logs why', async () => {
    const logs = new LogCapture();
    const store: DedupeStore = {
      checkAndSet() {
        throw new Error('store unreachable');
      },
    };
    const server = await startWith(adapter, { dedupe: { store } }, [DedupeBot], logs);
    try {
      await postOk(server, withMid('mid.storeless'));

      expect(server.app.get(DedupeBot).seen).toEqual(['message mid.storeless']);
      expect(logs.errors().map((entry) => entry.message)).toEqual([expect.stringContaining('store unreachable')]);
    } finally {
      await server.app.close();
    }
  });
});

const SLOW = Symbol('SLOW');

/** What the test holds to steer {@link SlowBot}. */
interface SlowControl {
  release: Deferred<void>;
  started: Deferred<void>;
  log: string[];
}

@Injectable()
class SlowBot {
  constructor(@Inject(SLOW) private readonly control: SlowControl) {}

  @OnMessage({ text: 'slow' })
  async slow() {
    this.control.started.resolve();
    await this.control.release.promise;
    this.control.log.push('handler finished');
  }

  @OnMessage({ text: 'never' })
  never(): Promise<void> {
    return new Promise<void>(() => undefined);
  }
}

describe.each(ADAPTERS)("dispatch: 'background' on %s", (adapter) => {
  it('answers 200 before a slow handler finishes, and app.close() resolves only after it finished', async () => {
    const control: SlowControl = { release: deferred(), started: deferred(), log: [] };
    const { app, client } = await startWith(adapter, { dispatch: 'background' }, [SlowBot, { provide: SLOW, useValue: control }]);

    // The answer alone is awaited: the handler waits for the test.
    const response = await client.send(MessengerEvents.text('slow'), { waitForHandlers: false });
    expect(response.status).toBe(200);
    control.log.push('answered');
    await control.started.promise;

    const closed = app.close().then(() => control.log.push('closed'));
    // While it drains, the app refuses new deliveries (Meta will redeliver them): close() has begun, not ended.
    const late = await client.send(MessengerEvents.text('late'), { waitForHandlers: false });
    expect(late.status).toBe(503);
    expect(late.body).toContain('Shutting down');
    expect(control.log).toEqual(['answered']);

    control.release.resolve();
    await closed;
    expect(control.log).toEqual(['answered', 'handler finished', 'closed']);
  });

  it('stops waiting for handlers after shutdownTimeout', async () => {
    const control: SlowControl = { release: deferred(), started: deferred(), log: [] };
    const logs = new LogCapture();
    const { app, client } = await startWith(adapter, { dispatch: 'background', shutdownTimeout: 50 }, [SlowBot, { provide: SLOW, useValue: control }], logs);

    expect((await client.send(MessengerEvents.text('slow'), { waitForHandlers: false })).status).toBe(200);
    await control.started.promise;
    await app.close();

    // The handler never got its release: close() gave up on it instead of hanging, and said so.
    expect(control.log).toEqual([]);
    expect(logs.at('error').map((entry) => entry.message)).toContainEqual(
      expect.stringContaining('after shutdownTimeout (50 ms): 1 acknowledged event was not handled (1 still running, 0 not started)'),
    );
    control.release.resolve();
  });
});

describe.each(ADAPTERS)('handlerTimeout on %s', (adapter) => {
  let server: Started;
  const logs = new LogCapture();
  const failures: HandlerFailure[] = [];

  beforeAll(async () => {
    const control: SlowControl = { release: deferred(), started: deferred(), log: [] };
    // The handler never settles, so close() waits for it until shutdownTimeout: kept short here.
    server = await startWith(adapter, { handlerTimeout: 50, shutdownTimeout: 100 }, [SlowBot, { provide: SLOW, useValue: control }], logs);
    server.app.get(MessengerDispatcher).failures$.subscribe((failure) => failures.push(failure));
  });
  afterAll(() => server.app.close());

  it('answers the POST (await mode) when a handler never settles, and reports the timeout', async () => {
    // The answer alone is awaited: the handler never settles, and the answer is what this test is about.
    const response = await server.client.send(MessengerEvents.text('never', { mid: 'mid.never' }), { waitForHandlers: false });

    expect(response.status).toBe(200);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ reason: 'timeout', handler: 'SlowBot.never', kind: 'message', mid: 'mid.never' });
    expect((failures[0]!.error as Error).message).toContain('handlerTimeout');
    const errors = logs.errors();
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toContain('SlowBot.never timed out');
  });
});

/** Tracks, per conversation, the order of events and how many are handled at once. */
@Injectable()
class OrderBot {
  readonly order = new Map<string, number[]>();
  readonly maxActivePerConversation = new Map<string, number>();
  private readonly active = new Map<string, number>();
  private activeTotal = 0;
  maxActiveTotal = 0;

  @OnMessage()
  async handle(@Sender() sender: string, @Text() text: string) {
    const now = (this.active.get(sender) ?? 0) + 1;
    this.active.set(sender, now);
    this.maxActivePerConversation.set(sender, Math.max(this.maxActivePerConversation.get(sender) ?? 0, now));
    this.activeTotal += 1;
    this.maxActiveTotal = Math.max(this.maxActiveTotal, this.activeTotal);
    this.order.set(sender, [...(this.order.get(sender) ?? []), Number(text)]);

    // One to three random async steps, a microtask or a turn of the event loop each, so handlers interleave.
    const steps = 1 + Math.floor(Math.random() * 3);
    for (let step = 0; step < steps; step++) {
      if (Math.random() < 0.5) await Promise.resolve();
      else await new Promise((resolve) => setImmediate(resolve));
    }

    this.active.set(sender, (this.active.get(sender) ?? 1) - 1);
    this.activeTotal -= 1;
  }
}

describe.each(ADAPTERS)('ordering with concurrency: 4 on %s', (adapter) => {
  let server: Started | undefined;

  afterEach(() => server?.app.close());

  it('handles each conversation in arrival order, one event at a time, while conversations overlap', async () => {
    const started = (server = await startWith(adapter, { concurrency: 4 }, [OrderBot]));
    const conversations = ['U0', 'U1', 'U2', 'U3', 'U4'];
    const events: object[] = [];
    for (let index = 0; index < 20; index++) {
      for (const sender of conversations) events.push(MessengerEvents.text(String(index), { sender }));
    }

    await postOk(started, events);

    const bot = started.app.get(OrderBot);
    const inOrder = Array.from({ length: 20 }, (_, index) => index);
    for (const sender of conversations) {
      expect(bot.order.get(sender), sender).toEqual(inOrder);
      expect(bot.maxActivePerConversation.get(sender), sender).toBe(1);
    }
    expect(bot.maxActiveTotal).toBeGreaterThan(1);
    expect(bot.maxActiveTotal).toBeLessThanOrEqual(4);
  });
});
