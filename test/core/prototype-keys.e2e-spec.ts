import { Injectable, type INestApplication } from '@nestjs/common';
import { afterEach, describe, expect, it } from 'vitest';
import { AppRolesEvent, MessageEvent, MessengerWebhookModule, OnHandover, OnMessage, UnknownAttachment } from 'nestjs-messenger-webhook';
import { createMessengerTestClient, signPayload } from 'nestjs-messenger-webhook/testing';
import { APP_SECRET, createTestApp, VERIFY_TOKEN, type AdapterName } from '../support/app.js';
import { postRaw } from '../robustness/harness.js';

@Injectable()
class Keeper {
  readonly messages: MessageEvent[] = [];
  readonly roles: AppRolesEvent[] = [];

  @OnMessage()
  onMessage(event: MessageEvent): void {
    this.messages.push(event);
  }

  @OnHandover({ kind: 'app_roles' })
  onRoles(event: AppRolesEvent): void {
    this.roles.push(event);
  }
}

// Free-form objects (nlp, app_roles, unknown attachment payloads) may hold any key: none may cost its event or reach a
// prototype. Written as text, since an object literal cannot hold an own "__proto__" key.
const BODY = String.raw`{"object":"page","entry":[{"id":"PAGE_1","time":1,"messaging":[
  {"sender":{"id":"U1"},"recipient":{"id":"PAGE_1"},"timestamp":1,"message":{"mid":"m1","text":"hi",
    "nlp":{"entities":{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"prototype":{"x":1}}},
    "attachments":[{"type":"brand_new","payload":{"__proto__":{"isAdmin":true}}}]}},
  {"recipient":{"id":"PAGE_1"},"timestamp":2,"app_roles":{"__proto__":["primary_receiver"],"123":["secondary_receiver"]}}
]}]}`;

describe('keys named __proto__, constructor or prototype in free-form objects', () => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function boot(adapter: AdapterName) {
    app = await createTestApp(adapter, { imports: [MessengerWebhookModule.forRoot({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET })], providers: [Keeper] });
    return { client: createMessengerTestClient(app), keeper: app.get(Keeper) };
  }

  function expectKept(keeper: Keeper): void {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    const [message] = keeper.messages;
    expect(message?.message.text).toBe('hi');
    expect(message?.message.attachments?.[0]).toBeInstanceOf(UnknownAttachment);
    expect(Object.getPrototypeOf(message?.message.nlp)).toBe(Object.prototype);
    expect(keeper.roles[0]?.app_roles['123']).toEqual(['secondary_receiver']);
    expect(Object.getPrototypeOf(keeper.roles[0]?.app_roles)).toBe(Object.prototype);
  }

  it('cost nothing on Express', async () => {
    const { client, keeper } = await boot('express');
    expect((await client.send(BODY)).status).toBe(200);
    expectKept(keeper);
  });

  it("cost nothing on Fastify with its default JSON parser settings (the webhook route removes the keys before Fastify's parser would refuse the body)", async () => {
    const { client, keeper } = await boot('fastify');
    expect((await client.send(BODY)).status).toBe(200);
    expectKept(keeper);
  });

  // A body that is still arriving when the webhook route looks at it (no Content-Length, two chunks) is read as it
  // comes rather than taken whole from the request stream: both ways must keep its events.
  it.each(['express', 'fastify'] as const)('cost nothing on %s when the body comes chunked, without a Content-Length', async (adapter) => {
    const { client, keeper } = await boot(adapter);
    const url = await client.webhookUrl();
    const body = Buffer.from(BODY);
    expect(await postRaw(url, body, 'application/json', signPayload(body, APP_SECRET), true)).toBe(200);
    expectKept(keeper);
  });
});
