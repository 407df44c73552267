import { Injectable, type INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ChangeEvent,
  EchoEvent,
  InvalidEvent,
  MessengerWebhookModule,
  OnEvent,
  TemplateStatusUpdateEvent,
  type MessengerContext,
  type MessengerEvent,
} from 'nestjs-messenger-webhook';
import {
  createMessengerTestClient,
  MessengerEvents,
  MessengerRecorder,
  WebhookBodyBuilder,
  type MessengerTestClient,
  type RecordedDecorator,
} from 'nestjs-messenger-webhook/testing';
import { ADAPTERS, APP_SECRET, createTestApp, VERIFY_TOKEN } from '../support/app.js';
import { LogCapture } from '../support/log-capture.js';

const logs = new LogCapture();

/** The tag this file gives every event: its timestamp, or for a `changes[]` item a field of its value. */
function tagOf(event: MessengerEvent): string {
  if (event instanceof TemplateStatusUpdateEvent) return String(event.value.message_template_name);
  // A field this version does not model: its value is JSON as sent.
  if (event instanceof ChangeEvent) return String((event.value as { post_id?: string }).post_id);
  return String('timestamp' in event ? event.timestamp : undefined);
}

/**
 * Records when each event's handling *ends*, after yielding to the event loop fewer times for later timestamps:
 * if one conversation's events ran side by side, the later ones would finish first.
 */
@Injectable()
class FinishOrder {
  readonly finished: Array<{ tag: string; pageId: string; conversation: string }> = [];

  @OnEvent()
  async onEvent(event: MessengerEvent, context: MessengerContext): Promise<void> {
    const turns = 10 - (Number(tagOf(event)) % 10 || 0);
    for (let turn = 0; turn < turns; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
    // An echo's conversation is its recipient's: the Page sent it.
    const conversation = event instanceof EchoEvent ? event.recipient?.id : 'sender' in event ? event.sender?.id : undefined;
    this.finished.push({ tag: tagOf(event), pageId: context.pageId, conversation: conversation ?? '' });
  }
}

const text = (sender: string, mid: string, body: string, timestamp: number, pageId = 'PAGE_1') => MessengerEvents.text(body, { sender, mid, timestamp, pageId });

describe.each(ADAPTERS)('batched and partly malformed deliveries on %s', (adapter) => {
  let app: INestApplication;
  let client: MessengerTestClient;
  let recorder: MessengerRecorder;
  let finishOrder: FinishOrder;
  beforeAll(async () => {
    app = await createTestApp(
      adapter,
      { imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET })], providers: [MessengerRecorder, FinishOrder] },
      { logger: logs },
    );
    client = createMessengerTestClient(app);
    recorder = app.get(MessengerRecorder);
    finishOrder = app.get(FinishOrder);
  });
  beforeEach(() => {
    recorder.reset();
    finishOrder.finished.length = 0;
    logs.clear();
  });
  afterAll(() => app.close());

  it('handles every event of 3 entries x 4 events exactly once, in order within each conversation of an entry', async () => {
    const body = new WebhookBodyBuilder()
      .entry('PAGE_1', {
        messaging: [text('U1', 'm_101', 'first', 101), text('U1', 'm_102', 'second', 102), MessengerEvents.reaction('love', { sender: 'U2', mid: 'm_earlier', timestamp: 103 })],
        changes: [MessengerEvents.templateStatusUpdate({ templateName: 'T104' })],
      })
      .entry('PAGE_2', {
        messaging: [text('U3', 'm_201', 'hello', 201, 'PAGE_2')],
        standby: [
          text('U4', 'm_202', 'to the agent', 202, 'PAGE_2'),
          MessengerEvents.read({ sender: 'U4', pageId: 'PAGE_2', timestamp: 203, watermark: 202 }),
          MessengerEvents.echo('agent says hi', { sender: 'U4', pageId: 'PAGE_2', mid: 'echo_204', timestamp: 204 }),
        ],
      })
      .entry('PAGE_1', {
        messaging: [text('U1', 'm_301', 'third', 301), MessengerEvents.postback('MENU', { sender: 'U1', title: 'Menu', timestamp: 302 })],
        standby: [text('U5', 'm_303', 'standby', 303)],
        changes: [MessengerEvents.change('feed', { item: 'status', verb: 'add', post_id: 'P304' })],
      })
      .build();
    const response = await client.send(body);
    expect(response.status).toBe(200);

    const expected: Record<string, { decorator: RecordedDecorator | null; pageId: string }> = {
      '101': { decorator: 'OnMessage', pageId: 'PAGE_1' },
      '102': { decorator: 'OnMessage', pageId: 'PAGE_1' },
      '103': { decorator: 'OnReaction', pageId: 'PAGE_1' },
      T104: { decorator: 'OnTemplateStatusUpdate', pageId: 'PAGE_1' },
      '201': { decorator: 'OnMessage', pageId: 'PAGE_2' },
      '202': { decorator: 'OnStandby', pageId: 'PAGE_2' },
      '203': { decorator: 'OnStandby', pageId: 'PAGE_2' },
      '204': { decorator: 'OnStandby', pageId: 'PAGE_2' },
      '301': { decorator: 'OnMessage', pageId: 'PAGE_1' },
      '302': { decorator: 'OnPostback', pageId: 'PAGE_1' },
      '303': { decorator: 'OnStandby', pageId: 'PAGE_1' },
      P304: { decorator: 'OnChange', pageId: 'PAGE_1' },
    };
    const seen = recorder.received('OnEvent').map(({ event, context }) => `${tagOf(event)}@${context.pageId}`);
    expect(seen.sort()).toEqual(Object.entries(expected).map(([tag, { pageId }]) => `${tag}@${pageId}`).sort());
    const routed = recorder.calls.filter((call) => call.decorator !== 'OnEvent').map(({ decorator, event }) => `${tagOf(event)}:${decorator}`);
    expect(routed.sort()).toEqual(
      Object.entries(expected)
        .filter(([, { decorator }]) => decorator !== null)
        .map(([tag, { decorator }]) => `${tag}:${decorator}`)
        .sort(),
    );

    // In order within an entry for one conversation, even though earlier events take longer to handle.
    const finished = (pageId: string, conversation: string) =>
      finishOrder.finished.filter((entry) => entry.pageId === pageId && entry.conversation === conversation).map((entry) => entry.tag);
    expect(finished('PAGE_1', 'U1').filter((tag) => tag < '200')).toEqual(['101', '102']);
    expect(finished('PAGE_1', 'U1').filter((tag) => tag > '300')).toEqual(['301', '302']);
    expect(finished('PAGE_2', 'U4')).toEqual(['202', '203', '204']);
    expect(finishOrder.finished).toHaveLength(12);
  });

  it('hands a malformed event to @OnInvalidEvent and @OnEvent with one warning naming the problem, and the valid ones beside it to their handlers', async () => {
    const midIsABoolean = { ...MessengerEvents.text('mid is a boolean', { sender: 'U1', timestamp: 12 }), message: { mid: true, text: 'mid is a boolean' } };
    const response = await client.send([text('U1', 'm_ok_1', 'before', 11), midIsABoolean, text('U1', 'm_ok_2', 'after', 13)]);
    expect(response.status).toBe(200);
    expect(recorder.received('OnMessage').map(({ event }) => tagOf(event))).toEqual(['11', '13']);
    const [invalid] = recorder.received('OnInvalidEvent');
    expect(invalid?.event).toBeInstanceOf(InvalidEvent);
    expect(invalid?.event).toMatchObject({ kind: 'message', location: 'entry[0].messaging[1]', problems: [{ path: 'message.mid', message: 'must be a string or a number (an id)' }] });
    expect(invalid?.context).toMatchObject({ kind: 'invalid', pageId: 'PAGE_1', field: 'messages' });
    expect(recorder.received('OnEvent').map(({ event }) => (event instanceof InvalidEvent ? 'invalid' : tagOf(event)))).toEqual(['11', 'invalid', '13']);
    const warnings = logs.at('warn').map((line) => line.message);
    expect(warnings).toEqual([expect.stringMatching(/^1 event of a delivery could not be read.*entry\[0\]\.messaging\[1\] \(message\): message\.mid must be/)]);
    // The text of the message is content, not a diagnosis: it stays out of the logs.
    expect(logs.text).not.toContain('mid is a boolean');
  });

  it('handles the events of a valid entry beside an entry that is not an object and one without an id', async () => {
    const lost = text('U1', 'm_no_id', 'lost', 21);
    const body = {
      object: 'page',
      entry: ['not an entry', { time: 1, messaging: [lost] }, { id: 'PAGE_1', time: 1, messaging: [text('U1', 'm_kept', 'kept', 22)] }],
    };
    const response = await client.send(body);
    expect(response.status).toBe(200);
    expect(recorder.received('OnMessage').map(({ event }) => tagOf(event))).toEqual(['22']);
    // Nothing is dropped silently: what cannot be read reaches @OnInvalidEvent, saying why.
    const invalid = recorder.received('OnInvalidEvent').map(({ event }) => event);
    expect(invalid.map(({ kind, location, raw }) => ({ kind, location, raw }))).toEqual([
      { kind: 'unknown', location: 'entry[0]', raw: 'not an entry' },
      { kind: 'message', location: 'entry[1].messaging[0]', raw: lost },
    ]);
    expect(invalid[1]?.problems[0]?.message).toContain('entry[1].id must be a string or a number');
    expect(recorder.received('OnEvent')).toHaveLength(3);
    const warnings = logs.at('warn').map((line) => line.message);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^2 events of a delivery could not be read.*entry\[0\] \(unknown\): is not an object.*entry\[1\]\.messaging\[0\] \(message\): its entry has no id/);
  });
});
