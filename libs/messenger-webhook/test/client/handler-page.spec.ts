import { describe, expect, it } from 'vitest';
import { resolveClientOptions } from '../../src/client/client-options.js';
import { needsHandlerPage, queuePage, runAsHandlerOf, withHandlerPage } from '../../src/client/handler-page.js';

describe('withHandlerPage', () => {
  const page = { pageId: 'PAGE_1', platform: 'instagram' as const };

  it('leaves a call alone outside a handler', () => {
    expect(withHandlerPage({})).toEqual({});
  });

  it('gives a call that names no page the event\'s page and platform, even after an await', async () => {
    const ref = await runAsHandlerOf(page, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return withHandlerPage({});
    });
    expect(ref).toEqual(page);
  });

  it('keeps the page a call names', () => {
    expect(runAsHandlerOf(page, () => withHandlerPage({ pageId: 'OTHER', platform: 'messenger' }))).toEqual({ pageId: 'OTHER', platform: 'messenger' });
  });

  it('does not lend the event\'s page to a call for the other platform', () => {
    expect(runAsHandlerOf(page, () => withHandlerPage({ platform: 'messenger' }))).toEqual({ platform: 'messenger' });
    expect(runAsHandlerOf(page, () => withHandlerPage({ platform: 'instagram' }))).toEqual(page);
  });
});

describe('needsHandlerPage and queuePage', () => {
  const config = (pageAccessToken?: unknown, extra: Record<string, unknown> = {}) =>
    resolveClientOptions({ pageAccessToken: pageAccessToken as string | undefined, ...extra }, undefined);

  it('never scopes handlers of an app that cannot send', () => {
    expect(needsHandlerPage(config(), 'messenger')).toBe(false);
    expect(needsHandlerPage(config(), 'instagram')).toBe(false);
  });

  it('scopes only Instagram events with a single Messenger page token, and every event with a map or function', () => {
    expect([needsHandlerPage(config('t'), 'messenger'), needsHandlerPage(config('t'), 'instagram')]).toEqual([false, true]);
    expect([needsHandlerPage(config({ P: 't' }), 'messenger'), needsHandlerPage(config({ P: 't' }), 'instagram')]).toEqual([true, true]);
    expect(needsHandlerPage(config(() => 't'), 'messenger')).toBe(true);
    expect(needsHandlerPage(config(undefined, { instagramAccessToken: 'ig' }), 'instagram')).toBe(true);
    expect(needsHandlerPage(config(undefined, { graphApiDryRun: true }), 'messenger')).toBe(true);
  });

  it('never scopes handlers with eventPageDefault: false', () => {
    expect(needsHandlerPage(config({ P: 't' }, { eventPageDefault: false }), 'messenger')).toBe(false);
    expect(needsHandlerPage(config('t', { eventPageDefault: false }), 'instagram')).toBe(false);
  });

  it('queues a page-less Messenger call with ctx.reply\'s when there is one page token, apart per page otherwise', () => {
    expect(queuePage(config('t'), {})).toBe(queuePage(config('t'), { pageId: 'PAGE_1', platform: 'messenger' }));
    expect(queuePage(config({ A: 't', B: 'u' }), { pageId: 'A' })).not.toBe(queuePage(config({ A: 't', B: 'u' }), { pageId: 'B' }));
    expect(queuePage(config('t'), { pageId: 'IG', platform: 'instagram' })).toBe('instagram|IG');
  });
});
