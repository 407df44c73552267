import { hash, randomUUID } from 'node:crypto';
import { isJsonObject, readPath } from '../delivery/json.js';
import type { MessengerContext } from '../events/messenger-context.js';
import { readId } from '../reading/coercions.js';
import { conversationOf, type PreparedEvent } from './prepared-event.js';

/**
 * Two events are the same only when they are the same event: a message (or echo, or Instagram deletion) by its mid,
 * anything else by everything it carries, so a reaction and its unreact, or two mid-less postbacks, never collide. A
 * message delivered in `messaging[]` and again as a `changes[]` item is the same message. Pure; throws on a raw event
 * too deeply nested to serialise.
 */
export function dedupeKey({ definition, raw, meta }: Pick<PreparedEvent, 'definition' | 'raw'> & { meta: Pick<PreparedEvent['meta'], 'object' | 'pageId' | 'standby'> }): string {
  const prefix = `${meta.object}|${meta.pageId}|${definition.kind}|${meta.standby ? 's' : 'm'}`;
  if (definition.kind === 'message' || definition.kind === 'echo') {
    const message = readPath(raw, 'message');
    const mid = isJsonObject(message) ? readId(message.mid) : undefined;
    if (mid !== undefined) return `${prefix}|${mid}|${(message as { is_deleted?: unknown }).is_deleted === true ? 'deleted' : ''}`;
  }
  // crypto.hash, not createHash: one call per event, with no Hash object to build (about 1 µs less per event).
  const digest = hash('sha256', JSON.stringify(raw) ?? String(raw), 'base64');
  const person = isJsonObject(raw) ? conversationOf(definition, raw) : '';
  return `${prefix}|${person}|${String(readPath(raw, 'timestamp'))}|${digest}`;
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
  return { dedupeKey: key, eventId: hash('sha256', key ?? randomUUID(), 'base64url').slice(0, 22) };
}
