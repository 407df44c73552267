import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Injectable } from '@nestjs/common';
import { afterEach, describe, expect, it } from 'vitest';
import type { INestApplication } from '@nestjs/common';
import { InMemoryDedupeStore, MessageEvent, MessengerWebhookModule, OnMessage } from 'nestjs-messenger-webhook';
import { createMessengerTestClient, MessengerEvents, metaStringify, signPayload, webhookBody } from 'nestjs-messenger-webhook/testing';
import { ADAPTERS, APP_SECRET, createTestApp, VERIFY_TOKEN } from '../support/app.js';
import { KeepAliveClient, mapLimit } from './harness.js';

const DELIVERIES = 2_000;
const EVENTS_PER_DELIVERY = 10;
const EVENTS = DELIVERIES * EVENTS_PER_DELIVERY;
const WORKERS = 50;
const WARM_UP_DELIVERIES = 100;
const CONVERSATIONS = 500;
const HEAP_GROWTH_BOUND = 50 * 1024 * 1024;

/** Counts, per event number, how often its message reached the handler; a typed array keeps the tally itself small. */
@Injectable()
class CountingBot {
  readonly counts = new Uint16Array(EVENTS);
  warmUp = 0;

  /** Tallies `load-<n>` mids; warm-up mids only count as warm-up. */
  @OnMessage()
  count(event: MessageEvent): void {
    const mid = event.message.mid;
    if (mid.startsWith('load-')) this.counts[Number(mid.slice('load-'.length))]!++;
    else this.warmUp++;
  }
}

/**
 * A full garbage collection: `global.gc` when the worker runs with `--expose-gc`, else one obtained by turning the
 * flag on at run time (a fresh context then exposes `gc`), so no vitest setting is needed.
 */
function garbageCollector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === 'function') return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** Collects until the heap stops shrinking, with event-loop turns between so finalisers and pending I/O settle. */
async function settledHeapUsed(gc: () => void): Promise<number> {
  let previous = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 5; round++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    const used = process.memoryUsage().heapUsed;
    if (used >= previous) return used;
    previous = used;
  }
  return previous;
}

/** Delivery `index` of a run: `EVENTS_PER_DELIVERY` messages with distinct mids, spread over many conversations. */
function deliveryBody(prefix: string, index: number): string {
  const messaging = Array.from({ length: EVENTS_PER_DELIVERY }, (_, offset) => {
    const n = index * EVENTS_PER_DELIVERY + offset;
    return MessengerEvents.text(`message ${n}`, { sender: `user-${n % CONVERSATIONS}`, mid: `${prefix}${n}` });
  });
  return metaStringify(webhookBody(messaging));
}

/**
 * Sends deliveries `0..count-1` from `WORKERS` concurrent workers, one keep-alive connection each, signed as the kit
 * signs; returns the statuses. The kit's `send()` would let fetch pick the connections: their number is measured here.
 */
function send(client: KeepAliveClient, url: string, prefix: string, count: number): Promise<number[]> {
  return mapLimit(Array.from({ length: count }, (_, index) => index), WORKERS, (index) => {
    const body = deliveryBody(prefix, index);
    return client.post(url, { 'content-type': 'application/json', 'x-hub-signature-256': signPayload(body, APP_SECRET) }, body);
  });
}

describe.each(ADAPTERS)('load on %s', (adapter) => {
  let app: INestApplication | undefined;
  const client = new KeepAliveClient(WORKERS);
  afterEach(async () => {
    client.close();
    await app?.close();
    app = undefined;
  });

  it(`handles ${EVENTS} events from ${WORKERS} concurrent connections exactly once, with bounded heap growth`, { timeout: 120_000 }, async () => {
    const store = new InMemoryDedupeStore();
    app = await createTestApp(adapter, {
      imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, dedupe: { store } })],
      providers: [CountingBot],
    });
    const bot = app.get(CountingBot);
    const sockets = new Set<unknown>();
    app.getHttpServer().on('connection', (socket: unknown) => sockets.add(socket));
    const url = await createMessengerTestClient(app).webhookUrl();
    const gc = garbageCollector();

    // The warm-up opens the connections and compiles the hot paths, so "before" is the steady state.
    expect(new Set(await send(client, url, 'warm-', WARM_UP_DELIVERIES))).toEqual(new Set([200]));
    expect(bot.warmUp).toBe(WARM_UP_DELIVERIES * EVENTS_PER_DELIVERY);
    const before = await settledHeapUsed(gc);

    const started = performance.now();
    const statuses = await send(client, url, 'load-', DELIVERIES);
    const seconds = (performance.now() - started) / 1000;
    const after = await settledHeapUsed(gc);

    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    const wrong = [...bot.counts.entries()].filter(([, count]) => count !== 1).map(([n, count]) => `load-${n} x${count}`);
    expect(wrong.slice(0, 20), `${wrong.length} of ${EVENTS} events not handled exactly once`).toEqual([]);
    expect(sockets.size, 'connections opened').toBe(WORKERS);
    // Every key stays until its hour is up (well under the 50 000-key bound): the store is part of what was measured.
    expect(store.size).toBe(EVENTS + WARM_UP_DELIVERIES * EVENTS_PER_DELIVERY);
    const growth = after - before;
    console.info(
      `load on ${adapter}: ${EVENTS} events in ${seconds.toFixed(1)} s (${Math.round(EVENTS / seconds)} events/s) over ${sockets.size} connections; ` +
        `heapUsed ${(before / 2 ** 20).toFixed(1)} MB -> ${(after / 2 ** 20).toFixed(1)} MB (${(growth / 2 ** 20).toFixed(1)} MB, dedupe store ${store.size} keys)`,
    );
    expect(growth).toBeLessThan(HEAP_GROWTH_BOUND);
  });
});
