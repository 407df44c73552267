import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InvalidEvent, MessengerWebhookModule, PostbackEvent } from 'nestjs-messenger-webhook';
import { createMessengerTestClient, MessengerEvents, MessengerRecorder, signPayload, type MessengerTestClient } from 'nestjs-messenger-webhook/testing';

describe('MessengerRecorder', () => {
  let app: INestApplication;
  let client: MessengerTestClient;
  let recorder: MessengerRecorder;
  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [MessengerWebhookModule.forRoot({ verifyToken: 'token', appSecret: 'secret' })],
      providers: [MessengerRecorder],
    }).compile();
    app = moduleRef.createNestApplication({ rawBody: true, logger: false });
    client = createMessengerTestClient(app);
    recorder = app.get(MessengerRecorder);
  });
  beforeEach(() => recorder.reset());
  afterAll(() => app.close());

  it('records which decorators an event reached, with the typed event and its context', async () => {
    await client.dispatch(MessengerEvents.postback('GET_STARTED', { sender: 'ALICE' }));
    expect(recorder.decorators()).toEqual(['OnEvent', 'OnPostback']);
    const [call] = recorder.received('OnPostback');
    expect(call?.event).toBeInstanceOf(PostbackEvent);
    expect(call?.event.postback.payload).toBe('GET_STARTED');
    expect(call?.context).toMatchObject({ kind: 'postback', platform: 'messenger', pageId: 'PAGE_1', standby: false });
  });

  it('records standby events under OnStandby and unreadable ones under OnInvalidEvent', async () => {
    await client.dispatch(MessengerEvents.text('from another app'), { standby: true });
    expect(recorder.decorators()).toEqual(['OnEvent', 'OnStandby']);
    recorder.reset();
    await client.dispatch({ sender: { id: 'ALICE' }, recipient: { id: 'PAGE_1' }, timestamp: Date.now(), message: { text: 'no mid' } });
    expect(recorder.decorators()).toEqual(['OnEvent', 'OnInvalidEvent']);
    expect(recorder.received('OnInvalidEvent')[0]?.event).toBeInstanceOf(InvalidEvent);
  });

  it('keeps calls in arrival order and forgets them on reset()', async () => {
    await client.dispatch([MessengerEvents.text('one'), MessengerEvents.text('two')]);
    const texts = recorder.received('OnMessage').map((call) => call.event.message.text);
    expect(texts).toEqual(['one', 'two']);
    recorder.reset();
    expect(recorder.calls).toEqual([]);
  });
});

describe('signPayload', () => {
  it('signs with sha256 by default and with sha1 for the legacy header', () => {
    expect(signPayload('{}', 'secret')).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(signPayload('{}', 'secret', 'sha1')).toMatch(/^sha1=[0-9a-f]{40}$/);
  });
});
