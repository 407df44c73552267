import 'reflect-metadata';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:net';
import { inspect } from 'node:util';
import { Logger, type LoggerService } from '@nestjs/common';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMessengerClient, type MessengerClient } from '../../src/client/messenger-client.js';
import type { MessengerClientOptions } from '../../src/client/client-options.js';
import { MessengerApiError, MessengerClientError } from '../../src/client/messenger-api-error.js';
import { createFakeGraphApi, type FakeGraphApi } from '../../src/testing/fake-graph-api.js';

const TOKEN = 'EAAGpage-token-0123456789abcdef';
const APP_SECRET = 'client-spec-app-secret';
const PROOF = createHmac('sha256', APP_SECRET).update(TOKEN).digest('hex');

/** Every line the client logs, kept for the assertions (Nest's Logger is process-wide: one per test file). */
const logs: string[] = [];
const capture: LoggerService = {
  log: (message: unknown) => void logs.push(`log ${String(message)}`),
  error: (message: unknown, ...rest: unknown[]) => void logs.push(`error ${String(message)} ${rest.map(String).join(' ')}`),
  warn: (message: unknown) => void logs.push(`warn ${String(message)}`),
  debug: (message: unknown) => void logs.push(`debug ${String(message)}`),
  verbose: (message: unknown) => void logs.push(`verbose ${String(message)}`),
};

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** How long a promise took to settle, and how. */
async function timed<T>(promise: Promise<T>): Promise<{ ms: number; value?: T; error?: unknown }> {
  const started = Date.now();
  try {
    const value = await promise;
    return { ms: Date.now() - started, value };
  } catch (error) {
    return { ms: Date.now() - started, error };
  }
}

describe('MessengerClient', () => {
  let graph: FakeGraphApi;
  let client: MessengerClient;
  const make = (options: MessengerClientOptions & { appSecret?: string } = {}) =>
    createMessengerClient({ pageAccessToken: TOKEN, graphApiUrl: graph.url, graphApiRetry: { minDelay: 1, maxDelay: 20 }, ...options });

  beforeAll(async () => {
    Logger.overrideLogger(capture);
    graph = await createFakeGraphApi();
  });
  afterAll(() => graph.close());
  beforeEach(() => {
    graph.reset();
    logs.length = 0;
    client = make();
  });
  afterEach(() => client.idle());

  describe('request shapes', () => {
    it('sends a text to me/messages of the default version, the token in the Authorization header only', async () => {
      const result = await client.sendText('USER_1', 'Hello');
      expect(result).toEqual({ recipient_id: 'USER_1', message_id: expect.stringMatching(/^m_/) });
      const [call] = graph.calls;
      expect(call).toMatchObject({ method: 'POST', version: 'v25.0', endpoint: 'me/messages', accessToken: TOKEN });
      expect(call!.query).toEqual({});
      expect(call!.body).toEqual({ recipient: { id: 'USER_1' }, messaging_type: 'RESPONSE', message: { text: 'Hello' } });
    });

    it('uses graphApiVersion when given', async () => {
      await make({ graphApiVersion: 'v23.0' }).send('USER_1', 'hi');
      expect(graph.calls[0]!.path).toBe('/v23.0/me/messages');
    });

    it('sends quick replies, text ones with content_type text by default', async () => {
      await client.sendText('USER_1', 'Pick one', { quickReplies: [{ title: 'Red', payload: 'RED' }, { content_type: 'user_email' }] });
      await client.sendQuickReplies('USER_1', 'Size?', [{ title: 'S', payload: 'S', image_url: 'https://x/s.png' }]);
      expect(graph.messages.map((body) => body.message)).toEqual([
        { text: 'Pick one', quick_replies: [{ content_type: 'text', title: 'Red', payload: 'RED' }, { content_type: 'user_email' }] },
        { text: 'Size?', quick_replies: [{ content_type: 'text', title: 'S', payload: 'S', image_url: 'https://x/s.png' }] },
      ]);
    });

    it('sends media by URL, by reusable attachment_id, and by URL kept for reuse', async () => {
      await client.sendImage('U', 'https://cdn.example/a.png');
      await client.sendVideo('U', { attachmentId: '1857777774821032' });
      await client.sendAudio('U', { url: 'https://cdn.example/a.mp3', isReusable: true });
      await client.sendFile('U', 'https://cdn.example/a.pdf');
      await client.sendAttachment('U', { type: 'image', payload: { attachment_id: '42' } });
      expect(graph.messages.map((body) => body.message)).toEqual([
        { attachment: { type: 'image', payload: { url: 'https://cdn.example/a.png' } } },
        { attachment: { type: 'video', payload: { attachment_id: '1857777774821032' } } },
        { attachment: { type: 'audio', payload: { url: 'https://cdn.example/a.mp3', is_reusable: true } } },
        { attachment: { type: 'file', payload: { url: 'https://cdn.example/a.pdf' } } },
        { attachment: { type: 'image', payload: { attachment_id: '42' } } },
      ]);
    });

    it('sends generic, button, media and any other template', async () => {
      const button = { type: 'postback', title: 'Buy', payload: 'BUY' } as const;
      await client.sendGenericTemplate('U', [{ title: 'Mug', subtitle: 'Red', image_url: 'https://x/m.png', buttons: [button] }], { imageAspectRatio: 'square' });
      await client.sendButtonTemplate('U', 'What now?', [button, { type: 'web_url', title: 'Site', url: 'https://shop.example' }]);
      await client.sendMediaTemplate('U', { media_type: 'image', attachment_id: '99', buttons: [button] });
      await client.sendTemplate('U', { template_type: 'receipt', recipient_name: 'Ann' });
      expect(graph.messages.map((body) => (body.message as { attachment: unknown }).attachment)).toEqual([
        {
          type: 'template',
          payload: { template_type: 'generic', image_aspect_ratio: 'square', elements: [{ title: 'Mug', subtitle: 'Red', image_url: 'https://x/m.png', buttons: [button] }] },
        },
        { type: 'template', payload: { template_type: 'button', text: 'What now?', buttons: [button, { type: 'web_url', title: 'Site', url: 'https://shop.example' }] } },
        { type: 'template', payload: { template_type: 'media', elements: [{ media_type: 'image', attachment_id: '99', buttons: [button] }] } },
        { type: 'template', payload: { template_type: 'receipt', recipient_name: 'Ann' } },
      ]);
    });

    it('sends sender actions without messaging_type', async () => {
      await client.typingOn('U');
      await client.typingOff('U');
      await client.markSeen('U', { personaId: 'P1' });
      expect(graph.calls.map((call) => call.body)).toEqual([
        { recipient: { id: 'U' }, sender_action: 'typing_on' },
        { recipient: { id: 'U' }, sender_action: 'typing_off' },
        { recipient: { id: 'U' }, sender_action: 'mark_seen', persona_id: 'P1' },
      ]);
      expect(graph.messages).toEqual([]);
    });

    it('sets messaging_type, tag, persona_id, notification_type and reply_to where given', async () => {
      await client.send('U', 'update', { messagingType: 'UPDATE', notificationType: 'SILENT_PUSH' });
      await client.send('U', 'tagged', { tag: 'POST_PURCHASE_UPDATE', personaId: '777', replyTo: 'm_1' });
      await client.send({ user_ref: 'REF_1' }, 'to a plugin guest');
      expect(graph.messages).toEqual([
        { recipient: { id: 'U' }, messaging_type: 'UPDATE', notification_type: 'SILENT_PUSH', message: { text: 'update' } },
        { recipient: { id: 'U' }, messaging_type: 'MESSAGE_TAG', tag: 'POST_PURCHASE_UPDATE', persona_id: '777', reply_to: { mid: 'm_1' }, message: { text: 'tagged' } },
        { recipient: { user_ref: 'REF_1' }, messaging_type: 'RESPONSE', message: { text: 'to a plugin guest' } },
      ]);
    });

    it('refuses what Meta refuses before calling it: empty text, a tag with another type, a tag or persona Instagram lacks', async () => {
      const refused = await Promise.allSettled([
        client.send('U', ''),
        client.send('U', 'x', { tag: 'HUMAN_AGENT', messagingType: 'UPDATE' }),
        client.send('U', 'x', { messagingType: 'MESSAGE_TAG' }),
        client.send('U', 'x', { platform: 'instagram', tag: 'ACCOUNT_UPDATE' }),
        client.send('U', 'x', { platform: 'instagram', personaId: '1' }),
        client.send('', 'x'),
        client.sendButtonTemplate('U', 'x', []),
      ]);
      expect(refused.map((result) => result.status)).toEqual(Array(7).fill('rejected'));
      for (const result of refused) expect((result as PromiseRejectedResult).reason).toBeInstanceOf(MessengerClientError);
      expect(graph.calls).toEqual([]);
      await client.send('U', 'human', { platform: 'instagram', tag: 'HUMAN_AGENT' });
      expect(graph.messages[0]).toMatchObject({ messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
    });

    it('uploads an attachment by URL and answers its attachment_id', async () => {
      const id = await client.uploadAttachment('image', { url: 'https://cdn.example/logo.png' });
      expect(id).toMatch(/^fake-attachment/);
      expect(graph.calls[0]).toMatchObject({
        method: 'POST',
        endpoint: 'me/message_attachments',
        body: { message: { attachment: { type: 'image', payload: { url: 'https://cdn.example/logo.png', is_reusable: true } } } },
      });
    });

    it('uploads a file as multipart (message field and filedata) and answers its attachment_id', async () => {
      const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
      const id = await client.uploadAttachment('image', { data: bytes, filename: 'logo.png', contentType: 'image/png' });
      const [call] = graph.calls;
      expect(id).toBe((call!.response.body as { attachment_id: string }).attachment_id);
      expect(call!.body).toEqual({ message: { attachment: { type: 'image', payload: { is_reusable: true } } } });
      expect(call!.files).toHaveLength(1);
      expect(call!.files[0]).toMatchObject({ field: 'filedata', filename: 'logo.png', contentType: 'image/png' });
      expect([...call!.files[0]!.data]).toEqual([...bytes]);
    });

    it('passes, takes and requests thread control, and reads the thread owner', async () => {
      await client.passThreadControl('U', 263902037430900, 'to the inbox');
      await client.passThreadControl('U', 'page_inbox');
      await client.takeThreadControl('U', 'back to the bot');
      await client.requestThreadControl('U');
      const owner = await client.getThreadOwner('U');
      expect(graph.calls.map((call) => [call.method, call.endpoint, call.body ?? call.query])).toEqual([
        ['POST', 'me/pass_thread_control', { recipient: { id: 'U' }, target_app_id: 263902037430900, metadata: 'to the inbox' }],
        ['POST', 'me/pass_thread_control', { recipient: { id: 'U' }, target_app_id: 'page_inbox' }],
        ['POST', 'me/take_thread_control', { recipient: { id: 'U' }, metadata: 'back to the bot' }],
        ['POST', 'me/request_thread_control', { recipient: { id: 'U' } }],
        ['GET', 'me/thread_owner', { recipient: 'U' }],
      ]);
      expect(owner).toBe('263902037430900');
    });

    it('reads a user profile with the default fields of each platform, or the fields asked', async () => {
      graph.setUserProfile('PSID_1', { id: 'PSID_1', first_name: 'Ann', last_name: 'Lee', profile_pic: 'https://p/ann.jpg', locale: 'fr_FR' });
      expect(await client.getUserProfile('PSID_1')).toEqual({ id: 'PSID_1', first_name: 'Ann', last_name: 'Lee', profile_pic: 'https://p/ann.jpg' });
      await client.getUserProfile('IGSID_1', { platform: 'instagram' });
      await client.getUserProfile('PSID_1', { fields: ['locale'] });
      expect(graph.calls.map((call) => [call.endpoint, call.query.fields])).toEqual([
        ['PSID_1', 'first_name,last_name,profile_pic'],
        ['IGSID_1', 'name,username,profile_pic'],
        ['PSID_1', 'locale'],
      ]);
    });

    it('sets, reads and deletes the Messenger profile: get started, greeting, persistent menu, ice breakers', async () => {
      await client.setGetStarted('GET_STARTED');
      await client.setGreeting('Hi {{user_first_name}}!');
      await client.setPersistentMenu([{ type: 'postback', title: 'Menu', payload: 'MENU' }]);
      await client.setIceBreakers([{ question: 'Opening hours?', payload: 'HOURS' }]);
      expect(await client.getMessengerProfile(['get_started', 'greeting'])).toEqual({
        get_started: { payload: 'GET_STARTED' },
        greeting: [{ locale: 'default', text: 'Hi {{user_first_name}}!' }],
      });
      await client.deleteMessengerProfile(['get_started']);
      expect(graph.calls.map((call) => [call.method, call.endpoint, call.body ?? call.query])).toEqual([
        ['POST', 'me/messenger_profile', { get_started: { payload: 'GET_STARTED' } }],
        ['POST', 'me/messenger_profile', { greeting: [{ locale: 'default', text: 'Hi {{user_first_name}}!' }] }],
        ['POST', 'me/messenger_profile', { persistent_menu: [{ locale: 'default', call_to_actions: [{ type: 'postback', title: 'Menu', payload: 'MENU' }] }] }],
        ['POST', 'me/messenger_profile', { ice_breakers: [{ locale: 'default', call_to_actions: [{ question: 'Opening hours?', payload: 'HOURS' }] }] }],
        ['GET', 'me/messenger_profile', { fields: 'get_started,greeting' }],
        ['DELETE', 'me/messenger_profile', { fields: ['get_started'] }],
      ]);
      expect(await client.getMessengerProfile(['get_started'])).toEqual({});
    });

    it("addresses an Instagram account's Messenger profile with platform=instagram", async () => {
      await client.setIceBreakers([{ locale: 'default', call_to_actions: [{ question: 'Prices?', payload: 'PRICES' }] }], { platform: 'instagram' });
      await client.deleteMessengerProfile(['ice_breakers'], { platform: 'instagram' });
      expect(graph.calls.map((call) => [call.query, call.body])).toEqual([
        [{ platform: 'instagram' }, { platform: 'instagram', ice_breakers: [{ locale: 'default', call_to_actions: [{ question: 'Prices?', payload: 'PRICES' }] }] }],
        [{ platform: 'instagram' }, { platform: 'instagram', fields: ['ice_breakers'] }],
      ]);
    });
  });

  describe('appsecret_proof', () => {
    it('signs every call with the HMAC-SHA256 of the token keyed with the app secret, which Meta (the fake) accepts', async () => {
      const checking = await createFakeGraphApi({ appSecret: APP_SECRET });
      try {
        const signed = createMessengerClient({ pageAccessToken: TOKEN, graphApiUrl: checking.url, appSecret: APP_SECRET });
        await signed.sendText('U', 'hi');
        await signed.getUserProfile('U');
        await signed.uploadAttachment('file', { data: new Uint8Array([1]), filename: 'a.bin' });
        expect(checking.calls.map((call) => [call.query.appsecret_proof, call.response.status])).toEqual([
          [PROOF, 200],
          [PROOF, 200],
          [PROOF, 200],
        ]);
        const wrong = createMessengerClient({ pageAccessToken: TOKEN, graphApiUrl: checking.url, appSecret: 'another-secret', graphApiRetry: false });
        await expect(wrong.sendText('U', 'hi')).rejects.toMatchObject({ code: 100, status: 400 });
      } finally {
        await checking.close();
      }
    });

    it('sends no proof when no app secret is configured', async () => {
      await client.sendText('U', 'hi');
      expect(graph.calls[0]!.query.appsecret_proof).toBeUndefined();
    });
  });

  describe('retries', () => {
    it('retries 500, 500 then delivers once, the same body each time', async () => {
      graph.failNext(500).failNext(500);
      const result = await client.sendText('U', 'persistent');
      expect(result.message_id).toBeDefined();
      expect(graph.calls.map((call) => call.response.status)).toEqual([500, 500, 200]);
      expect(new Set(graph.calls.map((call) => JSON.stringify(call.body))).size).toBe(1);
      expect(logs.filter((line) => line.startsWith('warn'))).toHaveLength(2);
    });

    it.each([
      ['429 without a code', { status: 429 }],
      ['503', { status: 503, code: 2 }],
      ['1200 temporary send failure', { status: 500, code: 1200 }],
      ['613 rate limit', { status: 400, code: 613 }],
      ['4 app rate limit', { status: 400, code: 4 }],
      ['17 user rate limit', { status: 400, code: 17 }],
      ['32 page rate limit', { status: 400, code: 32 }],
      ['80006 Messenger rate limit', { status: 400, code: 80006 }],
      ['is_transient: true', { status: 400, code: 9999, isTransient: true }],
    ])('retries a transient failure: %s', async (_name, failure) => {
      graph.failNext(failure);
      await client.sendText('U', 'x');
      expect(graph.calls.map((call) => call.response.status)).toEqual([failure.status, 200]);
    });

    it('stops after graphApiRetry.retries and throws the last failure', async () => {
      graph.failNext({ status: 503, code: 2, times: 4 });
      const error = await client.sendText('U', 'x').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(MessengerApiError);
      expect(error).toMatchObject({ status: 503, code: 2, attempts: 4, transient: true, reason: 'response', endpoint: 'POST me/messages' });
      expect(graph.calls).toHaveLength(4);
    });

    it('never retries with graphApiRetry: false', async () => {
      graph.failNext(500);
      await expect(make({ graphApiRetry: false }).sendText('U', 'x')).rejects.toMatchObject({ status: 500, attempts: 1 });
      expect(graph.calls).toHaveLength(1);
    });

    it.each([
      ['100/2018001 no matching user', { status: 400, code: 100, subcode: 2018001, type: 'OAuthException', message: '(#100) No matching user found' }],
      ['10/2018278 outside the messaging window', { status: 400, code: 10, subcode: 2018278, message: 'This message is sent outside of allowed window.' }],
      ['190 invalid token', { status: 401, code: 190, message: 'Invalid OAuth access token.' }],
      ['200 permissions', { status: 403, code: 200, message: 'Permissions error' }],
      ['230 permissions disallow', { status: 403, code: 230 }],
      ['551 person unavailable', { status: 400, code: 551 }],
      ['4/2018354 marketing message frequency', { status: 400, code: 4, subcode: 2018354 }],
      ['400 without an error body', { status: 400, body: 'Bad Request' }],
    ])('raises a permanent failure once, with its fields: %s', async (_name, failure) => {
      graph.failNext({ ...failure, times: 5 });
      const error = (await client.sendText('U', 'x').catch((caught: unknown) => caught)) as MessengerApiError;
      expect(error).toBeInstanceOf(MessengerApiError);
      expect(graph.calls).toHaveLength(1);
      expect(error).toMatchObject({ status: failure.status, attempts: 1, transient: false, reason: 'response' });
      if ('code' in failure) {
        expect(error.code).toBe(failure.code);
        expect(error.subcode).toBe('subcode' in failure ? failure.subcode : undefined);
        expect(error.fbtraceId).toMatch(/^FAKE/);
        expect(error.message).toContain(`code ${failure.code}`);
      }
    });

    it('honours Retry-After: 1 by waiting at least a second', async () => {
      graph.failNext({ status: 429, code: 613, retryAfter: 1 });
      // The default maxDelay (30 s) lets the 1 s wait happen; the backoff alone would wait a few ms.
      const { ms, error } = await timed(make({ graphApiRetry: { minDelay: 1 } }).sendText('U', 'x'));
      expect(error).toBeUndefined();
      const [first, second] = graph.calls;
      expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(1_000);
      expect(ms).toBeGreaterThanOrEqual(1_000);
    });

    it('gives up at once when Retry-After asks for more than maxDelay, and says how long', async () => {
      graph.failNext({ status: 429, retryAfter: 120 });
      const { ms, error } = await timed(client.sendText('U', 'x'));
      expect(error).toMatchObject({ status: 429, retryAfter: 120_000, attempts: 1 });
      expect(ms).toBeLessThan(1_000);
    });

    it('aborts an attempt after graphApiTimeout and retries it', async () => {
      graph.delayNext(2_000);
      const timeoutClient = make({ graphApiTimeout: 100 });
      const { value, error } = await timed(timeoutClient.sendText('U', 'x'));
      expect(error).toBeUndefined();
      expect(value?.message_id).toBeDefined();
      await graph.waitForCalls(2);
    });

    it('throws a timeout as a MessengerApiError with status 0 once retries are spent', async () => {
      graph.delayNext(2_000, 2);
      const error = await make({ graphApiTimeout: 50, graphApiRetry: { retries: 1, minDelay: 1, maxDelay: 5 } })
        .sendText('U', 'x')
        .catch((caught: unknown) => caught);
      expect(error).toMatchObject({ reason: 'timeout', status: 0, attempts: 2, transient: true });
    });

    it('throws a network failure as a MessengerApiError', async () => {
      const offline = make({ graphApiUrl: `http://127.0.0.1:${await closedPort()}`, graphApiRetry: { retries: 2, minDelay: 1, maxDelay: 5 } });
      const error = await offline.sendText('U', 'x').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(MessengerApiError);
      expect(error).toMatchObject({ reason: 'network', status: 0, attempts: 3 });
      expect(String((error as Error).cause)).toContain('ECONNREFUSED');
    });
  });

  describe('order', () => {
    it('sends ten un-awaited messages to one person in call order, one at a time', async () => {
      // The first answers slowly: without per-person order the next ones would overtake it.
      graph.delayNext(150);
      const sends = Array.from({ length: 10 }, (_, i) => client.sendText('ORDERED', `message ${i}`));
      await graph.waitForCalls(10);
      expect(graph.messages.map((body) => (body.message as { text: string }).text)).toEqual(Array.from({ length: 10 }, (_, i) => `message ${i}`));
      expect(graph.calls[1]!.receivedAt - graph.calls[0]!.receivedAt).toBeGreaterThanOrEqual(140);
      await Promise.all(sends);
    });

    it('keeps the order through retries, and a failed send does not stop the next', async () => {
      graph.failNext(500).failNext(500);
      const first = client.sendText('P', 'one');
      const second = client.sendText('P', 'two');
      await first;
      await second;
      expect(graph.calls.map((call) => [(call.body as { message: { text: string } }).message.text, call.response.status])).toEqual([
        ['one', 500],
        ['one', 500],
        ['one', 200],
        ['two', 200],
      ]);
      graph.reset();
      graph.failNext({ status: 400, code: 100, subcode: 2018001 });
      const results = await Promise.allSettled([client.sendText('Q', 'a'), client.sendText('Q', 'b')]);
      expect(results.map((result) => result.status)).toEqual(['rejected', 'fulfilled']);
    });

    it('sends to different people in parallel', async () => {
      graph.delayNext(300, 2);
      await Promise.all([client.sendText('A', 'a'), client.sendText('B', 'b')]);
      const [first, second] = graph.calls;
      // Both arrived before the first answer (300 ms later): neither waited for the other.
      expect(Math.abs(second!.receivedAt - first!.receivedAt)).toBeLessThan(250);
    });

    it('logs a failed call nothing awaited instead of crashing on an unhandled rejection', async () => {
      graph.failNext({ status: 400, code: 100, subcode: 2018001, message: 'No matching user found' });
      void client.sendText('GONE', 'hello?');
      await client.idle();
      await new Promise((resolve) => setImmediate(resolve));
      expect(logs.filter((line) => line.startsWith('error'))).toEqual([expect.stringContaining('POST me/messages failed (HTTP 400, code 100, subcode 2018001')]);
    });

    it('does not log a failure the caller awaited', async () => {
      graph.failNext({ status: 400, code: 100 });
      await expect(client.sendText('U', 'x')).rejects.toBeInstanceOf(MessengerApiError);
      await new Promise((resolve) => setImmediate(resolve));
      expect(logs.filter((line) => line.startsWith('error'))).toEqual([]);
    });
  });

  describe('tokens and pages', () => {
    it('takes the token of the page from a map', async () => {
      const pages = make({ pageAccessToken: { PAGE_A: 'token-a', PAGE_B: 'token-b' } });
      await pages.sendText('U', 'from A', { pageId: 'PAGE_A' });
      await pages.sendText('U', 'from B', { pageId: 'PAGE_B' });
      await pages.sendText('U', 'from A again', { pageId: 'PAGE_A', platform: 'messenger' });
      expect(graph.calls.map((call) => call.accessToken)).toEqual(['token-a', 'token-b', 'token-a']);
      await expect(pages.sendText('U', 'x', { pageId: 'PAGE_C' })).rejects.toThrow('pageAccessToken has no token for page PAGE_C');
      await expect(pages.sendText('U', 'x')).rejects.toThrow('say which Page sends');
      await expect(pages.sendText('U', 'x', { pageId: 'constructor' })).rejects.toBeInstanceOf(MessengerClientError);
      expect(graph.calls).toHaveLength(3);
    });

    it('accepts a Map of page id to token', async () => {
      await make({ pageAccessToken: new Map([['PAGE_A', 'map-token']]) }).sendText('U', 'x', { pageId: 'PAGE_A' });
      expect(graph.calls[0]!.accessToken).toBe('map-token');
    });

    it('asks a function for the token of each page, with the platform', async () => {
      const asked: string[] = [];
      const lookup = make({
        pageAccessToken: async (pageId, platform) => {
          asked.push(`${pageId}/${platform}`);
          return pageId === 'UNKNOWN' ? undefined : `token-of-${pageId}`;
        },
      });
      await lookup.sendText('U', 'x', { pageId: 'P1' });
      await lookup.sendText('U', 'y', { pageId: 'IG_1', platform: 'instagram' });
      expect(graph.calls.map((call) => call.accessToken)).toEqual(['token-of-P1', 'token-of-IG_1']);
      expect(asked).toEqual(['P1/messenger', 'IG_1/instagram']);
      await expect(lookup.sendText('U', 'z', { pageId: 'UNKNOWN' })).rejects.toThrow('pageAccessToken has no token for page UNKNOWN');
    });

    it('answers Instagram through graph.instagram.com with instagramAccessToken, else through the linked Page', async () => {
      const instagram = await createFakeGraphApi();
      try {
        const both = make({ pageAccessToken: { IG_PAGE_LINKED: 'page-token' }, instagramAccessToken: { IG_LOGIN: 'ig-token' }, instagramApiUrl: instagram.url });
        await both.sendText('IGSID', 'via Instagram Login', { pageId: 'IG_LOGIN', platform: 'instagram' });
        await both.sendText('IGSID', 'via the Page', { pageId: 'IG_PAGE_LINKED', platform: 'instagram' });
        expect(instagram.calls.map((call) => [call.endpoint, call.accessToken])).toEqual([['me/messages', 'ig-token']]);
        expect(graph.calls.map((call) => [call.endpoint, call.accessToken])).toEqual([['me/messages', 'page-token']]);
        await expect(both.uploadAttachment('image', { url: 'https://x' }, { pageId: 'IG_LOGIN', platform: 'instagram' })).rejects.toBeInstanceOf(MessengerClientError);
      } finally {
        await instagram.close();
      }
    });

    it('fails loudly at the call when no token is configured', async () => {
      const bare = createMessengerClient({ graphApiUrl: graph.url });
      expect(bare.configured).toBe(false);
      await expect(bare.sendText('U', 'x')).rejects.toThrow(/pageAccessToken is not configured.*graphApiDryRun/);
      expect(graph.calls).toEqual([]);
    });

    it('logs what it would send in dry-run mode, and calls nothing', async () => {
      const dry = createMessengerClient({ graphApiUrl: graph.url, graphApiDryRun: true });
      expect(dry.configured).toBe(true);
      const result = await dry.sendText('U', 'would be sent', { quickReplies: [{ title: 'Ok', payload: 'OK' }] });
      expect(await dry.uploadAttachment('image', { url: 'https://x/y.png' })).toMatch(/^dry-run/);
      expect(result).toEqual({ recipient_id: 'U', message_id: expect.stringMatching(/^m_dry-run/) });
      expect(graph.calls).toEqual([]);
      expect(logs).toContainEqual(expect.stringMatching(/^log \[dry run\] POST me\/messages on messenger .*"text":"would be sent"/));
    });

    it('never lets the token or its proof into an error, its cause, its stack or a log line', async () => {
      const leaky = make({ appSecret: APP_SECRET, graphApiTimeout: 50, graphApiRetry: { retries: 1, minDelay: 1, maxDelay: 5 } });
      const offline = make({ appSecret: APP_SECRET, graphApiUrl: `http://127.0.0.1:${await closedPort()}/${TOKEN}`, graphApiRetry: { retries: 1, minDelay: 1, maxDelay: 5 } });
      graph.failNext({ status: 400, code: 190, message: `Invalid OAuth access token: ${TOKEN} (proof ${PROOF})` });
      graph.failNext({ status: 500, code: 2, times: 2 });
      graph.delayNext(1_000, 2);
      const errors = await Promise.all([
        leaky.sendText('U', 'a').catch((error: unknown) => error),
        leaky.sendText('U', 'b').catch((error: unknown) => error),
        leaky.sendText('U', 'c').catch((error: unknown) => error),
        offline.sendText('U', 'd').catch((error: unknown) => error),
        make({ pageAccessToken: { OTHER: TOKEN } }).sendText('U', 'e', { pageId: 'P' }).catch((error: unknown) => error),
      ]);
      void leaky.sendText('U', 'not awaited');
      graph.failNext({ status: 400, code: 190, message: `bad token ${TOKEN}` });
      await leaky.idle();
      await new Promise((resolve) => setImmediate(resolve));
      expect(errors.map((error) => (error as MessengerApiError).name)).toEqual(['MessengerApiError', 'MessengerApiError', 'MessengerApiError', 'MessengerApiError', 'MessengerClientError']);
      expect((errors[0] as Error).message).toContain('[redacted]');
      const everything = [
        ...errors.flatMap((error) => [JSON.stringify(error), inspect(error, { showHidden: true, depth: null }), (error as Error).stack, String((error as Error).cause)]),
        ...logs,
      ].join('\n');
      expect(everything).not.toContain(TOKEN);
      expect(everything).not.toContain(PROOF);
      expect(logs.length).toBeGreaterThan(0);
    });
  });
});
