import { Injectable, SetMetadata, type CanActivate, type ExecutionContext, type INestApplication } from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MessengerDispatcher, MessengerWebhookModule, OnMessage, type HandlerFailure, type MessageEvent } from 'nestjs-messenger-webhook';
import { createMessengerTestClient, MessengerEvents, type MessengerTestClient } from 'nestjs-messenger-webhook/testing';
import { ADAPTERS, APP_SECRET, createTestApp, VERIFY_TOKEN } from '../support/app.js';
import { LogCapture } from '../support/log-capture.js';

const IS_PUBLIC = 'isPublic';
/** The usual marker of routes a global auth guard lets through. */
const Public = () => SetMetadata(IS_PUBLIC, true);

/** A typical app-wide guard written for HTTP only: it reads a header, with no look at context.getType(). */
@Injectable()
class ApiKeyGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string> }>();
    return request.headers['x-api-key'] === 'key';
  }
}

@Injectable()
class Bot {
  readonly handled: string[] = [];

  @OnMessage()
  onMessage(event: MessageEvent): void {
    this.handled.push(event.message.mid);
  }
}

const logs = new LogCapture();

describe.each(ADAPTERS)('a global HTTP guard (APP_GUARD) with the webhook route exempted, on %s', (adapter) => {
  let app: INestApplication;
  let client: MessengerTestClient;
  const failures: HandlerFailure[] = [];
  beforeAll(async () => {
    app = await createTestApp(
      adapter,
      {
        // Step one of the README: the webhook route itself is exempted, so Meta's requests pass the guard.
        imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, controllerDecorators: [Public()] })],
        providers: [Bot, { provide: APP_GUARD, useClass: ApiKeyGuard }],
      },
      { logger: logs },
    );
    client = createMessengerTestClient(app);
    await app.init();
    app.get(MessengerDispatcher).failures$.subscribe((failure) => failures.push(failure));
  });
  afterAll(() => app.close());
  beforeEach(() => logs.clear());

  it('logs one error naming the fix, not one stack per event, when the guard throws on every messenger call', async () => {
    for (let index = 0; index < 5; index++) {
      expect((await client.send(MessengerEvents.text('hi', { sender: `U${index}` }))).status).toBe(200);
    }
    expect(app.get(Bot).handled).toEqual([]);
    const errors = logs.errors();
    expect(errors).toHaveLength(1);
    expect(failures).toHaveLength(5);
    expect(failures.every((failure) => failure.stage === 'guard')).toBe(true);
    expect(errors[0]!.message).toContain('Bot.onMessage');
    expect(errors[0]!.message).toContain("context.getType() !== 'http'");
    expect(errors[0]!.message).toMatch(/Cannot read properties of undefined \(reading 'x-api-key'\)/);
  });
});
