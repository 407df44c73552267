import { Injectable } from '@nestjs/common';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InvalidEvent, MessengerWebhookModule, OnEvent, type MessengerContext, type MessengerEvent } from 'nestjs-messenger-webhook';
import { ADAPTERS, APP_SECRET, startServer, VERIFY_TOKEN, type TestServer } from '../support/app.js';
import { batch, textMessage, type Json } from '../support/deliveries.js';
import { LogCapture } from '../support/log-capture.js';
import { EveryListener, type DecoratorName } from '../support/recorder.js';

const logs = new LogCapture();

/** The tag this file gives every event: its timestamp, or for a `changes[]` item a field of its value. */
function tagOf(event: MessengerEvent): string {
  const { timestamp, value } = event as { timestamp?: number | string; value?: { message_template_name?: string; post_id?: string } };
  return String(timestamp ?? value?.message_template_name ?? value?.post_id);
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
    const { sender, recipient } = event as { sender?: { id?: string }; recipient?: { id?: string } };
    const conversation = context.kind === 'echo' ? recipient?.id : sender?.id;
    this.finished.push({ tag: tagOf(event), pageId: context.pageId, conversation: conversation ?? '' });
  }
}

const reaction = (sender: string, timestamp: number): Json => ({
  sender: { id: sender },
  recipient: { id: 'PAGE_1' },
  timestamp,
  reaction: { mid: 'm_earlier', action: 'react', reaction: 'love' },
});
const read = (sender: string, timestamp: number): Json => ({ sender: { id: sender }, recipient: { id: 'PAGE_2' }, timestamp, read: { watermark: timestamp - 1 } });
const postback = (sender: string, timestamp: number): Json => ({
  sender: { id: sender },
  recipient: { id: 'PAGE_1' },
  timestamp,
  postback: { title: 'Menu', payload: 'MENU' },
});
const echoTo = (user: string, page: string, timestamp: number): Json => ({
  sender: { id: page },
  recipient: { id: user },
  timestamp,
  message: { mid: `echo_${timestamp}`, is_echo: true, text: 'agent says hi' },
});

describe.each(ADAPTERS)('batched and partly malformed deliveries on %s', (adapter) => {
  let server: TestServer;
  let listener: EveryListener;
  let finishOrder: FinishOrder;
  beforeAll(async () => {
    server = await startServer(
      adapter,
      { imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET })], providers: [EveryListener, FinishOrder] },
      { logger: logs },
    );
    listener = server.app.get(EveryListener);
    finishOrder = server.app.get(FinishOrder);
  });
  beforeEach(() => {
    listener.reset();
    finishOrder.finished.length = 0;
    logs.clear();
  });
  afterAll(() => server.close());

  it('handles every event of 3 entries x 4 events exactly once, in order within each conversation of an entry', async () => {
    const body = batch([
      {
        id: 'PAGE_1',
        messaging: [
          textMessage('U1', 'm_101', 'first', { timestamp: 101 }),
          textMessage('U1', 'm_102', 'second', { timestamp: 102 }),
          reaction('U2', 103),
        ],
        changes: [{ field: 'messenger_template_status_update', value: { event: 'APPROVED', message_template_name: 'T104' } }],
      },
      {
        id: 'PAGE_2',
        messaging: [textMessage('U3', 'm_201', 'hello', { timestamp: 201, pageId: 'PAGE_2' })],
        standby: [textMessage('U4', 'm_202', 'to the agent', { timestamp: 202, pageId: 'PAGE_2' }), read('U4', 203), echoTo('U4', 'PAGE_2', 204)],
      },
      {
        id: 'PAGE_1',
        messaging: [textMessage('U1', 'm_301', 'third', { timestamp: 301 }), postback('U1', 302)],
        standby: [textMessage('U5', 'm_303', 'standby', { timestamp: 303 })],
        changes: [{ field: 'feed', value: { item: 'status', verb: 'add', post_id: 'P304' } }],
      },
    ]);
    const response = await server.post(body);
    expect(response.status).toBe(200);

    const expected: Record<string, { decorator: DecoratorName | null; pageId: string }> = {
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
    const seen = listener.callsOf('OnEvent').map(({ event, context }) => `${tagOf(event)}@${context.pageId}`);
    expect(seen.sort()).toEqual(Object.entries(expected).map(([tag, { pageId }]) => `${tag}@${pageId}`).sort());
    const routed = listener.calls.filter((call) => call.decorator !== 'OnEvent').map(({ decorator, event }) => `${tagOf(event)}:${decorator}`);
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
    const response = await server.post(
      batch([
        {
          id: 'PAGE_1',
          messaging: [
            textMessage('U1', 'm_ok_1', 'before', { timestamp: 11 }),
            { sender: { id: 'U1' }, recipient: { id: 'PAGE_1' }, timestamp: 12, message: { mid: true, text: 'mid is a boolean' } },
            textMessage('U1', 'm_ok_2', 'after', { timestamp: 13 }),
          ],
        },
      ]),
    );
    expect(response.status).toBe(200);
    expect(listener.callsOf('OnMessage').map(({ event }) => tagOf(event))).toEqual(['11', '13']);
    const [invalid] = listener.callsOf('OnInvalidEvent');
    expect(invalid?.event).toBeInstanceOf(InvalidEvent);
    expect(invalid?.event).toMatchObject({ kind: 'message', location: 'entry[0].messaging[1]', problems: [{ path: 'message.mid', message: 'must be a string or a number (an id)' }] });
    expect(invalid?.context).toMatchObject({ kind: 'invalid', pageId: 'PAGE_1', field: 'messages' });
    expect(listener.callsOf('OnEvent').map(({ event }) => (event instanceof InvalidEvent ? 'invalid' : tagOf(event)))).toEqual(['11', 'invalid', '13']);
    const warnings = logs.at('warn').map((line) => line.message);
    expect(warnings).toEqual([expect.stringMatching(/^1 event of a delivery could not be read.*entry\[0\]\.messaging\[1\] \(message\): message\.mid must be/)]);
    // The text of the message is content, not a diagnosis: it stays out of the logs.
    expect(logs.text).not.toContain('mid is a boolean');
  });

  it('handles the events of a valid entry beside an entry that is not an object and one without an id', async () => {
    const body = {
      object: 'page',
      entry: [
        'not an entry',
        { time: 1, messaging: [textMessage('U1', 'm_no_id', 'lost', { timestamp: 21 })] },
        { id: 'PAGE_1', time: 1, messaging: [textMessage('U1', 'm_kept', 'kept', { timestamp: 22 })] },
      ],
    };
    const response = await server.post(body);
    expect(response.status).toBe(200);
    expect(listener.callsOf('OnMessage').map(({ event }) => tagOf(event))).toEqual(['22']);
    // Nothing is dropped silently: what cannot be read reaches @OnInvalidEvent, saying why.
    const invalid = listener.callsOf('OnInvalidEvent').map(({ event }) => event as InvalidEvent);
    expect(invalid.map(({ kind, location, raw }) => ({ kind, location, raw }))).toEqual([
      { kind: 'unknown', location: 'entry[0]', raw: 'not an entry' },
      { kind: 'message', location: 'entry[1].messaging[0]', raw: textMessage('U1', 'm_no_id', 'lost', { timestamp: 21 }) },
    ]);
    expect(invalid[1]?.problems[0]?.message).toContain('entry[1].id must be a string or a number');
    expect(listener.callsOf('OnEvent')).toHaveLength(3);
    const warnings = logs.at('warn').map((line) => line.message);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^2 events of a delivery could not be read.*entry\[0\] \(unknown\): is not an object.*entry\[1\]\.messaging\[0\] \(message\): its entry has no id/);
  });
});
