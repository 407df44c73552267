import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { MessengerQueue } from './messenger-queue.js';

/** A reading of queue mode's state, for a health check or metrics. */
export interface QueueSnapshot {
  /** Events waiting in conversation mailboxes (handled ones are gone; the one being handled still counts). */
  readonly depth: number;
  /** Ms the oldest waiting event (the head of the oldest non-blocked conversation) has waited; 0 when none waits. */
  readonly oldestWaitingMs: number;
  /** Conversations with events waiting (not blocked). */
  readonly conversations: number;
  /** Conversations held by a dead letter (`onDeadLetter: 'block'`). */
  readonly blockedConversations: number;
  /** Dead letters. */
  readonly deadLetters: number;
  /** Conversations whose head event waits for a retry after a failure. */
  readonly retrying: number;
}

/** Reads queue depth, the age of the oldest waiting event and the dead-letter count from Redis. */
@Injectable()
export class MessengerQueueMetrics {
  // Resolved at call time through ModuleRef so this class's typings never name bullmq or ioredis types.
  constructor(private readonly moduleRef: ModuleRef) {}

  /** One reading (two Redis round trips). */
  async snapshot(): Promise<QueueSnapshot> {
    const { mailboxes, queue } = this.moduleRef.get(MessengerQueue).running;
    const [stats, counts] = await Promise.all([mailboxes.stats(), queue.getJobCounts('delayed')]);
    return {
      depth: stats.depth,
      oldestWaitingMs: stats.oldestSince === null ? 0 : Math.max(0, Date.now() - stats.oldestSince),
      conversations: stats.conversations,
      blockedConversations: stats.blocked,
      deadLetters: stats.deadLetters,
      retrying: counts.delayed ?? 0,
    };
  }
}
