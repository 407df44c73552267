import { idString, isJsonObject, readPath, type JsonObject } from '../delivery/json.js';
import type { EventKind } from '../events/event-kinds.js';
import type { Recipient } from './message.types.js';

/**
 * The person on the other side of an event, as a Send API recipient: `sender.id` (a PSID / IGSID), else
 * `sender.user_ref` (chat plugin) or `optin.user_ref` (checkbox plugin); for an echo, its `recipient`. `null` for
 * events no person triggered (app roles, policy enforcement, template status). Events delivered in `changes[]`
 * form are read from their `value`. Pure.
 */
export function personOf(kind: EventKind, raw: JsonObject): Recipient | null {
  const event = typeof raw.field === 'string' && isJsonObject(raw.value) ? raw.value : raw;
  const party = kind === 'echo' ? 'recipient' : 'sender';
  const id = idString(readPath(event, party, 'id'));
  if (id) return { id };
  const userRef = idString(readPath(event, party, 'user_ref')) ?? (kind === 'echo' ? undefined : idString(readPath(event, 'optin', 'user_ref')));
  return userRef ? { user_ref: userRef } : null;
}
