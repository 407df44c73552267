import { describe, expect, it } from 'vitest';
import { answerHandshake, constantTimeEquals } from '../../src/http/handshake.js';

const TOKEN = 'verify-me';

function query(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { 'hub.mode': 'subscribe', 'hub.verify_token': TOKEN, 'hub.challenge': '1158201444', ...overrides };
}

describe('answerHandshake', () => {
  it('returns the challenge, exactly, when the token matches', () => {
    expect(answerHandshake(query(), TOKEN)).toBe('1158201444');
    expect(answerHandshake(query({ 'hub.challenge': 'any text' }), TOKEN)).toBe('any text');
  });

  it('refuses a wrong token, including one that differs only in length or case', () => {
    expect(answerHandshake(query({ 'hub.verify_token': 'wrong' }), TOKEN)).toBeNull();
    expect(answerHandshake(query({ 'hub.verify_token': `${TOKEN}x` }), TOKEN)).toBeNull();
    expect(answerHandshake(query({ 'hub.verify_token': TOKEN.toUpperCase() }), TOKEN)).toBeNull();
    expect(answerHandshake(query({ 'hub.verify_token': '' }), TOKEN)).toBeNull();
  });

  it('refuses any mode but subscribe', () => {
    expect(answerHandshake(query({ 'hub.mode': 'unsubscribe' }), TOKEN)).toBeNull();
    expect(answerHandshake(query({ 'hub.mode': undefined }), TOKEN)).toBeNull();
  });

  it('refuses a missing challenge or token', () => {
    expect(answerHandshake(query({ 'hub.challenge': undefined }), TOKEN)).toBeNull();
    expect(answerHandshake(query({ 'hub.verify_token': undefined }), TOKEN)).toBeNull();
    expect(answerHandshake({}, TOKEN)).toBeNull();
  });

  it('refuses repeated parameters, which query parsers turn into arrays', () => {
    expect(answerHandshake(query({ 'hub.verify_token': [TOKEN, TOKEN] }), TOKEN)).toBeNull();
    expect(answerHandshake(query({ 'hub.challenge': ['a', 'b'] }), TOKEN)).toBeNull();
    expect(answerHandshake(query({ 'hub.mode': ['subscribe'] }), TOKEN)).toBeNull();
  });
});

describe('constantTimeEquals', () => {
  it('compares strings by their UTF-8 bytes', () => {
    expect(constantTimeEquals('café', 'café')).toBe(true);
    expect(constantTimeEquals('café', 'cafe')).toBe(false);
    expect(constantTimeEquals('a', 'ab')).toBe(false);
    expect(constantTimeEquals('', '')).toBe(true);
  });
});
