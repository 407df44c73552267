import type { Logger } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { GuardFailureLog } from '../../src/dispatch/guard-failure-log.js';
import type { HandlerFailure } from '../../src/dispatch/handler-failure.js';

function failure(message: string): HandlerFailure {
  return { reason: 'error', stage: 'guard', error: new TypeError(message), handler: 'Bot.onMessage', kind: 'message', pageId: 'PAGE_1', eventId: 'event-1', event: {} };
}

describe('GuardFailureLog', () => {
  it('logs the first failure of a message with the fix, then only at the 10th, 100th and 1000th repeat', () => {
    const lines: string[] = [];
    const log = new GuardFailureLog({ error: (message: string) => lines.push(message) } as unknown as Logger);
    for (let index = 0; index < 1_000; index++) log.log(failure("Cannot read properties of undefined (reading 'authorization')"));
    log.log(failure('another error'));
    expect(lines).toHaveLength(5);
    expect(lines[0]).toContain("if (context.getType() !== 'http') return true;");
    expect(lines[0]).toContain('Bot.onMessage');
    expect(lines.slice(1, 4).map((line) => /on (\d+) handler calls/.exec(line)?.[1])).toEqual(['10', '100', '1000']);
    expect(lines[4]).toContain('TypeError: another error');
  });
});
