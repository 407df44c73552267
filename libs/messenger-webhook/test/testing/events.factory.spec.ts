import { describe, expect, it } from 'vitest';
import { KNOWN_ATTACHMENT_KINDS, MessengerEvents, type MessengerEventFactory } from 'nestjs-messenger-webhook/testing';
import { eventSlots } from '../../src/delivery/envelope.js';
import { prepareEvent } from '../../src/dispatch/prepared-event.js';
import type { EventKind } from '../../src/events/event-kinds.js';
import { InvalidEvent } from '../../src/events/invalid-event.js';
import { readEvent } from '../../src/reading/event-reader.js';

/** Runs a raw event through the library's own classification and reading, as the dispatcher would. */
function check(raw: object): { kind: EventKind; problems?: string } {
  const json = JSON.parse(JSON.stringify(raw)) as Record<string, unknown>;
  const list = 'field' in json && 'value' in json ? 'changes' : 'messaging';
  const [slot] = eventSlots({ object: 'page', entry: [{ id: 'PAGE_1', time: 1, [list]: [json] }] });
  const prepared = prepareEvent(slot!, 'messenger', 'page');
  const event = readEvent(prepared, true);
  const problems = event instanceof InvalidEvent ? event.problems.map((problem) => `${problem.path}: ${problem.message}`).join('; ') : undefined;
  return { kind: prepared.definition.kind, problems };
}

// One row per factory: adding a factory without a row here fails the coverage test below.
const cases: Record<MessengerEventFactory, Array<[string, () => object, EventKind]>> = {
  text: [
    ['text', () => MessengerEvents.text('hi'), 'message'],
    ['reply', () => MessengerEvents.text('yes', { replyTo: 'm_1' }), 'message'],
    ['Instagram story reply', () => MessengerEvents.text('love it', { replyToStory: { url: 'https://cdn.example/story.jpg', id: '18000000000000006' } }), 'message'],
  ],
  attachments: [['several attachments', () => MessengerEvents.attachments(['file', 'image'], { text: 'both' }), 'message']],
  unsend: [['Instagram unsent message', () => MessengerEvents.unsend('m_1'), 'message']],
  quickReply: [['quick reply', () => MessengerEvents.quickReply('Yes', 'YES'), 'message']],
  attachment: [
    ...KNOWN_ATTACHMENT_KINDS.map((type): [string, () => object, EventKind] => [`attachment ${type}`, () => MessengerEvents.attachment(type), 'message']),
    ['attachment of an unmodelled type', () => MessengerEvents.attachment('ig_post', { title: 'A post' }), 'message'],
    ['legacy fallback with payload null', () => MessengerEvents.attachment('fallback', null), 'message'],
  ],
  echo: [['echo', () => MessengerEvents.echo('hello', { metadata: 'sent-by-bot' }), 'echo']],
  reaction: [['reaction', () => MessengerEvents.reaction('like'), 'reaction'], ['unreact', () => MessengerEvents.reaction('love', { action: 'unreact', mid: 'm_1' }), 'reaction']],
  unreact: [['unreact as Meta sends it (no reaction name)', () => MessengerEvents.unreact('m_1'), 'reaction']],
  read: [['Messenger read', () => MessengerEvents.read(), 'read'], ['Instagram seen', () => MessengerEvents.read({ instagram: true }), 'read']],
  delivery: [['delivery', () => MessengerEvents.delivery(), 'delivery']],
  messageEdit: [['message edit', () => MessengerEvents.messageEdit('m_1', 'fixed typo', { numEdit: 2 }), 'message_edit']],
  postback: [
    ['postback', () => MessengerEvents.postback('GET_STARTED', { title: 'Get Started' }), 'postback'],
    ['postback with referral', () => MessengerEvents.postback('GET_STARTED', { referral: { ref: 'promo' } }), 'postback'],
    ['postback without a mid', () => MessengerEvents.postback('MENU', { mid: null }), 'postback'],
  ],
  optin: [
    ['plugin opt-in', () => MessengerEvents.optin(), 'optin'],
    ['checkbox opt-in', () => MessengerEvents.optin({ userRef: 'REF_1' }), 'optin'],
    ['one-time notification', () => MessengerEvents.optin({ type: 'one_time_notif_req' }), 'optin'],
    ['recurring notifications', () => MessengerEvents.optin({ type: 'notification_messages' }), 'optin'],
  ],
  referral: [
    ['m.me referral', () => MessengerEvents.referral(), 'referral'],
    ['ad referral', () => MessengerEvents.referral({ source: 'ADS', adId: '238' }), 'referral'],
    ['chat plugin referral', () => MessengerEvents.referral({ source: 'CUSTOMER_CHAT_PLUGIN', userRef: 'guest-1', refererUri: 'https://example.com' }), 'referral'],
  ],
  accountLinking: [['linked', () => MessengerEvents.accountLinking(), 'account_linking'], ['unlinked', () => MessengerEvents.accountLinking('unlinked'), 'account_linking']],
  feedback: [['feedback', () => MessengerEvents.feedback(), 'messaging_feedback']],
  responseFeedback: [['response feedback', () => MessengerEvents.responseFeedback(), 'response_feedback']],
  gamePlay: [['game play', () => MessengerEvents.gamePlay({ payload: { level: 3 }, contextType: 'THREAD', contextId: '77' }), 'game_play']],
  passThreadControl: [['pass', () => MessengerEvents.passThreadControl({ metadata: 'to a human' }), 'pass_thread_control']],
  takeThreadControl: [['take', () => MessengerEvents.takeThreadControl({ previousOwnerAppId: null }), 'take_thread_control']],
  requestThreadControl: [['request', () => MessengerEvents.requestThreadControl(), 'request_thread_control']],
  appRoles: [['app roles', () => MessengerEvents.appRoles(), 'app_roles']],
  policyEnforcement: [['warning', () => MessengerEvents.policyEnforcement(), 'policy_enforcement'], ['unblock', () => MessengerEvents.policyEnforcement('unblock'), 'policy_enforcement']],
  sendCart: [['cart', () => MessengerEvents.sendCart([{ name: 'Cap', unit_price: 9.5 }, {}], { note: 'gift' }), 'send_cart']],
  templateStatusUpdate: [['template status', () => MessengerEvents.templateStatusUpdate({ event: 'REJECTED', reason: null }), 'template_status_update']],
  comment: [
    ['comment', () => MessengerEvents.comment('Still available?'), 'comment'],
    ['reply to a comment', () => MessengerEvents.comment('yes', { parentId: '17865000000000001' }), 'comment'],
    ['live comment', () => MessengerEvents.comment('hi', { live: true }), 'comment'],
  ],
  mention: [['mention in a comment', () => MessengerEvents.mention({ commentId: '1786' }), 'mention'], ['mention in a caption', () => MessengerEvents.mention(), 'mention']],
  storyInsights: [['story insights', () => MessengerEvents.storyInsights({ reach: 10 }), 'story_insights']],
  change: [['feed change', () => MessengerEvents.change('feed', { item: 'status', verb: 'add' }), 'change']],
  asChange: [
    ['postback as a changes[] item', () => MessengerEvents.asChange(MessengerEvents.postback('GET_STARTED')), 'postback'],
    ['message as a changes[] item', () => MessengerEvents.asChange(MessengerEvents.text('hi')), 'message'],
    ['echo as a changes[] item (Instagram: field messages)', () => MessengerEvents.asChange(MessengerEvents.echo('hi')), 'echo'],
    ['reaction as a changes[] item', () => MessengerEvents.asChange(MessengerEvents.reaction('love')), 'reaction'],
  ],
};

describe('MessengerEvents', () => {
  it('has a validation case for every factory', () => {
    expect(Object.keys(cases).sort()).toEqual(Object.keys(MessengerEvents).sort());
  });

  it('the check itself rejects an event of the wrong shape', () => {
    const broken = { ...MessengerEvents.text('hi'), message: { mid: false, text: 'hi' } };
    expect(check(broken).problems).toMatch(/mid/);
  });

  it.each(Object.values(cases).flat())('%s is classified as expected and passes validation', (_name, make, kind) => {
    expect(check(make())).toEqual({ kind, problems: undefined });
  });

  it('fills in the defaults: sender USER_1, page PAGE_1, a fresh mid and the current time', () => {
    const before = Date.now();
    const first = MessengerEvents.text('hi');
    const second = MessengerEvents.text('hi');
    expect(first.sender).toEqual({ id: 'USER_1' });
    expect(first.recipient).toEqual({ id: 'PAGE_1' });
    expect(first.message.mid).not.toBe(second.message.mid);
    expect(first.timestamp).toBeGreaterThanOrEqual(before);
    expect(second.timestamp).toBeGreaterThan(first.timestamp);
  });

  it('applies overrides', () => {
    const raw = MessengerEvents.quickReply('Yes', 'YES', { sender: 'PSID_9', pageId: 'PAGE_9', mid: 'm_fixed', timestamp: 42 });
    expect(raw).toEqual({ sender: { id: 'PSID_9' }, recipient: { id: 'PAGE_9' }, timestamp: 42, message: { mid: 'm_fixed', text: 'Yes', quick_reply: { payload: 'YES' } } });
  });

  it('makes echoes come from the page to the person', () => {
    const raw = MessengerEvents.echo('hello', { sender: 'PSID_9', pageId: 'PAGE_9' });
    expect(raw.sender).toEqual({ id: 'PAGE_9' });
    expect(raw.recipient).toEqual({ id: 'PSID_9' });
    expect(raw.message).toMatchObject({ is_echo: true, text: 'hello', app_id: expect.any(Number) });
  });

  it('leaves the sender out where Meta sends none', () => {
    expect(MessengerEvents.appRoles()).not.toHaveProperty('sender');
    expect(MessengerEvents.policyEnforcement('block')).not.toHaveProperty('sender');
    expect(MessengerEvents.optin({ userRef: 'REF_1' })).not.toHaveProperty('sender');
  });

  it('wraps a messaging event under the field that delivers its kind', () => {
    expect(MessengerEvents.asChange(MessengerEvents.postback('GO')).field).toBe('messaging_postbacks');
    expect(MessengerEvents.asChange(MessengerEvents.echo('hi')).field).toBe('messages');
    expect(MessengerEvents.asChange(MessengerEvents.echo('hi'), { platform: 'messenger' }).field).toBe('message_echoes');
    expect(MessengerEvents.asChange(MessengerEvents.read(), { field: 'standby' }).field).toBe('standby');
  });

  it('merges attachment payload overrides into the defaults', () => {
    const raw = MessengerEvents.attachment('location', { title: 'Home' });
    expect(raw.message.attachments?.[0]).toEqual({ type: 'location', payload: { coordinates: { lat: 48.8566, long: 2.3522 }, title: 'Home' } });
  });

  it('does not treat two identical mid-less events made in a row as one', () => {
    expect(MessengerEvents.read()).not.toEqual(MessengerEvents.read());
  });
});
