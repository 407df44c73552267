import { createHash, randomUUID } from 'node:crypto';
import type { JsonObject } from '../delivery/json.js';
import type { MessengerContext } from '../events/messenger-context.js';
import { conversationOf, type PreparedEvent } from './prepared-event.js';

/**
 * Two events are the same only when they are the same event: a message (or echo, or Instagram deletion) by its mid,
 * anything else by everything it carries, so a reaction and its unreact, or two mid-less postbacks, never collide.
 * Pure; throws on a raw event too deeply nested to serialise.
 */
export function dedupeKey({ definition, raw, meta }: Pick<PreparedEvent, 'definition' | 'raw'> & { meta: Pick<PreparedEvent['meta'], 'object' | 'pageId' | 'standby'> }): string {
  const prefix = `${meta.object}|${meta.pageId}|${definition.kind}|${meta.standby ? 's' : 'm'}`;
  if (definition.kind === 'message' || definition.kind === 'echo') {
    const message = raw.message as JsonObject;
    if (typeof message.mid === 'string') return `${prefix}|${message.mid}|${message.is_deleted === true ? 'deleted' : ''}`;
  }
  const digest = createHash('sha256').update(JSON.stringify(raw)).digest('base64');
  return `${prefix}|${conversationOf(definition, raw)}|${String(raw.timestamp)}|${digest}`;
}

/**
 * The event's {@link dedupeKey} (`null` when it is too deeply nested to serialise) and its stable id
 * ({@link MessengerContext.eventId}): a short digest of the key, so a redelivery gets the same id on any instance. An
 * event without a key gets a random id (it cannot be deduplicated either).
 */
export function eventKeys(event: Parameters<typeof dedupeKey>[0]): { dedupeKey: string | null; eventId: string } {
  let key: string | null;
  try {
    key = dedupeKey(event);
  } catch {
    key = null;
  }
  return { dedupeKey: key, eventId: createHash('sha256').update(key ?? randomUUID()).digest('base64url').slice(0, 22) };
}
