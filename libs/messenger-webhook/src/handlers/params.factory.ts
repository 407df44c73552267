import type { ParamsFactory } from '@nestjs/core';
import { MessengerParamtype } from './decorators/param.decorators.js';
import { idString, readPath as read } from '../delivery/json.js';
import type { MessengerContext } from '../events/messenger-context.js';

/** The sender of an event, wherever Meta put it (`sender.id`, `sender.user_ref`, a checkbox opt-in's `optin.user_ref`). */
export function senderOf(event: unknown): string | undefined {
  return idString(read(event, 'sender', 'id') ?? read(event, 'sender', 'user_ref') ?? read(event, 'optin', 'user_ref'));
}

/** The payload a handler usually branches on, per event type. */
export function handlerPayloadOf(event: unknown, context: MessengerContext): unknown {
  switch (context.kind) {
    case 'message':
      return read(event, 'message', 'quick_reply', 'payload');
    case 'postback':
      return read(event, 'postback', 'payload');
    case 'optin':
      return read(event, 'optin', 'payload');
    case 'referral':
      return read(event, 'referral', 'ref');
    default:
      return undefined;
  }
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
        return senderOf(event);
      case MessengerParamtype.PAGE_ID:
        return context.pageId;
      case MessengerParamtype.TEXT:
        return read(event, 'message', 'text') ?? read(event, 'message_edit', 'text');
      case MessengerParamtype.PAYLOAD:
        return handlerPayloadOf(event, context);
      case MessengerParamtype.PARAM:
        return typeof data === 'string' ? context.params[data] : context.params;
      default:
        return undefined;
    }
  },
};
