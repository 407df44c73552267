import { performance } from 'node:perf_hooks';
import { Injectable, type INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { afterEach, describe, expect, it } from 'vitest';
import { MessengerWebhookModule, OnMessage, type MessageEvent } from 'nestjs-messenger-webhook';
import { createMessengerTestClient, MessengerEvents } from 'nestjs-messenger-webhook/testing';
import { ADAPTERS, APP_SECRET, createTestApp, VERIFY_TOKEN } from '../support/app.js';
import { LogCapture } from '../support/log-capture.js';

const logs = new LogCapture();

@Injectable()
class Bot {
  readonly mids: string[] = [];

  @OnMessage()
  onMessage(event: MessageEvent): void {
    this.mids.push(event.message.mid);
  }
}

describe.each(ADAPTERS)('a signed delivery full of malformed items, on %s', (adapter) => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
    logs.clear();
  });

  it('logs one line for the 100,000 unreadable items of one delivery, with the count and the first paths, and handles the valid event', async () => {
    app = await createTestApp(adapter, { imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET })], providers: [Bot] }, { logger: logs });
    // As the README tells Express users to: the body is about 1 MB, over Express's 100 kB default.
    if (adapter === 'express') (app as NestExpressApplication).useBodyParser('json', { limit: '2mb' });
    // Distinct values: identical unreadable items would be dropped as redeliveries of one another.
    const junk = Array.from({ length: 100_000 }, (_, index) => (index % 2 === 0 ? index : `junk ${index}`));
    // A malformed body no builder makes, written by hand: the first entry's `messaging` is not a list at all.
    const body = {
      object: 'page',
      entry: [
        { id: 'PAGE_1', time: Date.now(), messaging: 'not a list' },
        { id: 'PAGE_1', time: Date.now(), messaging: [...junk, MessengerEvents.text('still here', { mid: 'm_valid' })] },
      ],
    };
    const started = performance.now();
    const response = await createMessengerTestClient(app).send(body);
    const ms = performance.now() - started;
    expect(response.status).toBe(200);
    expect(app.get(Bot).mids).toEqual(['m_valid']);
    const skipped = logs.at('warn').filter((line) => line.message.includes('entry['));
    expect(skipped).toHaveLength(1);
    expect(skipped[0]!.message).toContain('100001 events of a delivery could not be read');
    expect(skipped[0]!.message).toContain('entry[0].messaging must be an array');
    expect(skipped[0]!.message).toContain('entry[1].messaging[0] (unknown): is not an object');
    expect(skipped[0]!.message).toContain('entry[1].messaging[1] (unknown): is not an object');
    expect(skipped[0]!.message).toMatch(/and 99998 more$/);
    expect(ms, 'one delivery of 100,000 bad items').toBeLessThan(10_000);
  });
});
