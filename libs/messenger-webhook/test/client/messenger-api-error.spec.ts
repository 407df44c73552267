import { describe, expect, it } from 'vitest';
import { MessengerApiError, type MessengerApiErrorDetails } from '../../src/client/messenger-api-error.js';

const details: MessengerApiErrorDetails = {
  endpoint: 'POST me/messages',
  reason: 'response',
  status: 400,
  message: '(#100) No matching user found',
  code: 100,
  subcode: 2018001,
  type: 'OAuthException',
  fbtraceId: 'AbC123',
  transient: false,
  attempts: 1,
  retryAfter: 2000,
};

describe('MessengerApiError', () => {
  it('carries every field of its details, and a message built from them', () => {
    const error = new MessengerApiError(details);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('MessengerApiError');
    expect({ ...error }).toEqual({
      endpoint: 'POST me/messages',
      reason: 'response',
      status: 400,
      code: 100,
      subcode: 2018001,
      type: 'OAuthException',
      fbtraceId: 'AbC123',
      transient: false,
      attempts: 1,
      retryAfter: 2000,
      name: 'MessengerApiError',
    });
    expect(error.message).toBe('POST me/messages failed (HTTP 400, code 100, subcode 2018001, fbtrace_id AbC123): (#100) No matching user found');
  });

  it('keeps the network layer\'s words as a string cause, and nothing else a caller\'s object holds', () => {
    const withExtra = { ...details, reason: 'network' as const, status: 0, cause: 'ECONNRESET', request: { headers: { authorization: 'Bearer SECRET' } } };
    const error = new MessengerApiError(withExtra);
    expect(error.cause).toBe('ECONNRESET');
    expect(error.message).toMatch(/^POST me\/messages failed \(network, code 100/);
    expect(JSON.stringify(error)).not.toContain('SECRET');
    expect('request' in error).toBe(false);
  });
});
