import { readPath } from '../delivery/json.js';
import { readId } from '../reading/coercions.js';

/**
 * The person behind an event, wherever Meta put them: `sender.id`, a chat-plugin `sender.user_ref`, a checkbox
 * opt-in's `optin.user_ref`, or the author of an Instagram comment (`value.from.id`). Ids sent as numbers read as strings.
 */
export function senderOf(event: unknown): string | undefined {
  return readId(
    readPath(event, 'sender', 'id') ?? readPath(event, 'sender', 'user_ref') ?? readPath(event, 'optin', 'user_ref') ?? readPath(event, 'value', 'from', 'id'),
  );
}
