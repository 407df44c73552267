import type { ExecutionContext } from '@nestjs/common';
import type { MessengerContext } from '../events/messenger-context.js';
import type { MessengerEvent } from '../events/messenger-event.js';
import { MESSENGER_CONTEXT_TYPE } from '../messenger-webhook.constants.js';

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

  /** The event the handler is called with. */
  getEvent<T extends MessengerEvent = MessengerEvent>(): T {
    return this.context.getArgByIndex<T>(0);
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
