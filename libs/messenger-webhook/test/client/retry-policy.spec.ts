import { describe, expect, it } from 'vitest';
import { backoffDelay, isTransient, retryAfterOf } from '../../src/client/retry-policy.js';

describe('isTransient', () => {
  it.each([
    [{ status: 500 }, true],
    [{ status: 503 }, true],
    [{ status: 429 }, true],
    [{ status: 400, code: 1200 }, true],
    [{ status: 400, code: 613 }, true],
    [{ status: 400, code: 4 }, true],
    [{ status: 400, code: 17 }, true],
    [{ status: 400, code: 32 }, true],
    [{ status: 400, code: 341 }, true],
    [{ status: 400, code: 80006 }, true],
    [{ status: 500, code: 2 }, true],
    [{ status: 500, code: 1 }, true],
    [{ status: 400, code: 1, subcode: 99 }, false],
    [{ status: 400, code: 77, isTransient: true }, true],
    [{ status: 400, code: 100, subcode: 2018001 }, false],
    [{ status: 400, code: 10, subcode: 2018278 }, false],
    [{ status: 401, code: 190 }, false],
    [{ status: 500, code: 190 }, false],
    [{ status: 403, code: 200 }, false],
    [{ status: 403, code: 299 }, false],
    [{ status: 400, code: 551 }, false],
    [{ status: 400, code: 368 }, false],
    [{ status: 400, code: 4, subcode: 2018354 }, false],
    [{ status: 400 }, false],
    [{ status: 404 }, false],
  ])('%j -> %s', (facts, expected) => {
    expect(isTransient(facts)).toBe(expected);
  });
});

describe('backoffDelay', () => {
  it('doubles from minDelay with jitter between half and all of the step, capped at maxDelay', () => {
    expect([1, 2, 3, 4].map((retry) => backoffDelay(retry, 500, 30_000, () => 0))).toEqual([250, 500, 1_000, 2_000]);
    expect([1, 2, 3, 4].map((retry) => backoffDelay(retry, 500, 30_000, () => 1))).toEqual([500, 1_000, 2_000, 4_000]);
    expect(backoffDelay(20, 500, 30_000, () => 1)).toBe(30_000);
    for (let i = 0; i < 100; i++) {
      const delay = backoffDelay(3, 100, 10_000);
      expect(delay).toBeGreaterThanOrEqual(200);
      expect(delay).toBeLessThanOrEqual(400);
    }
  });
});

describe('retryAfterOf', () => {
  it('reads Retry-After in seconds or as an HTTP date', () => {
    expect(retryAfterOf(new Headers({ 'retry-after': '1' }))).toBe(1_000);
    expect(retryAfterOf(new Headers({ 'retry-after': '2.5' }))).toBe(2_500);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterOf(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }), now)).toBe(30_000);
    expect(retryAfterOf(new Headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(retryAfterOf(new Headers())).toBeUndefined();
  });

  it("falls back on Meta's estimated_time_to_regain_access (minutes) of X-Business-Use-Case-Usage", () => {
    const usage = { '1234': [{ type: 'messenger', call_count: 100, estimated_time_to_regain_access: 2 }], '5678': [{ estimated_time_to_regain_access: 0 }] };
    expect(retryAfterOf(new Headers({ 'x-business-use-case-usage': JSON.stringify(usage) }))).toBe(120_000);
    expect(retryAfterOf(new Headers({ 'x-business-use-case-usage': '{not json' }))).toBeUndefined();
    expect(retryAfterOf(new Headers({ 'x-business-use-case-usage': '{"1":[{"estimated_time_to_regain_access":0}]}' }))).toBeUndefined();
  });
});
