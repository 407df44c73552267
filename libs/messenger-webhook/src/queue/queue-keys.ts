/**
 * The Redis keys of queue mode besides BullMQ's own, all under `<prefix>:<name>:mw:` so they never meet BullMQ's
 * `<prefix>:<name>:<job id | wait | active | ...>` keys. A brace-tagged prefix (`{mw}`) keeps them in one Cluster slot.
 */
export class QueueKeys {
  private readonly base: string;

  constructor(prefix: string, name: string) {
    this.base = `${prefix}:${name}:mw:`;
  }

  /** The mailbox of a conversation: its events waiting, oldest first (LIST of entries). */
  mailbox(conversationKey: string): string {
    return `${this.base}box:${conversationKey}`;
  }

  /** Marks an event as seen for the dedupe window (STRING with a TTL). */
  seen(eventId: string): string {
    return `${this.base}seen:${eventId}`;
  }

  /** How many times each event at a mailbox head was started (HASH event id -> count). */
  get runs(): string {
    return `${this.base}runs`;
  }

  /**
   * Which drain job owns each conversation with events waiting (HASH conversation -> job id): the one drain allowed to
   * run its events. Set when an idle conversation gets an event, cleared in the same step that finds its mailbox empty.
   */
  get owner(): string {
    return `${this.base}owner`;
  }

  /** The conversations an edge claimed for drain job `jobId`, which was added before it knew them (LIST). */
  claims(jobId: string): string {
    return `${this.base}claims:${jobId}`;
  }

  /**
   * Set while drain job `jobId`, added by an edge, still takes idle conversations: until a worker closes it or its
   * gather window passes (STRING with a TTL).
   */
  open(jobId: string): string {
    return `${this.base}open:${jobId}`;
  }

  /** Conversations with events waiting, scored by when their head event started waiting (ZSET). */
  get pending(): string {
    return `${this.base}pending`;
  }

  /** Events waiting in all mailboxes (counter). */
  get depth(): string {
    return `${this.base}depth`;
  }

  /** Conversations held by a dead-lettered event (`onDeadLetter: 'block'`): HASH conversation -> event id. */
  get blocked(): string {
    return `${this.base}blocked`;
  }

  /** Dead-lettered event ids, scored by when they were dead-lettered (ZSET). */
  get deadIndex(): string {
    return `${this.base}dead`;
  }

  /** One dead letter: entry, conversation, error, attempts, failedAt, blocked (HASH). */
  dead(eventId: string): string {
    return `${this.base}dead:${eventId}`;
  }
}
