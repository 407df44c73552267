import { isJsonObject } from '../delivery/json.js';
import { decodeEntry } from './queued-entry.js';
import type { DeadLetterRecord, MailboxStore } from './mailbox-store.js';
import type { DrainJobs } from './drain-jobs.js';
import type { DeadLetter } from './dead-letter.js';

/** Reads a stored record into a {@link DeadLetter}. */
export function toDeadLetter(record: DeadLetterRecord): DeadLetter {
  const base = { eventId: record.eventId, conversation: record.conversation, error: record.error, attempts: record.attempts, failedAt: new Date(record.failedAt), blocking: record.blocking };
  try {
    const { enqueuedAt, prepared } = decodeEntry(record.entry);
    return { ...base, kind: prepared.meta.kind, pageId: prepared.meta.pageId, enqueuedAt: new Date(enqueuedAt), raw: isJsonObject(prepared.raw) ? prepared.raw : { unreadable: prepared.raw } };
  } catch {
    return { ...base, kind: 'unknown', pageId: '', enqueuedAt: new Date(0), raw: { unreadable: record.entry.slice(0, 200) } };
  }
}

/** Dead letters over a store and a drain scheduler: shared by the injectable service and the CLI. */
export class DeadLetterBox {
  constructor(
    private readonly mailboxes: MailboxStore,
    private readonly drains: DrainJobs,
  ) {}

  /** Dead letters, newest first. */
  async list(options: { offset?: number; limit?: number } = {}): Promise<DeadLetter[]> {
    return (await this.mailboxes.listDeadLetters(options.offset ?? 0, options.limit ?? 50)).map(toDeadLetter);
  }

  /** One dead letter, or `null`. */
  async get(eventId: string): Promise<DeadLetter | null> {
    const record = await this.mailboxes.getDeadLetter(eventId);
    return record && toDeadLetter(record);
  }

  /** How many dead letters there are. */
  count(): Promise<number> {
    return this.mailboxes.countDeadLetters();
  }

  /** Puts the event back at the head of its conversation (behind the one being handled, if any) with fresh attempts; `false` when there is no such dead letter. */
  async replay(eventId: string): Promise<boolean> {
    const job = this.drains.newId();
    const result = await this.mailboxes.replay(eventId, job);
    if (result?.drain) await this.drains.addOne(job, [result.conversation]);
    return result !== null;
  }

  /** Deletes the dead letter (its conversation goes on if it was blocked); `false` when there is no such dead letter. */
  async drop(eventId: string): Promise<boolean> {
    const job = this.drains.newId();
    const result = await this.mailboxes.drop(eventId, job);
    if (result?.drain) await this.drains.addOne(job, [result.conversation]);
    return result !== null;
  }
}

