import { describe, expect, it } from 'vitest';
import { DEFAULT_GRAPH_API_VERSION, resolveClientOptions } from '../../src/client/client-options.js';
import { resolveOptions } from '../../src/messenger-webhook.options.js';

describe('client options', () => {
  it('defaults to Meta\'s hosts, a current version, a 15 s timeout and 3 retries from 500 ms up to 30 s', () => {
    expect(resolveClientOptions({}, undefined)).toEqual({
      pageTokens: null,
      instagramTokens: null,
      graphApiUrl: 'https://graph.facebook.com',
      instagramApiUrl: 'https://graph.instagram.com',
      version: DEFAULT_GRAPH_API_VERSION,
      timeout: 15_000,
      retry: { retries: 3, minDelay: 500, maxDelay: 30_000 },
      dryRun: false,
      eventPageDefault: true,
      appSecret: undefined,
    });
    expect(DEFAULT_GRAPH_API_VERSION).toMatch(/^v\d+\.0$/);
  });

  it('is part of the module options, with the first appSecret for appsecret_proof', () => {
    const config = resolveOptions({ verifyToken: 'v', appSecret: ['current', 'previous'], pageAccessToken: 'token', graphApiUrl: 'http://127.0.0.1:9/' });
    expect(config.client).toMatchObject({ pageTokens: 'token', appSecret: 'current', graphApiUrl: 'http://127.0.0.1:9' });
    expect(resolveClientOptions({ graphApiRetry: false }, undefined).retry.retries).toBe(0);
  });

  it.each([
    [{ pageAccessToken: '' }, 'pageAccessToken must be a non-empty string, a map of page id to non-empty token, or a function of the page id'],
    [{ pageAccessToken: { P1: '' } }, 'pageAccessToken must be'],
    [{ pageAccessToken: 42 }, 'pageAccessToken must be'],
    [{ instagramAccessToken: ['x'] }, 'instagramAccessToken must be'],
    [{ graphApiUrl: 'graph.facebook.com' }, 'graphApiUrl must be an absolute http(s) URL'],
    [{ instagramApiUrl: 'ftp://x' }, 'instagramApiUrl must be an absolute http(s) URL'],
    [{ graphApiVersion: '25' }, "graphApiVersion must look like 'v25.0'"],
    [{ graphApiTimeout: 0 }, 'graphApiTimeout must be a positive number'],
    [{ graphApiRetry: { retries: -1 } }, 'graphApiRetry.retries must be a number >= 0'],
    [{ graphApiRetry: { minDelay: 100, maxDelay: 10 } }, 'graphApiRetry.maxDelay must be >= graphApiRetry.minDelay'],
    [{ graphApiRetry: 'often' }, 'graphApiRetry must be false or'],
    [{ graphApiDryRun: 'yes' }, 'graphApiDryRun must be a boolean'],
    [{ eventPageDefault: 1 }, 'eventPageDefault must be a boolean'],
  ])('fails fast on %j, naming the option', (options, message) => {
    expect(() => resolveOptions({ verifyToken: 'v', appSecret: 's', ...(options as object) })).toThrow(`MessengerWebhookModule: ${message}`);
  });

  it('never echoes a token in its errors', () => {
    const secret = 'EAAG-very-secret-token';
    try {
      resolveClientOptions({ pageAccessToken: { P1: secret, P2: '' } }, undefined);
      expect.unreachable();
    } catch (error) {
      expect(String(error)).not.toContain(secret);
    }
  });
});
