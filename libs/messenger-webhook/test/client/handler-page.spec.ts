import { describe, expect, it } from 'vitest';
import { runAsHandlerOf, withHandlerPage } from '../../src/client/handler-page.js';

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
