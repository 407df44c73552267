import { createHash } from 'node:crypto';
import { isJsonObject, readPath } from '../delivery/json.js';
import { readId } from '../reading/coercions.js';
import { conversationOf, type PreparedEvent } from './prepared-event.js';

/**
 * Two events are the same only when they are the same event: a message (or echo, or Instagram deletion) by its mid,
 * anything else by everything it carries, so a reaction and its unreact, or two mid-less postbacks, never collide. A
 * message delivered in `messaging[]` and again as a `changes[]` item is the same message. Pure; throws on a raw event
 * too deeply nested to serialise.
 */
export function dedupeKey({ definition, raw, meta }: PreparedEvent): string {
  const prefix = `${meta.object}|${meta.pageId}|${definition.kind}|${meta.standby ? 's' : 'm'}`;
  if (definition.kind === 'message' || definition.kind === 'echo') {
    const message = readPath(raw, 'message');
    const mid = isJsonObject(message) ? readId(message.mid) : undefined;
    if (mid !== undefined) return `${prefix}|${mid}|${(message as { is_deleted?: unknown }).is_deleted === true ? 'deleted' : ''}`;
  }
  const digest = createHash('sha256').update(JSON.stringify(raw) ?? String(raw)).digest('base64');
  const person = isJsonObject(raw) ? conversationOf(definition, raw) : '';
  return `${prefix}|${person}|${String(readPath(raw, 'timestamp'))}|${digest}`;
}
