import type { ParamsFactory } from '@nestjs/core';
import { MessengerParamtype } from './decorators/param.decorators.js';
import { readPath } from '../delivery/json.js';
import { ALL_EVENT_KINDS, LISTENERS } from '../events/event-kinds.js';
import { InvalidEvent } from '../events/invalid-event.js';
import type { MessengerContext } from '../events/messenger-context.js';
import { senderOf } from '../events/sender-of.js';

export { senderOf } from '../events/sender-of.js';

// Where `@Text()` and `@Payload()` read, per kind, from each kind's listener row.
const TEXT_PATHS = new Map<string, readonly string[]>();
const PAYLOAD_PATHS = new Map<string, readonly string[]>();
for (const row of ALL_EVENT_KINDS) {
  const listener = LISTENERS[row.listener] as { text?: readonly string[]; payload?: readonly string[] };
  if (listener.text) TEXT_PATHS.set(row.kind, listener.text);
  if (listener.payload) PAYLOAD_PATHS.set(row.kind, listener.payload);
}

function at(paths: ReadonlyMap<string, readonly string[]>, event: unknown, context: MessengerContext): unknown {
  const path = paths.get(context.kind);
  return path ? readPath(event, ...path) : undefined;
}

/** The payload a handler usually branches on, per event type. */
export function handlerPayloadOf(event: unknown, context: MessengerContext): unknown {
  return at(PAYLOAD_PATHS, event, context);
}

/** Turns a parameter decorator's type into its value for one handler call; args are `[event, context]`. */
export const messengerParamsFactory: ParamsFactory = {
  exchangeKeyForValue(type: number, data: unknown, args: unknown): unknown {
    const [event, context] = args as [unknown, MessengerContext];
    switch (type as MessengerParamtype) {
      case MessengerParamtype.EVENT:
        return event;
      case MessengerParamtype.CONTEXT:
        return context;
      case MessengerParamtype.SENDER:
        // An invalid event may still say who sent it.
        return senderOf(event instanceof InvalidEvent ? event.raw : event);
      case MessengerParamtype.PAGE_ID:
        return context.pageId;
      case MessengerParamtype.TEXT:
        return at(TEXT_PATHS, event, context);
      case MessengerParamtype.PAYLOAD:
        return handlerPayloadOf(event, context);
      case MessengerParamtype.PARAM:
        return typeof data === 'string' ? context.params[data] : context.params;
      default:
        return undefined;
    }
  },
};
