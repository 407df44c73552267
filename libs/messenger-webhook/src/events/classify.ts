import { EVENT_KINDS, UNKNOWN_KIND, type EventKindDefinition } from './event-kinds.js';
import type { JsonObject } from '../delivery/json.js';

/** Any row of the event table, the unknown row included. */
export type AnyEventKind = (typeof EVENT_KINDS)[number] | typeof UNKNOWN_KIND;

/**
 * Finds the event type of one raw event from the keys Meta sent, before any renaming, so spellings such as
 * `policy-enforcement` and `policy_enforcement` both land on their row. Pure.
 */
export function classify(raw: JsonObject, source: 'messaging' | 'changes'): AnyEventKind {
  for (const definition of EVENT_KINDS) {
    if (definition.source === source && (definition as EventKindDefinition).matches(raw)) return definition;
  }
  return UNKNOWN_KIND;
}
