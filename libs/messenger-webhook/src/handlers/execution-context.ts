import type { ExecutionContext } from '@nestjs/common';
import type { MessengerContext } from '../events/messenger-context.js';
import type { MessengerEvent } from '../events/messenger-event.js';
import { MESSENGER_CONTEXT_TYPE } from '../messenger-webhook.constants.js';

/** An event class: the constructor of one member of {@link MessengerEvent}. */
export type EventClass = abstract new (...args: never[]) => MessengerEvent;

/** Narrows any value to an instance of one of `classes`: `if (isEventOf(event, MessageEvent, EchoEvent)) event.message`. */
export function isEventOf<C extends readonly EventClass[]>(event: unknown, ...classes: C): event is InstanceType<C[number]> {
  for (const cls of classes) if (event instanceof cls) return true;
  return false;
}

/** Typed access to a webhook handler's arguments from a guard, interceptor or exception filter. */
export class MessengerExecutionContext {
  private constructor(private readonly context: ExecutionContext) {}

  /** Wraps Nest's context; check `isMessenger(context)` first when the enhancer also serves HTTP. */
  static create(context: ExecutionContext): MessengerExecutionContext {
    if (!MessengerExecutionContext.isMessenger(context)) {
      throw new Error(`MessengerExecutionContext.create: the context type is "${context.getType()}", not "${MESSENGER_CONTEXT_TYPE}"`);
    }
    return new MessengerExecutionContext(context);
  }

  /** Whether a context is a webhook handler call (and not HTTP, RPC or WebSocket). */
  static isMessenger(context: ExecutionContext): boolean {
    return context.getType<string>() === MESSENGER_CONTEXT_TYPE;
  }

  /** The event the handler is called with: any event type, to narrow with `instanceof` or {@link isEventOf} (`T` is an unchecked cast). */
  getEvent<T extends MessengerEvent = MessengerEvent>(): T;
  /** The event if it is an instance of one of `classes` (narrowed to them), else `undefined`: `getEvent(MessageEvent, PostbackEvent)`. */
  getEvent<C extends readonly EventClass[]>(...classes: C): InstanceType<C[number]> | undefined;
  getEvent(...classes: readonly EventClass[]): MessengerEvent | undefined {
    const event = this.context.getArgByIndex<MessengerEvent>(0);
    return classes.length === 0 || isEventOf(event, ...classes) ? event : undefined;
  }

  /** The handler's {@link MessengerContext}. */
  getContext(): MessengerContext {
    return this.context.getArgByIndex<MessengerContext>(1);
  }

  /** The class of the handler. */
  getClass(): ReturnType<ExecutionContext['getClass']> {
    return this.context.getClass();
  }

  /** The handler method. */
  getHandler(): ReturnType<ExecutionContext['getHandler']> {
    return this.context.getHandler();
  }
}
