import { assignMetadata, type PipeTransform, type Type } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '../nest-compat.js';

/** Which value a parameter decorator asks for; stored like Nest's HTTP parameter types so pipes just work. */
export enum MessengerParamtype {
  EVENT = 0,
  CONTEXT = 1,
  SENDER = 2,
  PAGE_ID = 3,
  TEXT = 4,
  PAYLOAD = 5,
  PARAM = 6,
}

type PipeLike = Type<PipeTransform> | PipeTransform;

function paramDecorator(type: MessengerParamtype, data: string | undefined, pipes: PipeLike[]): ParameterDecorator {
  return (target, key, index) => {
    if (key === undefined) throw new Error('Messenger parameter decorators go on handler method parameters, not constructors');
    const args = Reflect.getMetadata(ROUTE_ARGS_METADATA, target.constructor, key) ?? {};
    Reflect.defineMetadata(ROUTE_ARGS_METADATA, assignMetadata(args, type, index, data, ...pipes), target.constructor, key);
  };
}

/** Injects the event instance. */
export function Event(...pipes: PipeLike[]): ParameterDecorator {
  return paramDecorator(MessengerParamtype.EVENT, undefined, pipes);
}

/** Injects the {@link MessengerContext}. */
export function Ctx(...pipes: PipeLike[]): ParameterDecorator {
  return paramDecorator(MessengerParamtype.CONTEXT, undefined, pipes);
}

/** Injects who triggered the event: `sender.id`, else `sender.user_ref`, else a checkbox opt-in's `optin.user_ref`. */
export function Sender(...pipes: PipeLike[]): ParameterDecorator {
  return paramDecorator(MessengerParamtype.SENDER, undefined, pipes);
}

/** Injects the entry's Page (or Instagram account) id. */
export function PageId(...pipes: PipeLike[]): ParameterDecorator {
  return paramDecorator(MessengerParamtype.PAGE_ID, undefined, pipes);
}

/** Injects the text of a message, echo or edit; `undefined` for other events. */
export function Text(...pipes: PipeLike[]): ParameterDecorator {
  return paramDecorator(MessengerParamtype.TEXT, undefined, pipes);
}

/** Injects the quick reply payload of a message, the postback or opt-in payload, or a referral's `ref`. */
export function Payload(...pipes: PipeLike[]): ParameterDecorator {
  return paramDecorator(MessengerParamtype.PAYLOAD, undefined, pipes);
}

/** Injects one value captured by the handler's filter (`@Param('id')`), or all of them as an object (`@Param()`). */
export function Param(name?: string | PipeLike, ...pipes: PipeLike[]): ParameterDecorator {
  return typeof name === 'string' || name === undefined
    ? paramDecorator(MessengerParamtype.PARAM, name, pipes)
    : paramDecorator(MessengerParamtype.PARAM, undefined, [name, ...pipes]);
}
