import { describe, expect, it } from 'vitest';
import { describeConnection } from '../../src/queue/redis-connection.js';
import { RateLimitedLog } from '../../src/queue/rate-limited-log.js';

describe('describeConnection', () => {
  it('never shows a password', () => {
    expect(describeConnection('redis://user:s3cret@redis.internal:6380/2')).toBe('redis://user:***@redis.internal:6380/2');
    expect(describeConnection('rediss://:s3cret@redis.internal')).not.toContain('s3cret');
    expect(describeConnection({ host: 'redis', port: 6380, password: 's3cret', db: 3 })).toBe('redis:6380/3');
    expect(describeConnection({ duplicate: () => null, status: 'ready' })).toBe('the ioredis client given in queue.connection');
  });
});

describe('RateLimitedLog', () => {
  it('says the first problem at once, then stays quiet for the interval and counts what it kept quiet', () => {
    const lines: string[] = [];
    const log = new RateLimitedLog((line) => lines.push(line), 60_000);
    for (let i = 0; i < 5; i++) log.say(`down ${i}`);
    expect(lines).toEqual(['down 0']);
    expect(log.reset()).toBe(4);
    log.say('down again');
    expect(lines).toEqual(['down 0', 'down again']);
  });
});
