import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createMessengerClient } from '../../src/client/messenger-client.js';
import { createFakeGraphApi, type FakeGraphApi } from '../../src/testing/fake-graph-api.js';

// Records when the HTTP code of the client is first evaluated; it must not be before the first call.
const loaded = vi.hoisted(() => ({ transport: 0 }));
vi.mock('../../src/client/graph-transport.js', async (importOriginal) => {
  loaded.transport++;
  return importOriginal();
});

describe('MessengerClient loading', () => {
  let graph: FakeGraphApi;
  beforeAll(async () => {
    graph = await createFakeGraphApi();
  });
  afterAll(() => graph.close());

  it('loads its HTTP code on the first call, not when constructed', async () => {
    const client = createMessengerClient({ pageAccessToken: 'token', graphApiUrl: graph.url });
    await client.idle();
    expect(loaded.transport).toBe(0);
    await client.sendText('U', 'hi');
    expect(loaded.transport).toBe(1);
    expect(graph.calls).toHaveLength(1);
  });
});
