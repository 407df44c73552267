import { Injectable, type INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ChangeEvent,
  CommentEvent,
  EVENT_KINDS,
  MessengerWebhookModule,
  OnChange,
  OnComment,
  OnHandover,
  OnMention,
  fieldOfKind,
  type MessengerContext,
} from 'nestjs-messenger-webhook';
import {
  createMessengerTestClient,
  MessengerEvents,
  MessengerRecorder,
  WebhookBodyBuilder,
  type MessengerTestClient,
  type RecordedCall,
  type WebhookBodyOptions,
} from 'nestjs-messenger-webhook/testing';
import { Test } from '@nestjs/testing';
import { rawEvents, type RawEventKind } from '../../libs/messenger-webhook/test/fixtures/raw-events.js';
import { ADAPTERS, APP_SECRET, createTestApp, VERIFY_TOKEN } from '../support/app.js';
import { fixtureRoute, numbersAsText } from './fixture-route.js';

const MESSAGING_KINDS = EVENT_KINDS.filter((row) => row.source === 'messaging').map((row) => row.kind) as RawEventKind[];

@Injectable()
class ChangeFilters {
  readonly seen: string[] = [];

  @OnComment('price?')
  priceQuestion(event: CommentEvent): void {
    this.seen.push(`price:${event.value.id}`);
  }

  @OnComment({ text: 'SIZE {size}', mediaId: ['M1', 'M2'] })
  sizeOnTwoPosts(event: CommentEvent, context: MessengerContext): void {
    this.seen.push(`size:${context.params.size}:${event.value.media?.id}`);
  }

  @OnMention({ mediaId: 'M1' })
  mentionOnM1(): void {
    this.seen.push('mention:M1');
  }

  @OnChange('feed')
  feed(event: ChangeEvent): void {
    const { post_id: postId } = event.value as { post_id?: string };
    this.seen.push(`feed:${postId}`);
  }

  @OnChange(['leadgen', 'ratings'])
  leadsOrRatings(event: ChangeEvent): void {
    this.seen.push(`other:${event.field}`);
  }
}

describe.each(ADAPTERS)('messaging events delivered as changes[] items on %s', (adapter) => {
  let app: INestApplication;
  let client: MessengerTestClient;
  let recorder: MessengerRecorder;
  let filters: ChangeFilters;
  beforeAll(async () => {
    app = await createTestApp(adapter, {
      imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, dedupe: false })],
      providers: [MessengerRecorder, ChangeFilters],
    });
    client = createMessengerTestClient(app);
    recorder = app.get(MessengerRecorder);
    filters = app.get(ChangeFilters);
  });
  beforeEach(() => {
    recorder.reset();
    filters.seen.length = 0;
  });
  afterAll(() => app.close());

  /** Sends events (or a body) signed, and fails the test unless Meta would be told it was received. */
  async function deliver(events: object, options?: WebhookBodyOptions): Promise<void> {
    const response = await client.send(events, options);
    expect(response.status, response.body).toBe(200);
  }

  it.each(MESSAGING_KINDS)('every %s sample reaches the same handler, as the same class, in changes[] and flat on the entry', async (kind) => {
    for (const [index, raw] of rawEvents[kind].entries()) {
      const route = fixtureRoute(raw);
      const platform = route.object === 'instagram' ? 'instagram' : 'messenger';
      const field = fieldOfKind(kind, platform);
      // The same event three ways: messaging[], a changes[] item, and the entry's own field / value (all at one entry time).
      recorder.reset();
      await deliver(raw, { object: route.object, pageId: route.pageId, time: 1 });
      const reference: RecordedCall[] = [...recorder.calls];
      const referenceDecorators = recorder.decorators();
      for (const form of ['changes', 'flat'] as const) {
        recorder.reset();
        const change = MessengerEvents.asChange(raw, { field });
        const lists = form === 'changes' ? { changes: [change], time: 1 } : { flat: change, time: 1 };
        await deliver(new WebhookBodyBuilder(route.object).entry(route.pageId, lists).build());
        const where = `${kind} sample ${index} (${form})`;
        expect(recorder.decorators(), where).toEqual(referenceDecorators);
        for (const [position, { event, context }] of recorder.calls.entries()) {
          const expected = reference[position]!;
          expect(event.constructor, where).toBe(expected.event.constructor);
          expect(numbersAsText(event), where).toEqual(numbersAsText(expected.event));
          // Same event id (a redelivery in another form is the same event); `reply` is a function per event.
          const { reply: _reply, ...rest } = context;
          const { reply: _expectedReply, ...expectedRest } = expected.context;
          expect(rest, where).toEqual({ ...expectedRest, source: 'changes', field });
        }
      }
    }
  });

  it('an echo inside field messages stays an echo; field standby makes a standby event', async () => {
    await deliver(MessengerEvents.asChange(MessengerEvents.echo('hi', { sender: 'IGSID', pageId: 'IG' }), { field: 'messages' }), { object: 'instagram', pageId: 'IG' });
    expect(recorder.decorators()).toEqual(['OnEcho', 'OnEvent']);
    recorder.reset();
    await deliver(MessengerEvents.asChange(MessengerEvents.text('to the agent', { pageId: 'P' }), { field: 'standby' }), { pageId: 'P' });
    expect(recorder.decorators()).toEqual(['OnEvent', 'OnStandby']);
    expect(recorder.calls[0]?.context).toMatchObject({ standby: true, source: 'changes', field: 'standby', kind: 'message' });
  });

  it('comments, mentions and other fields reach their decorators, filters applied', async () => {
    const body = new WebhookBodyBuilder('instagram')
      .entry('IG', {
        changes: [
          MessengerEvents.comment('price?', { commentId: 'C1' }),
          MessengerEvents.comment('SIZE M', { commentId: 'C2', mediaId: 'M2' }),
          MessengerEvents.comment('SIZE L', { commentId: 'C3', mediaId: 'M3' }),
          MessengerEvents.mention({ mediaId: 'M1' }),
          MessengerEvents.mention({ mediaId: 'M9' }),
          MessengerEvents.change('feed', { post_id: 'F1' }),
          MessengerEvents.change('leadgen', { leadgen_id: 1 }),
        ],
      })
      .entry('IG', { flat: MessengerEvents.comment('hello live', { live: true, commentId: 'C4' }) })
      .build();
    await deliver(body);
    expect(filters.seen.sort()).toEqual(['feed:F1', 'mention:M1', 'other:leadgen', 'price:C1', 'size:M:M2'].sort());
    const comments = recorder.received('OnComment');
    expect(comments.map(({ event }) => [event.value.id, event.live])).toEqual([
      ['C1', false],
      ['C2', false],
      ['C3', false],
      ['C4', true],
    ]);
    expect(comments[3]?.context).toMatchObject({ source: 'changes', field: 'live_comments', kind: 'comment' });
    expect(recorder.received('OnChange').map(({ context }) => context.field)).toEqual(['feed', 'leadgen']);
    expect(recorder.received('OnEvent')).toHaveLength(8);
  });
});

describe('start-up checks of the new decorators', () => {
  async function boot(provider: new () => object): Promise<unknown> {
    const moduleRef = await Test.createTestingModule({
      imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET })],
      providers: [provider],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    try {
      await app.init();
      return null;
    } catch (error) {
      return error;
    } finally {
      await app.close();
    }
  }

  it('@OnChange on a field the library models fails at start-up, naming the right decorator', async () => {
    @Injectable()
    class WrongField {
      @OnChange('comments')
      onComments(): void {}
    }
    expect(String(await boot(WrongField))).toMatch(/@OnChange on WrongField\.onComments filter "field": "comments" is delivered as CommentEvent to @OnComment/);

    @Injectable()
    class MessagingField {
      @OnChange(['feed', 'messaging_postbacks'])
      onPostbacks(): void {}
    }
    expect(String(await boot(MessagingField))).toMatch(/"messaging_postbacks" carries messaging events/);
  });

  it('a kind filter naming a kind the decorator never receives fails at start-up', async () => {
    @Injectable()
    class WrongKind {
      // The type already refuses it; a plain JS caller or a cast still gets a clear error.
      @OnHandover({ kind: 'message' as never })
      onMessage(): void {}
    }
    expect(String(await boot(WrongKind))).toMatch(/"message" is not a kind this decorator receives \(pass_thread_control, take_thread_control, request_thread_control, app_roles\)/);
  });
});
