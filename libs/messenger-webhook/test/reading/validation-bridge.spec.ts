import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { EchoEvent, ImageAttachment, MessageEvent, MessageEditEvent, SendCartEvent, UnknownAttachment } from '../../src/events/index.js';
import { readInstance } from '../../src/reading/class-reader.js';
import { invalidRawEvents, rawEvents } from '../fixtures/raw-events.js';

// The event classes also describe themselves to class-validator and class-transformer, through their public
// decorators, so a user's own plainToInstance / validate (a global ValidationPipe on an @Event() parameter) agrees.
describe('class-validator and class-transformer on the event classes', () => {
  it('plainToInstance builds the same instances as the library, coercions included', () => {
    for (const raw of rawEvents.message) {
      const ours = readInstance(MessageEvent, raw).value;
      const theirs = plainToInstance(MessageEvent, raw);
      expect(theirs).toBeInstanceOf(MessageEvent);
      expect(theirs.message.attachments?.map((attachment) => attachment.constructor)).toEqual(ours.message.attachments?.map((attachment) => attachment.constructor));
      expect(theirs.sender.id).toBe(ours.sender.id);
    }
    const edit = plainToInstance(MessageEditEvent, rawEvents.message_edit[1]);
    expect(edit.message_edit.num_edit).toBe(3);
    expect(edit.sender.id).toBe('2400000000000002');
  });

  it('validateSync finds no error on every valid fixture and the same problems as the library on invalid ones', () => {
    for (const raw of rawEvents.message) expect(validateSync(readInstance(MessageEvent, raw).value)).toEqual([]);
    for (const raw of rawEvents.send_cart) expect(validateSync(readInstance(SendCartEvent, raw).value)).toEqual([]);
    for (const raw of rawEvents.echo) expect(validateSync(readInstance(EchoEvent, raw).value)).toEqual([]);
    const [badMid] = invalidRawEvents.message!;
    const errors = validateSync(plainToInstance(MessageEvent, badMid));
    expect(errors.map((error) => error.property)).toEqual(['message']);
    expect(Object.values(errors[0]?.constraints ?? {})).toEqual(['message.mid must be a string or a number (an id)']);
  });

  it('an unknown attachment type stays an UnknownAttachment through plainToInstance', () => {
    const event = plainToInstance(MessageEvent, { sender: { id: '1' }, message: { mid: 'm', attachments: [{ type: 'image', payload: { url: 'u' } }, { type: 'new' }] } });
    expect(event.message.attachments?.map((attachment) => attachment.constructor)).toEqual([ImageAttachment, UnknownAttachment]);
    expect(validateSync(event)).toEqual([]);
  });
});
