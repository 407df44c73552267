import type { ExecutionContext, Type } from '@nestjs/common';

type HttpHost = ReturnType<ExecutionContext['switchToHttp']>;
type RpcHost = ReturnType<ExecutionContext['switchToRpc']>;
type WsHost = ReturnType<ExecutionContext['switchToWs']>;

/**
 * The `ExecutionContext` an exception filter of a webhook handler receives: the handler's arguments
 * (`[event, context]`), its class and method, and the context type. The `switchTo*` views map positions the way
 * Nest's do, so an HTTP-only filter that reaches for a response fails inside the filter, where it is reported.
 */
export class HandlerArgumentsHost implements ExecutionContext {
  constructor(
    private readonly args: unknown[],
    private readonly classRef: Type<unknown>,
    private readonly handler: Function,
    private readonly type: string,
  ) {}

  /** The handler's arguments. */
  getArgs<T extends unknown[] = unknown[]>(): T {
    return this.args as T;
  }

  /** One of the handler's arguments. */
  getArgByIndex<T = unknown>(index: number): T {
    return this.args[index] as T;
  }

  /** The context type, `'messenger'` for webhook handlers. */
  getType<T extends string = string>(): T {
    return this.type as T;
  }

  /** The class of the handler. */
  getClass<T = unknown>(): Type<T> {
    return this.classRef as Type<T>;
  }

  /** The handler method. */
  getHandler(): Function {
    return this.handler;
  }

  /** Nest's HTTP view over the same positions. */
  switchToHttp(): HttpHost {
    return {
      getRequest: () => this.getArgByIndex(0),
      getResponse: () => this.getArgByIndex(1),
      getNext: () => this.getArgByIndex(2),
    } as HttpHost;
  }

  /** Nest's RPC view over the same positions. */
  switchToRpc(): RpcHost {
    return { getData: () => this.getArgByIndex(0), getContext: () => this.getArgByIndex(1) } as RpcHost;
  }

  /** Nest's WebSocket view over the same positions. */
  switchToWs(): WsHost {
    return {
      getClient: () => this.getArgByIndex(0),
      getData: () => this.getArgByIndex(1),
      getPattern: () => this.getArgByIndex(this.args.length - 1),
    } as WsHost;
  }
}
