import {
  Catch,
  Controller,
  Get,
  Injectable,
  SetMetadata,
  UseFilters,
  UseGuards,
  UseInterceptors,
  UsePipes,
  type ArgumentsHost,
  type CallHandler,
  type CanActivate,
  type ExceptionFilter,
  type ExecutionContext,
  type INestApplication,
  type NestInterceptor,
  type PipeTransform,
} from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import { catchError, map, of, tap, type Observable } from 'rxjs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  MESSENGER_CONTEXT_TYPE,
  MessengerDispatcher,
  MessengerExecutionContext,
  MessengerWebhookModule,
  OnMessage,
  OnPostback,
  Payload,
  PostbackEvent,
  Text,
  type HandlerFailure,
} from 'nestjs-messenger-webhook';
import { createMessengerTestClient, MessengerEvents, type MessengerTestClient } from 'nestjs-messenger-webhook/testing';
import { ADAPTERS, APP_SECRET, createTestApp, VERIFY_TOKEN } from '../support/app.js';
import { LogCapture } from '../support/log-capture.js';

/** What the enhancers saw, for the tests to read; reset before each test. */
const seen = {
  globalGuardTypes: [] as string[],
  filterCatches: [] as Array<{ filter: string; error: unknown; type: string; args: unknown[] }>,
  interceptor: [] as string[],
  elapsed: [] as number[],
  results: [] as unknown[],
  swallowed: [] as unknown[],
  guardContexts: [] as Array<{ type: string; kind: string; payload: unknown }>,
};

function reset(): void {
  for (const list of Object.values(seen)) list.length = 0;
}

// --- A global guard written for HTTP only, as found in many apps -------------------------------------------------

const IS_PUBLIC = 'isPublic';
/** Marks a route the HTTP guard lets through. */
const Public = () => SetMetadata(IS_PUBLIC, true);

@Injectable()
class ApiKeyGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    seen.globalGuardTypes.push(context.getType());
    if (context.getType() !== 'http') return true;
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>();
    return request.headers['x-api-key'] === 'let-me-in';
  }
}

@Controller('private')
class PrivateController {
  @Get()
  read(): string {
    return 'secret';
  }
}

// --- Method and class enhancers ---------------------------------------------------------------------------------

@Injectable()
class DenyGuard implements CanActivate {
  canActivate(): boolean {
    return false;
  }
}

@Injectable()
class AdminGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const messenger = MessengerExecutionContext.create(context);
    const event = messenger.getEvent<PostbackEvent>();
    seen.guardContexts.push({ type: context.getType(), kind: messenger.getContext().kind, payload: event.postback.payload });
    return event.sender?.id === 'ADMIN';
  }
}

@Catch()
class MethodFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    seen.filterCatches.push({ filter: 'method', error, type: host.getType(), args: host.getArgs() });
  }
}

@Catch()
class ClassFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    seen.filterCatches.push({ filter: 'class', error, type: host.getType(), args: host.getArgs() });
  }
}

@Injectable()
class TimingInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const { kind } = MessengerExecutionContext.create(context).getContext();
    const started = performance.now();
    seen.interceptor.push(`before ${kind}`);
    return next.handle().pipe(
      tap(() => {
        seen.interceptor.push(`after ${kind}`);
        seen.elapsed.push(performance.now() - started);
      }),
    );
  }
}

@Injectable()
class ResultRecorder implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(tap((result) => seen.results.push(result)));
  }
}

@Injectable()
class ReplaceResult implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(map(() => 'replaced'));
  }
}

@Injectable()
class SwallowErrors implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((error: unknown) => {
        seen.swallowed.push(error);
        return of(null);
      }),
    );
  }
}

@Injectable()
class UpperCasePipe implements PipeTransform {
  transform(value: unknown): unknown {
    return typeof value === 'string' ? value.toUpperCase() : value;
  }
}

@Injectable()
class ReversePipe implements PipeTransform {
  transform(value: unknown): unknown {
    return typeof value === 'string' ? [...value].reverse().join('') : value;
  }
}

/** Thrown by handlers whose failure a filter handles. */
class OutOfStockError extends Error {}

@Injectable()
class EnhancedBot {
  /** The handlers that ran, with the postback each got. */
  readonly ran: Array<{ handler: string; event: PostbackEvent }> = [];

  /** The handlers that ran for the raw event `raw` (found by its timestamp, which the kit makes unique), sorted. */
  handlersOf(raw: { timestamp: number }): string[] {
    return this.ran
      .filter(({ event }) => event.timestamp === raw.timestamp)
      .map(({ handler }) => handler)
      .sort();
  }

  @OnPostback('GUARDED')
  @UseGuards(DenyGuard)
  @UseFilters(MethodFilter)
  refused(event: PostbackEvent) {
    this.ran.push({ handler: 'refused', event });
  }

  @OnPostback('GUARDED')
  open(event: PostbackEvent) {
    this.ran.push({ handler: 'open', event });
  }

  @OnPostback('ADMIN_ONLY')
  @UseGuards(AdminGuard)
  adminOnly(event: PostbackEvent) {
    this.ran.push({ handler: 'adminOnly', event });
  }

  @OnPostback('TIMED')
  @UseInterceptors(TimingInterceptor)
  async timed(event: PostbackEvent) {
    seen.interceptor.push('handler started');
    // Something worth timing: the interceptor must wait for the async handler to settle.
    await new Promise((resolve) => setTimeout(resolve, 25));
    seen.interceptor.push('handler finished');
    this.ran.push({ handler: 'timed', event });
  }

  @OnPostback('REPLACED')
  @UseInterceptors(ResultRecorder, ReplaceResult)
  replaced(event: PostbackEvent) {
    this.ran.push({ handler: 'replaced', event });
    return 'original';
  }

  @OnPostback('SWALLOWED')
  @UseInterceptors(SwallowErrors)
  swallowed() {
    throw new Error('an error the interceptor swallows');
  }

  @OnPostback('FILTERED')
  @UseFilters(MethodFilter)
  filtered() {
    throw new OutOfStockError('out of stock');
  }

  @OnMessage({ text: 'shout' })
  @UsePipes(UpperCasePipe)
  shout(@Text() text: string, @Payload() payload: unknown) {
    seen.results.push({ text, payload });
  }
}

@Injectable()
@UseFilters(ClassFilter)
@UsePipes(ReversePipe)
class ClassEnhancedBot {
  @OnPostback('CLASS_FILTERED')
  fails() {
    throw new OutOfStockError('class-level out of stock');
  }

  @OnPostback({ payload: /^CLASS_PIPED/ })
  piped(@Payload() payload: string) {
    seen.results.push(payload);
  }
}

describe.each(ADAPTERS)('guards, interceptors, pipes and filters on %s', (adapter) => {
  let app: INestApplication;
  let client: MessengerTestClient;
  let calls: EnhancedBot;
  const logs = new LogCapture();
  const failures: HandlerFailure[] = [];

  beforeAll(async () => {
    app = await createTestApp(
      adapter,
      {
        imports: [
          MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, controllerDecorators: [Public()] }),
        ],
        controllers: [PrivateController],
        providers: [EnhancedBot, ClassEnhancedBot, { provide: APP_GUARD, useClass: ApiKeyGuard }],
      },
      { logger: logs },
    );
    client = createMessengerTestClient(app);
    calls = app.get(EnhancedBot);
    await app.init();
    app.get(MessengerDispatcher).failures$.subscribe((failure) => failures.push(failure));
  });
  afterAll(() => app.close());
  beforeEach(() => {
    calls.ran.length = 0;
    reset();
    logs.clear();
    failures.length = 0;
  });

  async function send(events: object[]): Promise<void> {
    const response = await client.send(events);
    expect(response.status).toBe(200);
  }

  it('skips only the handler whose guard says no, quietly: the others of the event run, no error, no filter', async () => {
    const raw = MessengerEvents.postback('GUARDED');
    await send([raw]);

    expect(calls.handlersOf(raw)).toEqual(['open']);
    expect(seen.filterCatches).toEqual([]);
    expect(logs.errors()).toEqual([]);
    expect(failures).toEqual([]);
  });

  it('gives a guard the messenger context type, the event and the context', async () => {
    const fromAdmin = MessengerEvents.postback('ADMIN_ONLY', { sender: 'ADMIN' });
    const fromGuest = MessengerEvents.postback('ADMIN_ONLY', { sender: 'GUEST' });
    await send([fromAdmin, fromGuest]);

    expect(calls.handlersOf(fromAdmin)).toEqual(['adminOnly']);
    expect(calls.handlersOf(fromGuest)).toEqual([]);
    expect(seen.guardContexts).toEqual([
      { type: MESSENGER_CONTEXT_TYPE, kind: 'postback', payload: 'ADMIN_ONLY' },
      { type: 'messenger', kind: 'postback', payload: 'ADMIN_ONLY' },
    ]);
  });

  it('wraps the whole (async) handler call in an interceptor, which can time it', async () => {
    const raw = MessengerEvents.postback('TIMED');
    await send([raw]);

    expect(calls.handlersOf(raw)).toEqual(['timed']);
    expect(seen.interceptor).toEqual(['before postback', 'handler started', 'handler finished', 'after postback']);
    expect(seen.elapsed).toHaveLength(1);
    // setTimeout may fire a little early on some platforms; 20 of the 25 ms is proof enough.
    expect(seen.elapsed[0]).toBeGreaterThanOrEqual(20);
  });

  it("lets an interceptor replace the handler's result", async () => {
    const raw = MessengerEvents.postback('REPLACED');
    await send([raw]);

    expect(calls.handlersOf(raw)).toEqual(['replaced']);
    expect(seen.results).toEqual(['replaced']);
  });

  it('lets an interceptor swallow an error with catchError: nothing is reported', async () => {
    await send([MessengerEvents.postback('SWALLOWED')]);

    expect(seen.swallowed).toHaveLength(1);
    expect((seen.swallowed[0] as Error).message).toBe('an error the interceptor swallows');
    expect(failures).toEqual([]);
    expect(logs.errors()).toEqual([]);
  });

  it("lets a method @UseFilters filter catch the handler's exception, which is then not an unhandled failure", async () => {
    const raw = MessengerEvents.postback('FILTERED');
    await send([raw]);

    expect(seen.filterCatches).toHaveLength(1);
    const [caught] = seen.filterCatches;
    expect(caught!.filter).toBe('method');
    expect(caught!.error).toBeInstanceOf(OutOfStockError);
    expect(caught!.type).toBe('messenger');
    expect(caught!.args[0]).toBeInstanceOf(PostbackEvent);
    expect(caught!.args[1]).toMatchObject({ kind: 'postback' });
    expect(failures).toEqual([]);
    expect(logs.errors()).toEqual([]);
  });

  it("lets a class @UseFilters filter catch the exceptions of the class's handlers", async () => {
    await send([MessengerEvents.postback('CLASS_FILTERED')]);

    expect(seen.filterCatches.map(({ filter, error }) => ({ filter, message: (error as Error).message }))).toEqual([
      { filter: 'class', message: 'class-level out of stock' },
    ]);
    expect(failures).toEqual([]);
    expect(logs.errors()).toEqual([]);
  });

  it('applies @UsePipes of the method and of the class to the decorated parameters', async () => {
    await send([MessengerEvents.quickReply('shout', 'qr'), MessengerEvents.postback('CLASS_PIPED_ab')]);

    expect(seen.results).toEqual([{ text: 'SHOUT', payload: 'QR' }, 'ba_DEPIP_SSALC']);
  });

  it('coexists with a global guard written for HTTP: webhook handlers run, other routes stay protected', async () => {
    const raw = MessengerEvents.postback('GUARDED');
    await send([raw]);
    expect(calls.handlersOf(raw)).toEqual(['open']);
    // The global guard also ran for the handlers, saw they were not HTTP, and let them through.
    expect(seen.globalGuardTypes).toContain('messenger');
    expect(seen.globalGuardTypes).toContain('http');

    const privateUrl = new URL('/private', await client.webhookUrl()).href;
    expect((await fetch(privateUrl)).status).toBe(403);
    const allowed = await fetch(privateUrl, { headers: { 'x-api-key': 'let-me-in' } });
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toBe('secret');
  });
});
