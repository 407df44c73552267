import { createHash } from 'node:crypto';
import type { JsonObject } from '../delivery/json.js';
import { conversationOf, type PreparedEvent } from './prepared-event.js';

/**
 * Two events are the same only when they are the same event: a message (or echo, or Instagram deletion) by its mid,
 * anything else by everything it carries, so a reaction and its unreact, or two mid-less postbacks, never collide.
 * Pure; throws on a raw event too deeply nested to serialise.
 */
export function dedupeKey({ definition, raw, meta }: PreparedEvent): string {
  const prefix = `${meta.object}|${meta.pageId}|${definition.kind}|${meta.standby ? 's' : 'm'}`;
  if (definition.kind === 'message' || definition.kind === 'echo') {
    const message = raw.message as JsonObject;
    if (typeof message.mid === 'string') return `${prefix}|${message.mid}|${message.is_deleted === true ? 'deleted' : ''}`;
  }
  const digest = createHash('sha256').update(JSON.stringify(raw)).digest('base64');
  return `${prefix}|${conversationOf(definition, raw)}|${String(raw.timestamp)}|${digest}`;
}
