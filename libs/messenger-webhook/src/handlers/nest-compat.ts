import type { ArgumentsHost, CanActivate, NestInterceptor } from '@nestjs/common';
// A file of @nestjs/common in both majors (11: a CommonJS file; 12: reachable through its `./*.js` export); the `.js`
// extension makes the one specifier resolve from an ES module and from CommonJS alike.
import { ROUTE_ARGS_METADATA as NEST_ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import type { ContextId, ExternalContextCreator } from '@nestjs/core';

// Everything this library needs from Nest that neither Nest 11 nor Nest 12 exports from a package root lives in
// this file, so that an upgrade of Nest has one place to prove.

/**
 * The metadata key of route parameter decorators. Ours are stored under it too, so that `createParamDecorator`
 * decorators and pipes of users work on handlers beside ours.
 */
export const ROUTE_ARGS_METADATA: string = NEST_ROUTE_ARGS_METADATA;

/** A handler method as Nest's enhancer machinery takes it. */
export type HandlerCallback = (...args: unknown[]) => unknown;

/** One exception filter bound to a handler, with the exception classes its `@Catch()` names (none: everything). */
export interface BoundExceptionFilter {
  /** The filter's `catch`, bound to its instance. */
  readonly func: (exception: unknown, host: ArgumentsHost) => unknown;
  /** The classes given to `@Catch()`. */
  readonly exceptionMetatypes: ReadonlyArray<abstract new (...args: never[]) => unknown>;
}

/** Resolves the enhancers of one handler in its module, as Nest does for a route: global, class, then method ones. */
export interface EnhancerResolver {
  /** The guards of a handler. */
  guards(instance: object, callback: HandlerCallback, moduleKey: string, contextId?: ContextId, inquirerId?: string): CanActivate[];
  /** Runs guards in order; `false` as soon as one refuses. */
  tryActivate(guards: CanActivate[], args: unknown[], instance: object, callback: HandlerCallback, type: string): Promise<boolean>;
  /** The interceptors of a handler. */
  interceptors(instance: object, callback: HandlerCallback, moduleKey: string, contextId?: ContextId, inquirerId?: string): NestInterceptor[];
  /** The exception filters of a handler, in the order Nest tries them. */
  filters(instance: object, callback: HandlerCallback, moduleKey: string, contextId?: ContextId, inquirerId?: string): readonly BoundExceptionFilter[];
}

type Create<T> = (instance: object, callback: HandlerCallback, moduleKey: string, contextId?: ContextId, inquirerId?: string) => T;

/** The collaborators `ExternalContextCreator` is built with (the same names in Nest 11 and 12). */
interface ExternalContextParts {
  guardsContextCreator: { create: Create<CanActivate[]> };
  guardsConsumer: { tryActivate: EnhancerResolver['tryActivate'] };
  interceptorsContextCreator: { create: Create<NestInterceptor[]> };
  filtersContextCreator: { create: Create<{ filters?: unknown }> };
}

/**
 * Reaches the guard, interceptor and exception filter creators of Nest's `ExternalContextCreator`. Neither major
 * exports them, and `ExternalContextCreator.create` alone cannot do what a webhook needs: its guard refusal throws a
 * `ForbiddenException` into the filters (a webhook handler is skipped quietly instead), and its filter chain logs and
 * rethrows when the chosen filter returns nothing. Reusing Nest's own creators keeps global (`APP_GUARD`,
 * `useGlobalFilters`), scoped and request-scoped enhancers resolving exactly as on an HTTP route.
 */
export function enhancerResolverOf(externalContextCreator: ExternalContextCreator): EnhancerResolver {
  const parts = externalContextCreator as unknown as Partial<ExternalContextParts>;
  const { guardsContextCreator, guardsConsumer, interceptorsContextCreator, filtersContextCreator } = parts;
  if (
    typeof guardsContextCreator?.create !== 'function' ||
    typeof guardsConsumer?.tryActivate !== 'function' ||
    typeof interceptorsContextCreator?.create !== 'function' ||
    typeof filtersContextCreator?.create !== 'function'
  ) {
    throw new Error(
      'MessengerWebhookModule: this version of @nestjs/core is not supported (ExternalContextCreator internals changed); ' +
        'supported: @nestjs/core 11 and 12',
    );
  }
  return {
    guards: (...args) => guardsContextCreator.create(...args),
    tryActivate: (...args) => guardsConsumer.tryActivate(...args),
    interceptors: (...args) => interceptorsContextCreator.create(...args),
    filters: (...args) => {
      const filters = filtersContextCreator.create(...args).filters;
      return Array.isArray(filters) ? (filters as BoundExceptionFilter[]) : [];
    },
  };
}

/** The filter Nest would pick for an exception: the first whose `@Catch()` is empty or names one of its classes. */
export function selectExceptionFilter(filters: readonly BoundExceptionFilter[], exception: unknown): BoundExceptionFilter | undefined {
  return filters.find(
    ({ exceptionMetatypes }) => exceptionMetatypes.length === 0 || exceptionMetatypes.some((type) => exception instanceof type),
  );
}
