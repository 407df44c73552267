import {
  Catch,
  Inject,
  Injectable,
  ParseIntPipe,
  Scope,
  UseFilters,
  UseGuards,
  UseInterceptors,
  type ArgumentsHost,
  type CallHandler,
  type CanActivate,
  type ExceptionFilter,
  type ExecutionContext,
  type INestApplicationContext,
  type NestInterceptor,
} from '@nestjs/common';
import { APP_INTERCEPTOR, REQUEST } from '@nestjs/core';
import { tap, type Observable } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Event,
  MessageEvent,
  MessengerDispatcher,
  MessengerExecutionContext,
  OnMessage,
  OnPostback,
  Param,
  PostbackEvent,
  Sender,
  Text,
  type HandlerFailure,
  type MessengerContext,
  type MessengerEvent,
} from 'nestjs-messenger-webhook';
import { MessengerEvents } from 'nestjs-messenger-webhook/testing';
import { startRedis, type TestRedis } from '../support/redis-server.js';
import { eventually, startQueueApp, startQueueWorker, uniqueQueueName, type QueueApp } from './queue-kit.js';

/** What the enhancers and handlers saw on the worker. */
const seen = {
  guard: [] as Array<{ type: string; kind: string; text: string | undefined }>,
  interceptor: [] as string[],
  global: [] as string[],
  filtered: [] as Array<{ type: string; message: string }>,
  calls: [] as Array<{ handler: string; args: unknown[]; instanceOf?: boolean }>,
  scoped: [] as Array<{ request: { event: MessengerEvent; context: MessengerContext }; instance: object }>,
  failures: [] as HandlerFailure[],
  hook: [] as HandlerFailure[],
};

class TooLongError extends Error {}

@Injectable()
class NoSpamGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const messenger = MessengerExecutionContext.create(context);
    const event = messenger.getEvent<MessageEvent>();
    seen.guard.push({ type: context.getType(), kind: messenger.getContext().kind, text: event.message.text });
    return event.message.text !== 'spam';
  }
}

@Injectable()
class TraceInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const kind = MessengerExecutionContext.create(context).getContext().kind;
    seen.interceptor.push(`before ${kind}`);
    return next.handle().pipe(tap(() => seen.interceptor.push(`after ${kind}`)));
  }
}

@Injectable()
class GlobalInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    seen.global.push(context.getType());
    return next.handle();
  }
}

@Catch(TooLongError)
class TooLongFilter implements ExceptionFilter {
  catch(error: TooLongError, host: ArgumentsHost): void {
    seen.filtered.push({ type: host.getType(), message: error.message });
  }
}

@Injectable({ scope: Scope.REQUEST })
class PerEventBot {
  constructor(@Inject(REQUEST) private readonly request: { event: MessengerEvent; context: MessengerContext }) {}

  @OnPostback('SCOPED')
  onScoped() {
    seen.scoped.push({ request: this.request, instance: this });
  }
}

@Injectable()
class EnhancedBot {
  @OnMessage()
  @UseGuards(NoSpamGuard)
  @UseInterceptors(TraceInterceptor)
  @UseFilters(TooLongFilter)
  onMessage(@Text() text: string, @Sender() sender: string, @Event() event: MessageEvent) {
    seen.calls.push({ handler: 'onMessage', args: [text, sender], instanceOf: event instanceof MessageEvent });
    if (text === 'too long') throw new TooLongError('text too long');
    if (text === 'boom') throw new Error('boom');
  }

  @OnPostback('ADD:{sku}:{qty}')
  onAdd(@Param('sku') sku: string, @Param('qty', ParseIntPipe) qty: number, @Event() event: PostbackEvent) {
    seen.calls.push({ handler: 'onAdd', args: [sku, qty], instanceOf: event instanceof PostbackEvent });
  }
}

describe('queue mode: guards, interceptors, pipes, filters, scopes and failures behave as in-process', () => {
  let redis: TestRedis;
  let edge: QueueApp;
  let worker: INestApplicationContext;

  beforeAll(async () => {
    redis = await startRedis();
    const queue = { connection: redis.url, name: uniqueQueueName('enhancers'), attempts: 1 };
    edge = await startQueueApp({ ...queue, role: 'edge' }, { providers: [] });
    worker = await startQueueWorker(queue, [EnhancedBot, PerEventBot, { provide: APP_INTERCEPTOR, useClass: GlobalInterceptor }], {
      extra: { onHandlerError: (failure) => seen.hook.push(failure) },
    });
    worker.get(MessengerDispatcher).failures$.subscribe((failure) => seen.failures.push(failure));
  });

  afterAll(async () => {
    await edge?.app.close();
    await worker?.close();
    await redis?.stop();
  });

  it('runs every enhancer on the worker, with the event rebuilt as its class', async () => {
    const events = [
      MessengerEvents.text('hello', { sender: 'ENH' }),
      MessengerEvents.text('spam', { sender: 'ENH' }),
      MessengerEvents.text('too long', { sender: 'ENH' }),
      MessengerEvents.text('boom', { sender: 'ENH' }),
      MessengerEvents.postback('ADD:A1:3', { sender: 'ENH' }),
      MessengerEvents.postback('SCOPED', { sender: 'ENH' }),
      MessengerEvents.postback('SCOPED', { sender: 'ENH' }),
    ];
    expect((await edge.client.send(events)).status).toBe(200);
    await eventually(() => seen.scoped.length === 2, () => JSON.stringify(seen));

    expect(seen.guard.map((entry) => entry.text)).toEqual(['hello', 'spam', 'too long', 'boom']);
    expect(seen.guard.every((entry) => entry.type === 'messenger' && entry.kind === 'message')).toBe(true);
    expect(seen.calls).toEqual([
      { handler: 'onMessage', args: ['hello', 'ENH'], instanceOf: true },
      { handler: 'onMessage', args: ['too long', 'ENH'], instanceOf: true },
      { handler: 'onMessage', args: ['boom', 'ENH'], instanceOf: true },
      { handler: 'onAdd', args: ['A1', 3], instanceOf: true },
    ]);
    expect(seen.interceptor).toEqual(['before message', 'after message', 'before message', 'before message']);
    expect(seen.global.every((type) => type === 'messenger')).toBe(true);
    expect(seen.filtered).toEqual([{ type: 'messenger', message: 'text too long' }]);
    expect(seen.failures.map((failure) => [failure.handler, (failure.error as Error).message])).toEqual([['EnhancedBot.onMessage', 'boom']]);
    expect(seen.hook).toEqual(seen.failures);
    const [first, second] = seen.scoped;
    expect(first!.instance).not.toBe(second!.instance);
    expect(first!.request.context.kind).toBe('postback');
    expect(first!.request.event).toBeInstanceOf(PostbackEvent);
  });
});
