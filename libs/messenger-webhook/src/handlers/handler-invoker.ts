import type { CanActivate, Type } from '@nestjs/common';
import type { ContextId, ExternalContextCreator } from '@nestjs/core';
import { isObservable, lastValueFrom } from 'rxjs';
import { HandlerArgumentsHost } from './handler-arguments-host.js';
import {
  ROUTE_ARGS_METADATA,
  enhancerResolverOf,
  selectExceptionFilter,
  type BoundExceptionFilter,
  type EnhancerResolver,
  type HandlerCallback as Callback,
} from './nest-compat.js';
import { MESSENGER_CONTEXT_TYPE } from '../messenger-webhook.constants.js';
import type { MessengerContext } from '../events/messenger-context.js';
import { messengerParamsFactory } from './params.factory.js';

/** How one handler call ended. */
export type InvocationOutcome =
  | { readonly status: 'done'; readonly value?: unknown }
  | { readonly status: 'skipped' }
  | { readonly status: 'filtered'; readonly error: unknown }
  | { readonly status: 'failed'; readonly error: unknown; readonly filterError?: unknown; readonly stage?: 'guard' };

/**
 * One handler call with every enhancer applied; never rejects. A call that settled while it ran (a handler with no
 * enhancers that returned a plain value or threw) gives its outcome at once rather than a promise of it.
 */
export type Invoker = (event: object, context: MessengerContext) => InvocationOutcome | Promise<InvocationOutcome>;

const DONE: InvocationOutcome = Object.freeze({ status: 'done' });
const SKIPPED: InvocationOutcome = Object.freeze({ status: 'skipped' });

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/** The outcome of a call that returned `value`; the shared frozen one when it returned nothing. */
function doneWith(value: unknown): InvocationOutcome {
  return value === undefined ? DONE : { status: 'done', value };
}

/**
 * Builds handler calls that behave like HTTP route calls: guards, interceptors, pipes and exception filters, with
 * two differences a webhook needs: a guard that says no skips the handler quietly instead of raising a 403, and an
 * error no filter handles comes back as an outcome instead of escaping, so one handler cannot cost another.
 */
export class HandlerInvokerFactory {
  private readonly enhancers: EnhancerResolver;

  constructor(private readonly externalContextCreator: ExternalContextCreator) {
    // Guards and filters are run here rather than by ExternalContextCreator, whose guard refusal throws a
    // ForbiddenException into the filters; Nest's own creators resolve them so global and scoped enhancers apply.
    this.enhancers = enhancerResolverOf(externalContextCreator);
  }

  /** Creates the call of `instance[methodName]`; for request-scoped hosts, once per event with its context id. */
  create(instance: object, methodName: string, contextId?: ContextId, inquirerId?: string): Invoker {
    const callback = (instance as Record<string, Callback>)[methodName]!;
    const moduleKey = this.externalContextCreator.getContextModuleKey(instance.constructor);
    const guards: CanActivate[] = this.enhancers.guards(instance, callback, moduleKey, contextId, inquirerId);
    const filters = this.enhancers.filters(instance, callback, moduleKey, contextId, inquirerId);
    const interceptors = this.enhancers.interceptors(instance, callback, moduleKey, contextId, inquirerId);
    const hasParams = Reflect.getMetadata(ROUTE_ARGS_METADATA, instance.constructor, methodName) !== undefined;
    if (guards.length === 0 && interceptors.length === 0 && !hasParams) {
      // Nothing to apply (pipes only ever run on decorated parameters): a plain call does what the full chain
      // would, without its per-call allocations, which matter on the hot path.
      return (event, context) => {
        let result: unknown;
        try {
          result = callback.call(instance, event, context);
        } catch (error) {
          return this.applyFilters(filters, error, [event, context], instance, callback);
        }
        // A plain value settles the call here: no promise, no turn of the microtask queue, no closure.
        if (!isObservable(result) && !isThenable(result)) return doneWith(result);
        // Same as the full chain: an Observable is subscribed and waited for, like a promise is awaited.
        const settling = isObservable(result) ? lastValueFrom(result, { defaultValue: undefined }) : Promise.resolve(result);
        return settling.then(doneWith, (error: unknown) => this.applyFilters(filters, error, [event, context], instance, callback));
      };
    }
    const call = this.externalContextCreator.create(
      instance,
      callback,
      methodName,
      ROUTE_ARGS_METADATA,
      messengerParamsFactory,
      contextId,
      inquirerId,
      { guards: false, interceptors: true, filters: false },
      MESSENGER_CONTEXT_TYPE,
    );
    const { enhancers } = this;
    return async (event, context) => {
      const args = [event, context];
      if (guards.length > 0) {
        try {
          if (!(await enhancers.tryActivate(guards, args, instance, callback, MESSENGER_CONTEXT_TYPE))) return SKIPPED;
        } catch (error) {
          // Told apart from the handler's own errors: a guard throwing on every event is usually a global HTTP guard.
          return this.applyFilters(filters, error, args, instance, callback, 'guard');
        }
      }
      try {
        // What the handler returned, as mapped by its interceptors: a reply, when it is one.
        return doneWith(await call(event, context));
      } catch (error) {
        return this.applyFilters(filters, error, args, instance, callback);
      }
    };
  }

  private async applyFilters(
    filters: readonly BoundExceptionFilter[],
    error: unknown,
    args: unknown[],
    instance: object,
    callback: Callback,
    stage?: 'guard',
  ): Promise<InvocationOutcome> {
    const filter = filters.length > 0 ? selectExceptionFilter(filters, error) : undefined;
    if (!filter) return stage ? { status: 'failed', error, stage } : { status: 'failed', error };
    const host = new HandlerArgumentsHost(args, instance.constructor as Type<unknown>, callback, MESSENGER_CONTEXT_TYPE);
    try {
      await filter.func(error, host);
      return { status: 'filtered', error };
    } catch (filterError) {
      // A filter that rethrows, or breaks (an HTTP-only global filter calling switchToHttp()), leaves the failure
      // unhandled; the handler's own error stays the one reported, since it is the one to fix.
      const failed = filterError === error ? { status: 'failed' as const, error } : { status: 'failed' as const, error, filterError };
      return stage ? { ...failed, stage } : failed;
    }
  }
}
