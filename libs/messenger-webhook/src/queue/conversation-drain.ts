import type { Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { Observable, Subscription } from 'rxjs';
import type { EventRunner } from '../dispatch/event-runner.js';
import type { HandlerFailure } from '../dispatch/handler-failure.js';
import { ConcurrencyLimiter } from '../dispatch/concurrency-limiter.js';
import { InvalidEventTally } from '../dispatch/invalid-event-reporter.js';
import type { DrainJobData, DrainJobs } from './drain-jobs.js';
import type { MailboxStore } from './mailbox-store.js';
import { backoffDelay, type ResolvedQueueOptions } from './queue-options.js';
import { decodeEntry, entryId } from './queued-entry.js';
import type { TakeReply } from './queue-scripts.js';

/** The longest a drain waits for its gather window to close, whatever an edge configured. */
const MAX_GATHER_WAIT_MS = 1_000;

/** How long a conversation of a drain job waits for a free slot on its worker before it goes back to the queue. */
export const HAND_BACK_AFTER_MS = 1_000;

/**
 * The processor of drain jobs. A drain job owns a few conversations (the `owner` hash in Redis); for each, in parallel
 * up to the worker's `concurrency`, it takes the mailbox head, runs it through the shared {@link EventRunner}, and only
 * then pops it, one event at a time, so a crash leaves the event at the head and order holds. A failed event is retried
 * with backoff by handing its conversation to a delayed drain job of its own (the event stays at the head, the job's
 * other conversations go on); once its attempts are used up it goes to the dead letters and the conversation continues
 * or stays blocked. After `batch` events a conversation is handed to a new drain job, yielding its worker slot.
 */
export class ConversationDrain {
  private readonly lastErrors = new Map<string, string>();
  private readonly subscription: Subscription;
  private readonly slots: ConcurrencyLimiter;
  private closing = false;

  constructor(
    private readonly mailboxes: MailboxStore,
    private readonly drains: DrainJobs,
    private readonly runner: EventRunner,
    failures$: Observable<HandlerFailure>,
    private readonly settings: Pick<ResolvedQueueOptions, 'attempts' | 'backoff' | 'onDeadLetter' | 'batch' | 'concurrency'>,
    private readonly logger: Logger,
  ) {
    this.slots = new ConcurrencyLimiter(settings.concurrency);
    // The runner reports failures to failures$ (and onHandlerError) exactly as in-process; the dead letter keeps the last one.
    this.subscription = failures$.subscribe((failure) => {
      if (!this.lastErrors.has(failure.eventId)) return;
      const message = failure.error instanceof Error ? failure.error.message : String(failure.error);
      this.lastErrors.set(failure.eventId, `${failure.handler} ${failure.reason === 'timeout' ? 'timed out' : 'failed'}: ${message}`);
    });
  }

  /** After the events being handled now, drains hand their conversations back to the queue instead of taking more. */
  close(): void {
    this.closing = true;
  }

  /** Stops listening to failures, once the worker has stopped (failures of the last events still reach their dead letters). */
  dispose(): void {
    this.subscription.unsubscribe();
  }

  /** BullMQ's processor for one drain job: drains each conversation the job owns; fails (to be retried) if Redis failed one. */
  async process(job: Job<DrainJobData>): Promise<void> {
    const owner = job.id;
    if (!owner) throw new Error('a drain job without an id');
    const conversations = job.data.cs ?? (await this.gathered(owner));
    const results = await Promise.allSettled(conversations.map((conversation) => this.runOrHandBack(conversation, owner)));
    const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /**
   * The conversations an edge gave drain job `owner`: while the job's gather window is open (by Redis's clock; a job
   * that took no conversation has none) it waits (conversations that become busy meanwhile join it instead of costing a
   * job of their own), then closes it to new ones and reads its claims list. Each conversation leaves that list as the
   * drain releases or hands it over, so a finished job leaves none.
   */
  private async gathered(owner: string): Promise<string[]> {
    const first = await this.mailboxes.close(owner, this.closing);
    if (first.wait === 0) return first.conversations;
    await new Promise((resolve) => setTimeout(resolve, Math.min(first.wait, MAX_GATHER_WAIT_MS)));
    return (await this.mailboxes.close(owner, true)).conversations;
  }

  /** Drains one conversation for drain job `owner`, while that job owns it. */
  private async drain(conversation: string, owner: string): Promise<void> {
    if (this.closing) return this.handOver(conversation, owner, '');
    let next: TakeReply = await this.mailboxes.ackAndTake(conversation, owner, '');
    let handled = 0;
    while (next[0] !== '') {
      const [entry, starts] = next;
      const eventId = entryId(entry);
      if (starts > this.settings.attempts) {
        // Every earlier start ended with its worker gone (killed, out of memory): do not hand it another worker.
        next = await this.deadLetter(conversation, owner, eventId, `the worker handling it stopped ${starts - 1} times before it finished`);
        continue;
      }
      const failure = await this.run(entry, eventId);
      if (failure !== null) {
        if (starts < this.settings.attempts) {
          const delay = backoffDelay(this.settings.backoff, starts);
          this.logger.warn(`Queue: event ${eventId} failed (attempt ${starts} of ${this.settings.attempts}), retrying in ${delay} ms: ${failure}`);
          // A delayed drain of its own takes the conversation over: the event stays at the mailbox head, later ones
          // wait behind it, and the other conversations of this job go on.
          return this.handOver(conversation, owner, '', delay);
        }
        next = await this.deadLetter(conversation, owner, eventId, failure);
        continue;
      }
      handled++;
      if (this.closing || handled >= this.settings.batch) return this.handOver(conversation, owner, eventId);
      next = await this.mailboxes.ackAndTake(conversation, owner, eventId);
    }
  }

  /**
   * Drains a conversation in one of this worker's slots; if none frees up within {@link HAND_BACK_AFTER_MS}, hands it
   * back to the queue instead, so a worker held by slow handlers never sits on a conversation another worker could
   * run. (A busy worker with quick handlers frees slots long before: nothing is handed back then.)
   */
  private runOrHandBack(conversation: string, owner: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let state: 'waiting' | 'running' | 'handed back' = 'waiting';
      const timer = setTimeout(() => {
        if (state !== 'waiting') return;
        state = 'handed back';
        this.handOver(conversation, owner, '').then(resolve, reject);
      }, HAND_BACK_AFTER_MS);
      this.slots
        .run(async () => {
          if (state === 'handed back') return;
          state = 'running';
          clearTimeout(timer);
          await this.drain(conversation, owner);
        })
        .then(
          () => {
            if (state === 'running') resolve();
          },
          (error: unknown) => {
            if (state === 'running') reject(error);
          },
        );
    });
  }

  /**
   * Acknowledges `ackId` (if any) and hands the conversation to a new drain job, added once it owns the conversation
   * (after `delay` ms). A crash between the two leaves the conversation to the workers' safety net (see `messenger-queue.ts`).
   */
  private async handOver(conversation: string, owner: string, ackId: string, delay = 0): Promise<void> {
    const successor = this.drains.newId();
    const reply = await this.mailboxes.ackAndTake(conversation, owner, ackId, successor);
    if (reply[2] > 0) await this.drains.addOne(successor, [conversation], delay);
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

  private async deadLetter(conversation: string, owner: string, eventId: string, error: string): Promise<TakeReply> {
    const block = this.settings.onDeadLetter === 'block';
    this.logger.error(
      `Queue: event ${eventId} of conversation ${conversation} moved to the dead letters after ${this.settings.attempts} attempts (${error}); ` +
        (block ? 'the conversation waits until it is replayed or dropped' : 'the conversation goes on'),
    );
    const successor = this.closing && !block ? this.drains.newId() : '';
    const next = await this.mailboxes.deadLetter(conversation, owner, eventId, error, block, successor);
    if (successor !== '' && next[2] > 0) await this.drains.addOne(successor, [conversation]);
    return next;
  }
}
