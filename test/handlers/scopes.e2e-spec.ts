import { Inject, Injectable, Scope, type INestApplication } from '@nestjs/common';
import { ContextIdFactory, REQUEST, type ContextId, type ContextIdStrategy, type HostComponentInfo } from '@nestjs/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  Event,
  MessageEvent,
  MessengerWebhookModule,
  OnMessage,
  PageId,
  type MessengerContext,
  type MessengerEvent,
} from 'nestjs-messenger-webhook';
import { createMessengerTestClient, MessengerEvents, WebhookBodyBuilder, type MessengerTestClient } from 'nestjs-messenger-webhook/testing';
import { ADAPTERS, APP_SECRET, createTestApp, VERIFY_TOKEN } from '../support/app.js';

const text = (body: string) => MessengerEvents.text(body);

/** What a request-scoped handler receives as `REQUEST`. */
interface EventRequest {
  event: MessengerEvent;
  context: MessengerContext;
}

/** The calls of this file's handlers, with the instance that handled each. */
const seen: Array<{ handler: string; instance: object; request?: unknown; event?: MessengerEvent; pageId?: string }> = [];

@Injectable({ scope: Scope.REQUEST })
class PerEventBot {
  constructor(@Inject(REQUEST) private readonly request: EventRequest) {}

  @OnMessage({ text: /^scoped/ })
  handle(@Event() event: MessageEvent) {
    seen.push({ handler: 'perEvent', instance: this, request: this.request, event });
  }
}

/** Not request-scoped itself, but it depends on a request-scoped provider, so Nest makes it one too. */
@Injectable({ scope: Scope.REQUEST })
class Conversation {
  constructor(@Inject(REQUEST) readonly request: EventRequest) {}
}

@Injectable()
class DependsOnScoped {
  constructor(readonly conversation: Conversation) {}

  @OnMessage({ text: /^scoped/ })
  handle(@Event() event: MessageEvent) {
    seen.push({ handler: 'dependsOnScoped', instance: this, request: this.conversation.request, event });
  }
}

@Injectable()
class StaticBot {
  @OnMessage({ text: /^scoped/ })
  handle(@Event() event: MessageEvent) {
    seen.push({ handler: 'static', instance: this, event });
  }
}

/** Durable: one instance per page (tenant), kept across events, as a ContextIdStrategy decides. */
@Injectable({ scope: Scope.REQUEST, durable: true })
class PerPageBot {
  constructor(@Inject(REQUEST) private readonly tenant: { pageId: string }) {}

  @OnMessage({ text: /^tenant/ })
  handle(@PageId() pageId: string) {
    seen.push({ handler: 'perPage', instance: this, request: this.tenant, pageId });
  }
}

/** Groups events by page: durable providers get one sub-tree per page, the others one per event. */
class PageContextIdStrategy implements ContextIdStrategy<Partial<EventRequest>> {
  private readonly pages = new Map<string, ContextId>();

  attach(contextId: ContextId, request: Partial<EventRequest>) {
    const pageId = request.context?.pageId;
    if (pageId === undefined) return () => contextId;
    let pageTree = this.pages.get(pageId);
    if (!pageTree) {
      pageTree = ContextIdFactory.create();
      this.pages.set(pageId, pageTree);
    }
    const tree = pageTree;
    return { resolve: (info: HostComponentInfo) => (info.isTreeDurable ? tree : contextId), payload: { pageId } };
  }
}

describe.each(ADAPTERS)('request-scoped handlers on %s', (adapter) => {
  let app: INestApplication;
  let client: MessengerTestClient;

  beforeAll(async () => {
    app = await createTestApp(adapter, {
      imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET })],
      providers: [PerEventBot, Conversation, DependsOnScoped, StaticBot],
    });
    client = createMessengerTestClient(app);
  });
  afterAll(() => app.close());
  beforeEach(() => {
    seen.length = 0;
  });

  it('creates one instance of a request-scoped handler per event and injects { event, context } as REQUEST', async () => {
    const response = await client.send([text('scoped one'), text('scoped two')]);
    expect(response.status).toBe(200);

    const perEvent = seen.filter((call) => call.handler === 'perEvent');
    expect(perEvent).toHaveLength(2);
    expect(perEvent[0]!.instance).not.toBe(perEvent[1]!.instance);
    for (const call of perEvent) {
      const request = call.request as EventRequest;
      expect(Object.keys(request).sort()).toEqual(['context', 'event']);
      expect(request.event).toBe(call.event);
      expect(request.context).toMatchObject({ kind: 'message', pageId: 'PAGE_1', platform: 'messenger' });
    }
    expect(perEvent.map((call) => (call.event as MessageEvent).message.text)).toEqual(['scoped one', 'scoped two']);
  });

  it('makes a provider that depends on a request-scoped one per event too', async () => {
    const response = await client.send([text('scoped a'), text('scoped b')]);
    expect(response.status).toBe(200);

    const calls = seen.filter((call) => call.handler === 'dependsOnScoped');
    expect(calls).toHaveLength(2);
    expect(calls[0]!.instance).not.toBe(calls[1]!.instance);
    expect(calls.map((call) => (call.request as EventRequest).event)).toEqual(calls.map((call) => call.event));
  });

  it('keeps one instance of a static handler for every event', async () => {
    expect((await client.send(text('scoped x'))).status).toBe(200);
    expect((await client.send(text('scoped y'))).status).toBe(200);

    const calls = seen.filter((call) => call.handler === 'static');
    expect(calls).toHaveLength(2);
    expect(calls[0]!.instance).toBe(calls[1]!.instance);
    expect(calls[0]!.instance).toBe(app.get(StaticBot));
  });
});

// Runs after the suites above: a ContextIdStrategy is process-wide in Nest and cannot be removed once applied.
describe.each(ADAPTERS)('durable handlers with a ContextIdStrategy on %s', (adapter) => {
  let app: INestApplication;
  let client: MessengerTestClient;

  beforeAll(async () => {
    ContextIdFactory.apply(new PageContextIdStrategy());
    app = await createTestApp(adapter, {
      imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET })],
      providers: [PerPageBot, PerEventBot],
    });
    client = createMessengerTestClient(app);
  });
  afterAll(() => app.close());
  beforeEach(() => {
    seen.length = 0;
  });

  it('gives a durable handler one instance per page, with the strategy payload as REQUEST; others stay per event', async () => {
    const response = await client.send(
      new WebhookBodyBuilder()
        .entry('PAGE_A', [text('tenant 1'), text('scoped 1')])
        .entry('PAGE_B', [text('tenant 2')])
        .build(),
    );
    expect(response.status).toBe(200);
    expect((await client.send([text('tenant 3'), text('scoped 2')], { pageId: 'PAGE_A' })).status).toBe(200);

    const calls = seen.filter((call) => call.handler === 'perPage');
    expect(calls.map((call) => call.pageId)).toEqual(['PAGE_A', 'PAGE_B', 'PAGE_A']);
    expect(calls.map((call) => call.request)).toEqual([{ pageId: 'PAGE_A' }, { pageId: 'PAGE_B' }, { pageId: 'PAGE_A' }]);
    expect(calls[0]!.instance).toBe(calls[2]!.instance);
    expect(calls[0]!.instance).not.toBe(calls[1]!.instance);

    const perEvent = seen.filter((call) => call.handler === 'perEvent');
    expect(perEvent).toHaveLength(2);
    expect(perEvent[0]!.instance).not.toBe(perEvent[1]!.instance);
    expect(perEvent.map((call) => Object.keys(call.request as object).sort())).toEqual([['context', 'event'], ['context', 'event']]);
  });
});
