import 'reflect-metadata';
import { describe, expect, it, vi } from 'vitest';
import { OnHandover, OnMessage, OnPostback, type ListenerMetadata } from '../../src/handlers/decorators/listener.decorators.js';
import type { MessengerContext } from '../../src/events/messenger-context.js';
import type { MessengerEvent } from '../../src/events/messenger-event.js';
import { MESSENGER_LISTENERS_METADATA } from '../../src/messenger-webhook.constants.js';
import { compileFilter } from '../../src/handlers/route-filter.js';

const WHERE = '@OnMessage on Bot.handle';

function contextOf(overrides: Partial<MessengerContext> = {}): MessengerContext {
  return {
    platform: 'messenger',
    object: 'page',
    pageId: 'PAGE_1',
    time: 1,
    standby: false,
    source: 'messaging',
    kind: 'message',
    field: 'messages',
    eventId: 'EVENT_ID',
    params: {},
    reply: () => Promise.reject(new Error('filters never reply')),
    ...overrides,
  } as MessengerContext;
}

/** Events are class instances at run time; the filters only read their fields, so plain objects stand in. */
function messageEvent(message: Record<string, unknown>): MessengerEvent {
  return { sender: { id: 'U1' }, recipient: { id: 'PAGE_1' }, timestamp: 1, message: { mid: 'm1', ...message } } as unknown as MessengerEvent;
}

function postbackEvent(payload: string): MessengerEvent {
  return { sender: { id: 'U1' }, timestamp: 1, postback: { title: 'T', payload } } as unknown as MessengerEvent;
}

/** What the decorators recorded on `Class.prototype[method]`. */
function listenersOf(type: { prototype: object }, method: string): ListenerMetadata[] {
  return Reflect.getMetadata(MESSENGER_LISTENERS_METADATA, (type.prototype as Record<string, object>)[method]!) as ListenerMetadata[];
}

describe('compileFilter: start-up errors', () => {
  it('refuses a filter of another decorator, naming the handler and the filter', () => {
    expect(() => compileFilter('postback', { text: 'hi' }, '@OnPostback on Bot.start')).toThrow(
      '@OnPostback on Bot.start filter "text" is not a filter of this decorator',
    );
    expect(() => compileFilter('postback', { attachment: 'image' }, '@OnPostback on Bot.start')).toThrow('filter "attachment" is not a filter');
    expect(() => compileFilter('message', { kind: 'message' }, WHERE)).toThrow('filter "kind" is not a filter');
    expect(() => compileFilter('message', { payload: 'X' }, WHERE)).toThrow('filter "payload" is not a filter');
    expect(() => compileFilter('delivery', { text: 'X' }, '@OnDelivery on Bot.d')).toThrow('filter "text" is not a filter');
  });

  it('refuses a where that is not a function', () => {
    expect(() => compileFilter('message', { where: true }, WHERE)).toThrow(`${WHERE} filter "where" must be a function`);
  });

  it('refuses a bad pattern, naming the filter', () => {
    expect(() => compileFilter('postback', { payload: 'ADD:{1}' }, '@OnPostback on Bot.add')).toThrow(
      '@OnPostback on Bot.add filter "payload": "{1}" in pattern "ADD:{1}" is not a valid placeholder name',
    );
  });

  it('types @OnPostback({ text }) as an error, and refuses it at start-up for JavaScript callers', () => {
    class Bot {
      // @ts-expect-error `text` is a filter of @OnMessage, not of @OnPostback: the compiler catches it.
      @OnPostback({ text: 'hi' })
      start() {}
    }
    const [listener] = listenersOf(Bot, 'start');
    expect(listener).toMatchObject({ listener: 'postback', decorator: 'OnPostback', options: { text: 'hi' } });
    expect(() => compileFilter(listener!.listener, listener!.options, '@OnPostback on Bot.start')).toThrow('filter "text" is not a filter of this decorator');
  });
});

describe('compileFilter: matching', () => {
  it('matches every event of its kind when given no filter, capturing nothing', () => {
    const filter = compileFilter('message', {}, WHERE);
    expect(filter(messageEvent({ text: 'anything' }), contextOf())).toEqual({});
  });

  it('ignores filters set to undefined', () => {
    const filter = compileFilter('message', { text: undefined, pageId: undefined }, WHERE);
    expect(filter(messageEvent({}), contextOf())).toEqual({});
  });

  it('needs every filter to match, and merges their captures', () => {
    const filter = compileFilter('message', { text: 'size {size}', quickReply: /^SIZE_(?<code>\w+)$/, platform: 'messenger' }, WHERE);
    expect(filter(messageEvent({ text: 'size L', quick_reply: { payload: 'SIZE_L' } }), contextOf())).toEqual({ size: 'L', code: 'L' });
    expect(filter(messageEvent({ text: 'size L', quick_reply: { payload: 'COLOR_RED' } }), contextOf())).toBeNull();
    expect(filter(messageEvent({ text: 'size L' }), contextOf())).toBeNull();
    expect(filter(messageEvent({ text: 'size L', quick_reply: { payload: 'SIZE_L' } }), contextOf({ platform: 'instagram' }))).toBeNull();
  });

  it('matches a page id or any of a list', () => {
    const one = compileFilter('message', { pageId: 'PAGE_2' }, WHERE);
    const list = compileFilter('message', { pageId: ['PAGE_2', 'PAGE_3'] }, WHERE);
    const event = messageEvent({});
    expect(one(event, contextOf({ pageId: 'PAGE_2' }))).toEqual({});
    expect(one(event, contextOf({ pageId: 'PAGE_3' }))).toBeNull();
    expect(list(event, contextOf({ pageId: 'PAGE_3' }))).toEqual({});
    expect(list(event, contextOf({ pageId: 'PAGE_1' }))).toBeNull();
  });

  it('matches any of the attachment types', () => {
    const filter = compileFilter('message', { attachment: ['audio', 'video'] }, WHERE);
    expect(filter(messageEvent({ attachments: [{ type: 'file' }, { type: 'video' }] }), contextOf())).toEqual({});
    expect(filter(messageEvent({ attachments: [{ type: 'image' }] }), contextOf())).toBeNull();
    expect(filter(messageEvent({ text: 'no attachments' }), contextOf())).toBeNull();
  });

  it('runs where last, with the captures so far, and only when the other filters matched', () => {
    const where = vi.fn((_event: MessengerEvent, context: MessengerContext) => context.params.n !== '0');
    const filter = compileFilter('postback', { payload: 'VOTE:{n}', where }, '@OnPostback on Bot.vote');
    expect(filter(postbackEvent('VOTE:1'), contextOf({ kind: 'postback' }))).toEqual({ n: '1' });
    expect(filter(postbackEvent('VOTE:0'), contextOf({ kind: 'postback' }))).toBeNull();
    expect(where).toHaveBeenCalledTimes(2);
    expect(filter(postbackEvent('OTHER'), contextOf({ kind: 'postback' }))).toBeNull();
    expect(where).toHaveBeenCalledTimes(2);
    expect(where.mock.calls[0]![1].params).toEqual({ n: '1' });
  });

  it('matches handover events by kind', () => {
    const filter = compileFilter('handover', { kind: ['take_thread_control', 'app_roles'] }, '@OnHandover on Bot.h');
    const event = {} as MessengerEvent;
    expect(filter(event, contextOf({ kind: 'app_roles' }))).toEqual({});
    expect(filter(event, contextOf({ kind: 'pass_thread_control' }))).toBeNull();
  });
});

describe('listener decorators', () => {
  it('stack on one method in the order they are written, shorthands expanded', () => {
    class Bot {
      @OnMessage('hi')
      @OnMessage(/^hey/i)
      @OnHandover({ kind: 'pass_thread_control' })
      greet() {}
    }
    expect(listenersOf(Bot, 'greet')).toEqual([
      { listener: 'message', decorator: 'OnMessage', options: { text: 'hi' } },
      { listener: 'message', decorator: 'OnMessage', options: { text: /^hey/i } },
      { listener: 'handover', decorator: 'OnHandover', options: { kind: 'pass_thread_control' } },
    ]);
  });
});
