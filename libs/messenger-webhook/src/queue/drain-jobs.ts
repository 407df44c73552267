import { randomUUID } from 'node:crypto';
import type { Job, Queue } from 'bullmq';

/** The BullMQ job name of a drain. */
export const DRAIN_JOB = 'drain';

/**
 * What a drain job carries: the conversations it owns (their events wait in their mailboxes), or nothing when an edge
 * added it: conversations may join it until a worker closes it, and the job then reads them from its claims list.
 */
export interface DrainJobData {
  /** The conversation keys (`object|page|person`). */
  readonly cs?: readonly string[];
}

/** How many idle conversations one drain job takes at most: enough to share a job's cost, few enough to share the load. */
export const CONVERSATIONS_PER_DRAIN = 16;

/**
 * Adds drain jobs. A drain job drains the conversations that the `owner` hash says it owns (see `queue-scripts.ts`):
 * the scripts claim a conversation for a job id before the job is added, so the job id is chosen here, and adding a
 * job whose id exists is a no-op (that is what lets a redelivery add again the job of a crashed edge).
 */
export class DrainJobs {
  constructor(private readonly queue: Queue) {}

  /** A fresh drain job id (BullMQ ids must not be integers nor contain ':'). */
  newId(): string {
    return randomUUID();
  }

  /**
   * Adds drain jobs, by id, with the conversations each owns (`null`: the job reads its claims list); `delay` (ms) makes
   * them wait first (a retry's backoff).
   */
  async add(jobs: ReadonlyMap<string, readonly string[] | null>, delay = 0): Promise<void> {
    const bulk = [...jobs].map(([jobId, cs]) => ({
      name: DRAIN_JOB,
      data: (cs ? { cs } : {}) satisfies DrainJobData,
      opts: {
        jobId,
        ...(delay > 0 ? { delay } : {}),
        removeOnComplete: true,
        removeOnFail: 1_000,
        // Handler failures never fail the job (the drain retries events itself); these retries only cover Redis
        // errors in the drain's own bookkeeping.
        attempts: 1_000,
        backoff: { type: 'fixed', delay: 1_000 },
      },
    }));
    if (bulk.length === 1) await this.queue.add(bulk[0]!.name, bulk[0]!.data, bulk[0]!.opts);
    else if (bulk.length > 1) await this.queue.addBulk(bulk);
  }

  /** Adds one drain job for `conversations` under a fresh id. */
  addOne(jobId: string, conversations: readonly string[], delay = 0): Promise<void> {
    return this.add(new Map([[jobId, conversations]]), delay);
  }

  /** Whether drain job `jobId` is still due to run or running (waiting, delayed, active, or between attempts). */
  async alive(jobId: string): Promise<boolean> {
    const job: Job | undefined = await this.queue.getJob(jobId);
    if (!job) return false;
    const state = await job.getState();
    return state !== 'completed' && state !== 'failed' && state !== 'unknown';
  }
}
