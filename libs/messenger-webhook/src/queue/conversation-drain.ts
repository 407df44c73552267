import type { Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { Observable, Subscription } from 'rxjs';
import type { EventRunner } from '../dispatch/event-runner.js';
import type { HandlerFailure } from '../dispatch/handler-failure.js';
import { InvalidEventTally } from '../dispatch/invalid-event-reporter.js';
import type { DrainJobData, DrainJobs } from './drain-jobs.js';
import type { MailboxStore } from './mailbox-store.js';
import { backoffDelay, type ResolvedQueueOptions } from './queue-options.js';
import { decodeEntry, entryId } from './queued-entry.js';
import type { TakeReply } from './queue-scripts.js';

/** What the drain needs from BullMQ at run time (passed in, since bullmq is loaded lazily). */
export interface DrainRuntime {
  /** BullMQ's `DelayedError`: thrown after `job.moveToDelayed` so the job waits for its backoff instead of failing. */
  readonly DelayedError: new (message?: string) => Error;
}

/**
 * The processor of a conversation's drain job: takes the mailbox head, runs it through the shared {@link EventRunner},
 * and only then pops it, one event at a time, so a retry or a crash leaves the event at the head and order holds.
 * A failed event is retried with backoff (the job waits delayed); once its attempts are used up it goes to the dead
 * letters and the conversation continues or stays blocked. After `batch` events it yields its worker slot.
 */
export class ConversationDrain {
  private readonly lastErrors = new Map<string, string>();
  private readonly subscription: Subscription;
  private closing = false;

  constructor(
    private readonly mailboxes: MailboxStore,
    private readonly drains: DrainJobs,
    private readonly runner: EventRunner,
    failures$: Observable<HandlerFailure>,
    private readonly settings: Pick<ResolvedQueueOptions, 'attempts' | 'backoff' | 'onDeadLetter' | 'batch'>,
    private readonly runtime: DrainRuntime,
    private readonly logger: Logger,
  ) {
    // The runner reports failures to failures$ (and onHandlerError) exactly as in-process; the dead letter keeps the last one.
    this.subscription = failures$.subscribe((failure) => {
      if (!this.lastErrors.has(failure.eventId)) return;
      const message = failure.error instanceof Error ? failure.error.message : String(failure.error);
      this.lastErrors.set(failure.eventId, `${failure.handler} ${failure.reason === 'timeout' ? 'timed out' : 'failed'}: ${message}`);
    });
  }

  /** After the events being handled now, drains hand their conversation back to the queue instead of taking more. */
  close(): void {
    this.closing = true;
  }

  /** Stops listening to failures, once the worker has stopped (failures of the last events still reach their dead letters). */
  dispose(): void {
    this.subscription.unsubscribe();
  }

  /** BullMQ's processor for one drain job. */
  async process(job: Job<DrainJobData>, token: string | undefined): Promise<void> {
    const conversation = job.data.c;
    let next: TakeReply = await this.mailboxes.ackAndTake(conversation, '', true);
    let handled = 0;
    while (next[0] !== '') {
      const [entry, starts] = next;
      const eventId = entryId(entry);
      if (starts > this.settings.attempts) {
        // Every earlier start ended with its worker gone (killed, out of memory): do not hand it another worker.
        next = await this.deadLetter(conversation, eventId, `the worker handling it stopped ${starts - 1} times before it finished`);
        continue;
      }
      const failure = await this.run(entry, eventId);
      if (failure !== null) {
        if (starts < this.settings.attempts) {
          const delay = backoffDelay(this.settings.backoff, starts);
          this.logger.warn(`Queue: event ${eventId} failed (attempt ${starts} of ${this.settings.attempts}), retrying in ${delay} ms: ${failure}`);
          // The job waits delayed and keeps its conversation: the event stays at the mailbox head, later ones wait behind it.
          await job.moveToDelayed(Date.now() + delay, token);
          throw new this.runtime.DelayedError();
        }
        next = await this.deadLetter(conversation, eventId, failure);
        if (this.closing && this.settings.onDeadLetter === 'continue') {
          if (next[2] > 0) await this.drains.schedule([conversation]);
          return;
        }
        continue;
      }
      handled++;
      const yielding = this.closing || handled >= this.settings.batch;
      next = await this.mailboxes.ackAndTake(conversation, eventId, !yielding);
      if (yielding) {
        // Stored by BullMQ as this conversation's next drain, created when this job completes.
        if (next[2] > 0) await this.drains.schedule([conversation]);
        return;
      }
    }
  }

  /** Runs one stored event; resolves with the failure to record, or `null` when it succeeded (or was invalid or unhandled). */
  private async run(entry: string, eventId: string): Promise<string | null> {
    let decoded;
    try {
      decoded = decodeEntry(entry);
    } catch (error) {
      return `the stored event could not be read: ${error instanceof Error ? error.message : String(error)}`;
    }
    this.lastErrors.set(eventId, '');
    try {
      const run = await this.runner.run(decoded.prepared);
      // As in-process, a timed-out handler keeps its conversation's turn until its body settles.
      await run.settled;
      const { failures, invalid } = run.result;
      // A queued event is its own delivery on the worker: one line per event that could not be read.
      if (invalid) this.logger.warn(`Queue: ${new InvalidEventTally().add(invalid).line(run.result.outcome === 'invalid')}`);
      return failures > 0 ? this.lastErrors.get(eventId) || `${failures} handler call(s) failed` : null;
    } finally {
      this.lastErrors.delete(eventId);
    }
  }

  private async deadLetter(conversation: string, eventId: string, error: string): Promise<TakeReply> {
    const block = this.settings.onDeadLetter === 'block';
    this.logger.error(
      `Queue: event ${eventId} of conversation ${conversation} moved to the dead letters after ${this.settings.attempts} attempts (${error}); ` +
        (block ? 'the conversation waits until it is replayed or dropped' : 'the conversation goes on'),
    );
    return this.mailboxes.deadLetter(conversation, eventId, error, block, !block && !this.closing);
  }
}
