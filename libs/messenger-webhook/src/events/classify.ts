import { isJsonObject, type JsonObject } from '../delivery/json.js';
import { CHANGE_KIND, EVENT_KINDS, MESSAGING_FIELDS, UNKNOWN_KIND, type AnyEventKind, type EventKindDefinition } from './event-kinds.js';

export type { AnyEventKind } from './event-kinds.js';

const MESSAGING_ROWS = EVENT_KINDS.filter((row) => row.source === 'messaging') as readonly EventKindDefinition[] as readonly AnyEventKind[];
const CHANGE_ROWS = new Map<string, AnyEventKind>(EVENT_KINDS.flatMap((row) => row.fields.map((field) => [field, row] as const)));

/** What one `changes[]` item holds once its field is known. */
export interface ChangeTarget {
  /** Its row: a messaging row for a messaging field, a changes row for a modelled field, else the `change` row. */
  readonly definition: AnyEventKind;
  /** What to read into the row's class: the item's `value` for a messaging field, else the item itself. */
  readonly event: unknown;
  /** The item's `field`, `''` when it has none. */
  readonly field: string;
  /** True for field `standby`: this app is not the thread owner. */
  readonly standby: boolean;
}

/**
 * Finds the event type of one raw event from the keys Meta sent, before any renaming, so spellings such as
 * `policy-enforcement` and `policy_enforcement` both land on their row. For `source: 'changes'` the raw value is a
 * `changes[]` item (see {@link classifyChange}). Pure.
 */
export function classify(raw: JsonObject, source: 'messaging' | 'changes' = 'messaging'): AnyEventKind {
  if (source === 'changes') return classifyChange(raw).definition;
  for (const definition of MESSAGING_ROWS) if (definition.matches(raw)) return definition;
  return UNKNOWN_KIND;
}

/**
 * Classifies one `changes[]` item (or an entry's flat `field` / `value`): a messaging field's `value` is a messaging
 * event, read exactly as an item of `messaging[]` (field `standby` as one of `standby[]`); a modelled field gets its
 * row; any other field is a `change`, delivered as sent. Pure.
 */
export function classifyChange(item: JsonObject): ChangeTarget {
  const { field, value } = item;
  if (typeof field === 'string') {
    if (MESSAGING_FIELDS.has(field) && isJsonObject(value)) return { definition: classify(value), event: value, field, standby: field === 'standby' };
    const row = CHANGE_ROWS.get(field);
    if (row) return { definition: row, event: item, field, standby: false };
    return { definition: CHANGE_KIND, event: item, field, standby: false };
  }
  return { definition: CHANGE_KIND, event: item, field: '', standby: false };
}
