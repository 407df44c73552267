import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { DeadLetterBox } from './dead-letter-box.js';
import type { DeadLetter } from './dead-letter.js';
import { MessengerQueue } from './messenger-queue.js';

export type { DeadLetter } from './dead-letter.js';

/**
 * The dead letters of queue mode: events whose handlers kept failing after every attempt. List and inspect them,
 * replay one once its handler is fixed (it goes back to the head of its conversation), or drop it.
 */
@Injectable()
export class MessengerDeadLetters {
  // Resolved at call time through ModuleRef so this class's typings never name bullmq or ioredis types.
  constructor(private readonly moduleRef: ModuleRef) {}

  /** Dead letters, newest first (`limit` default 50). */
  list(options?: { offset?: number; limit?: number }): Promise<DeadLetter[]> {
    return this.box().list(options);
  }

  /** One dead letter by event id, or `null`. */
  get(eventId: string): Promise<DeadLetter | null> {
    return this.box().get(eventId);
  }

  /** How many dead letters there are. */
  count(): Promise<number> {
    return this.box().count();
  }

  /** Runs the event again, before anything waiting in its conversation (after the event being handled, if any); resolves `false` when there is no such dead letter. */
  replay(eventId: string): Promise<boolean> {
    return this.box().replay(eventId);
  }

  /** Deletes the dead letter (unblocking its conversation if it held it); resolves `false` when there is no such dead letter. */
  drop(eventId: string): Promise<boolean> {
    return this.box().drop(eventId);
  }

  private box(): DeadLetterBox {
    const { mailboxes, drains } = this.moduleRef.get(MessengerQueue).running;
    return new DeadLetterBox(mailboxes, drains);
  }
}
