import type { Queue } from 'bullmq';

/** The BullMQ job name of a conversation's drain. */
export const DRAIN_JOB = 'drain';

/** What a drain job carries: only its conversation; the events wait in the conversation's mailbox. */
export interface DrainJobData {
  /** The conversation key (`object|page|person`). */
  readonly c: string;
}

/**
 * Schedules drain jobs: at most one per conversation, thanks to BullMQ deduplication keyed by the conversation, with
 * `keepLastIfActive` so that a drain asked for while one is running is created when the running one finishes. That is
 * what closes the race of a drain finishing just as a new event is pushed: the new event's drain is never dropped.
 */
export class DrainJobs {
  constructor(private readonly queue: Queue) {}

  /** Makes sure each conversation has a drain job due (a no-op for one already waiting or delayed). */
  async schedule(conversations: Iterable<string>): Promise<void> {
    const jobs = [...new Set(conversations)].map((c) => ({
      name: DRAIN_JOB,
      data: { c } satisfies DrainJobData,
      opts: {
        deduplication: { id: c, keepLastIfActive: true },
        removeOnComplete: true,
        removeOnFail: 1_000,
        // Handler failures never fail the job (the drain retries events itself); these retries only cover Redis
        // errors in the drain's own bookkeeping.
        attempts: 1_000,
        backoff: { type: 'fixed', delay: 1_000 },
      },
    }));
    if (jobs.length === 1) await this.queue.add(jobs[0]!.name, jobs[0]!.data, jobs[0]!.opts);
    else if (jobs.length > 1) await this.queue.addBulk(jobs);
  }

  /** Whether a drain job exists for the conversation (waiting, delayed or active). */
  async exists(conversation: string): Promise<boolean> {
    return (await this.queue.getDeduplicationJobId(conversation)) !== null;
  }
}
