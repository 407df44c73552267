import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFakeGraphApi, type FakeGraphApi } from '../../src/testing/index.js';

describe('createFakeGraphApi', () => {
  let graph: FakeGraphApi;
  const post = (path: string, body: unknown, token = 'T') =>
    fetch(`${graph.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

  beforeAll(async () => {
    graph = await createFakeGraphApi();
  });
  afterAll(() => graph.close());
  beforeEach(() => graph.reset());

  it('records every call and answers like Meta', async () => {
    const response = await post('/v25.0/me/messages?x=1', { recipient: { id: 'U' }, message: { text: 'hi' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ recipient_id: 'U', message_id: expect.stringMatching(/^m_fake/) });
    await fetch(`${graph.url}/v25.0/PSID?fields=first_name&access_token=Q`);
    expect(graph.calls.map(({ method, path, version, endpoint, query, accessToken }) => ({ method, path, version, endpoint, query, accessToken }))).toEqual([
      { method: 'POST', path: '/v25.0/me/messages', version: 'v25.0', endpoint: 'me/messages', query: { x: '1' }, accessToken: 'T' },
      { method: 'GET', path: '/v25.0/PSID', version: 'v25.0', endpoint: 'PSID', query: { fields: 'first_name', access_token: 'Q' }, accessToken: 'Q' },
    ]);
    expect(graph.calls[1]!.response.body).toEqual({ id: 'PSID', first_name: 'Test' });
    expect(graph.messages).toEqual([{ recipient: { id: 'U' }, message: { text: 'hi' } }]);
  });

  it('reads multipart bodies: text fields (JSON parsed) and files', async () => {
    const form = new FormData();
    form.set('message', JSON.stringify({ attachment: { type: 'file', payload: { is_reusable: true } } }));
    form.set('filedata', new Blob([new Uint8Array([1, 2, 3])], { type: 'application/pdf' }), 'a.pdf');
    const response = await fetch(`${graph.url}/v25.0/me/message_attachments`, { method: 'POST', headers: { authorization: 'Bearer T' }, body: form });
    expect(await response.json()).toEqual({ attachment_id: expect.any(String) });
    const [call] = graph.calls;
    expect(call!.body).toEqual({ message: { attachment: { type: 'file', payload: { is_reusable: true } } } });
    expect(call!.files.map((file) => ({ ...file, data: [...file.data] }))).toEqual([{ field: 'filedata', filename: 'a.pdf', contentType: 'application/pdf', data: [1, 2, 3] }]);
  });

  it('fails the next calls as told, in order, with Meta\'s error body and Retry-After', async () => {
    graph.failNext(500).failNext({ status: 429, code: 613, subcode: 7, retryAfter: 2, message: 'slow down', times: 2 });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const response = await post('/v25.0/me/messages', {});
      statuses.push(response.status);
      if (i === 1) {
        expect(response.headers.get('retry-after')).toBe('2');
        expect(await response.json()).toEqual({ error: { message: 'slow down', type: 'OAuthException', code: 613, error_subcode: 7, fbtrace_id: expect.any(String) } });
      }
    }
    expect(statuses).toEqual([500, 429, 429, 200]);
  });

  it('refuses calls without a token, with an unknown token, or with a wrong appsecret_proof when told to check', async () => {
    const strict = await createFakeGraphApi({ appSecret: 'S', accessTokens: ['GOOD'] });
    try {
      const proof = createHmac('sha256', 'S').update('GOOD').digest('hex');
      const call = (headers: Record<string, string>, query = '') => fetch(`${strict.url}/v25.0/me/messages${query}`, { method: 'POST', headers, body: '{}' });
      expect((await call({})).status).toBe(400);
      expect((await call({ authorization: 'Bearer BAD' }, `?appsecret_proof=${proof}`)).status).toBe(400);
      expect((await call({ authorization: 'Bearer GOOD' }, '?appsecret_proof=abc')).status).toBe(400);
      expect((await call({ authorization: 'Bearer GOOD' }, `?appsecret_proof=${proof}`)).status).toBe(200);
      expect(strict.calls.map((c) => (c.response.body as { error?: { code: number } }).error?.code)).toEqual([190, 190, 100, undefined]);
    } finally {
      await strict.close();
    }
  });

  it('waits for a number of calls, and says what came when they do not', async () => {
    const waiting = graph.waitForCalls(2);
    void post('/v25.0/me/messages', {});
    void post('/v25.0/me/messages', {});
    expect(await waiting).toHaveLength(2);
    await expect(graph.waitForCalls(3, { timeout: 50 })).rejects.toThrow('expected 3 calls within 50 ms, got 2: POST me/messages, POST me/messages');
  });

  it('holds answers with delayNext, recording the call on arrival', async () => {
    graph.delayNext(200);
    const started = Date.now();
    const slow = post('/v25.0/me/messages', {});
    await graph.waitForCalls(1);
    expect(graph.calls[0]!.response.status).toBe(0);
    expect((await slow).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(graph.calls[0]!.response.status).toBe(200);
  });
});
