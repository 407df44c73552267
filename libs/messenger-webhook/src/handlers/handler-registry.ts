import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ContextIdFactory, DiscoveryService, ExternalContextCreator, MetadataScanner, ModuleRef } from '@nestjs/core';
import { ALL_EVENT_KINDS, type EventKind, type ListenerName } from '../events/event-kinds.js';
import type { ListenerMetadata } from './decorators/listener.decorators.js';
import { HandlerInvokerFactory, type InvocationOutcome, type Invoker } from './handler-invoker.js';
import { MESSENGER_LISTENERS_METADATA, MESSENGER_WEBHOOK_CONFIG } from '../messenger-webhook.constants.js';
import type { ResolvedMessengerWebhookConfig } from '../messenger-webhook.options.js';
import { compileFilter, type CompiledFilter } from './route-filter.js';

/** A handler method found at start-up. */
export interface RegisteredHandler {
  /** `Class.method`, as logs name it. */
  readonly name: string;
  /** Calls the method with every enhancer applied (resolving a request-scoped host first); never rejects. */
  readonly invoke: Invoker;
}

/** A handler as routed for one event type: the compiled filters of those of its decorators that apply. */
export interface Route {
  /** The handler. */
  readonly handler: RegisteredHandler;
  /** Tried in order; the first match gives the captures, and the handler runs once per event at most. */
  readonly filters: readonly CompiledFilter[];
}

/** A provider as discovery lists it. */
type ProviderWrapper = ReturnType<DiscoveryService['getProviders']>[number];

const NO_ROUTES: readonly Route[] = Object.freeze([]);

/**
 * Finds every decorated handler on the app's providers once, at start-up, and keeps, per event type and
 * standby flag, the list of handlers to call, so dispatch does no metadata look-up per event.
 */
@Injectable()
export class MessengerHandlerRegistry implements OnModuleInit {
  private readonly logger = new Logger('MessengerWebhook');
  private readonly routes = new Map<string, readonly Route[]>();
  private all: RegisteredHandler[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly externalContextCreator: ExternalContextCreator,
    private readonly moduleRef: ModuleRef,
    @Inject(MESSENGER_WEBHOOK_CONFIG) private readonly config: ResolvedMessengerWebhookConfig,
  ) {}

  /** Discovers the handlers; runs before the app listens. */
  onModuleInit(): void {
    if (!this.config.verifySignature) {
      this.logger.warn('verifySignature is false: anyone who knows the URL can post forged events. Never run like this in production.');
    }
    const invokers = new HandlerInvokerFactory(this.externalContextCreator);
    const limits = { maxRegExpInputLength: this.config.maxRegExpInputLength };
    const found: Array<{ handler: RegisteredHandler; listeners: Array<{ listener: ListenerName; filter: CompiledFilter }> }> = [];
    const seen = new Set<unknown>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (!instance || typeof instance !== 'object' || wrapper.isAlias || seen.has(instance)) continue;
      seen.add(instance);
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const methodName of this.scanner.getAllMethodNames(prototype)) {
        const method = (prototype as Record<string, unknown>)[methodName];
        const metadata: ListenerMetadata[] | undefined =
          typeof method === 'function' ? Reflect.getMetadata(MESSENGER_LISTENERS_METADATA, method) : undefined;
        if (!metadata?.length) continue;
        const name = `${instance.constructor.name}.${methodName}`;
        const listeners = metadata.map(({ listener, decorator, options }) => ({ listener, filter: compileFilter(listener, options, `@${decorator} on ${name}`, limits) }));
        const invoke = wrapper.isDependencyTreeStatic()
          ? invokers.create(instance, methodName)
          : this.perEventInvoker(invokers, wrapper, methodName);
        found.push({ handler: { name, invoke }, listeners });
        this.logger.log(`${name} handles ${metadata.map((entry) => `@${entry.decorator}`).join(', ')}`);
      }
    }
    this.all = found.map((entry) => entry.handler);
    // Events that could not be read go to @OnInvalidEvent (and @OnEvent), standby or not.
    for (const { kind, listener } of [...ALL_EVENT_KINDS, { kind: 'invalid', listener: 'invalid' } as const]) {
      for (const standby of [false, true]) {
        const wanted: ListenerName = standby && kind !== 'invalid' ? 'standby' : listener;
        const routes = found
          .map(({ handler, listeners }) => ({
            handler,
            filters: listeners.filter((entry) => entry.listener === wanted || entry.listener === 'event').map((entry) => entry.filter),
          }))
          .filter((route) => route.filters.length > 0);
        this.routes.set(routeKey(kind, standby), routes.length ? routes : NO_ROUTES);
      }
    }
    if (found.length === 0) {
      this.logger.warn('No handlers found: decorate a method of a provider with @OnMessage(), @OnEvent(), ...');
    }
  }

  /** The handlers to try for an event of this type, in discovery order. */
  routesFor(kind: EventKind, standby: boolean): readonly Route[] {
    return this.routes.get(routeKey(kind, standby)) ?? NO_ROUTES;
  }

  /** Every handler found. */
  get handlers(): readonly RegisteredHandler[] {
    return this.all;
  }

  /** A request-scoped (or durable) host gets one instance per event: the event is the unit of work. */
  private perEventInvoker(invokers: HandlerInvokerFactory, wrapper: ProviderWrapper, methodName: string): Invoker {
    return async (event, context): Promise<InvocationOutcome> => {
      const request = { event, context };
      try {
        const contextId = ContextIdFactory.getByRequest(request);
        this.moduleRef.registerRequestByContextId(request, contextId);
        const instance = await this.moduleRef.resolve<object>(wrapper.token as never, contextId, { strict: false });
        return await invokers.create(instance, methodName, contextId, wrapper.id)(event, context);
      } catch (error) {
        return { status: 'failed', error };
      }
    };
  }
}

function routeKey(kind: EventKind, standby: boolean): string {
  return standby ? `${kind}:standby` : kind;
}
