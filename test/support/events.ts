/**
 * Builders of raw webhook events for the handler suites. Every call gets a fresh mid and timestamp unless the test
 * pins them, so apps shared by several tests never drop an event as a redelivery of another test's event.
 */

/** A raw event as Meta sends it (one item of `messaging[]` / `standby[]`). */
export type RawEvent = Record<string, unknown>;

/** The Page id events go to unless a test says otherwise (the id `delivery()` gives its entry). */
export const PAGE_ID = 'PAGE_1';
/** The person most events come from. */
export const USER_ID = 'USER_1';

let sequence = 0;

/** A value no other call in this process returns, e.g. `mid.7`. */
function unique(prefix: string): string {
  sequence += 1;
  return `${prefix}.${sequence}`;
}

function nextTimestamp(): number {
  sequence += 1;
  return 1_700_000_000_000 + sequence;
}

interface Common {
  sender?: string;
  timestamp?: number;
}

function envelope(common: Common): RawEvent {
  return { sender: { id: common.sender ?? USER_ID }, recipient: { id: PAGE_ID }, timestamp: common.timestamp ?? nextTimestamp() };
}

/** An incoming message. */
export function message(
  options: Common & { text?: string; quickReply?: string; attachments?: string[]; mid?: string; isDeleted?: boolean } = {},
): RawEvent {
  const body: Record<string, unknown> = { mid: options.mid ?? unique('mid') };
  if (options.text !== undefined) body.text = options.text;
  if (options.quickReply !== undefined) body.quick_reply = { payload: options.quickReply };
  if (options.attachments) body.attachments = options.attachments.map((type) => ({ type, payload: { url: `https://cdn.example/${type}` } }));
  if (options.isDeleted) body.is_deleted = true;
  return { ...envelope(options), message: body };
}

/** An echo of a message the Page sent to `options.sender` (the person). */
export function echo(options: Common & { text?: string; mid?: string } = {}): RawEvent {
  return {
    sender: { id: PAGE_ID },
    recipient: { id: options.sender ?? USER_ID },
    timestamp: options.timestamp ?? nextTimestamp(),
    message: { is_echo: true, app_id: 1234, mid: options.mid ?? unique('echo'), ...(options.text === undefined ? {} : { text: options.text }) },
  };
}

/** A postback; `mid: null` leaves the mid out, as older postbacks do. */
export function postback(payload: string, options: Common & { mid?: string | null; title?: string } = {}): RawEvent {
  const body: Record<string, unknown> = { title: options.title ?? 'Button', payload };
  if (options.mid !== null) body.mid = options.mid ?? unique('pb');
  return { ...envelope(options), postback: body };
}

/** An opt-in; `checkbox: true` gives the checkbox plugin's shape: no sender, the person in `optin.user_ref`. */
export function optin(fields: Record<string, unknown>, options: Common & { checkbox?: boolean } = {}): RawEvent {
  const base = envelope(options);
  if (options.checkbox) delete base.sender;
  return { ...base, optin: fields };
}

/** A referral; `userRef` gives the chat plugin's shape (`sender.user_ref` instead of `sender.id`). */
export function referral(fields: { ref?: string; source?: string; type?: string }, options: Common & { userRef?: string } = {}): RawEvent {
  const base = envelope(options);
  if (options.userRef) base.sender = { user_ref: options.userRef };
  return { ...base, referral: { source: 'SHORTLINK', type: 'OPEN_THREAD', ...fields } };
}

/** A reaction to (or unreaction of) message `mid`. */
export function reaction(mid: string, action: 'react' | 'unreact', options: Common & { reaction?: string } = {}): RawEvent {
  return { ...envelope(options), reaction: { mid, action, ...(options.reaction ? { reaction: options.reaction, emoji: '❤' } : {}) } };
}

/** An edit of message `mid`. */
export function edit(mid: string, text: string, options: Common = {}): RawEvent {
  return { ...envelope(options), message_edit: { mid, text, num_edit: 1 } };
}

/** One of the Handover Protocol's thread-control events. */
export function handover(kind: 'pass_thread_control' | 'take_thread_control' | 'request_thread_control', options: Common = {}): RawEvent {
  const body =
    kind === 'pass_thread_control'
      ? { new_owner_app_id: '111', previous_owner_app_id: '222' }
      : kind === 'take_thread_control'
        ? { previous_owner_app_id: '111', new_owner_app_id: '222' }
        : { requested_owner_app_id: '333' };
  return { ...envelope(options), [kind]: body };
}

/** A delivery of several entries (`delivery()` of `app.ts` makes one entry). */
export function multiEntryDelivery(entries: Array<{ pageId: string; events: RawEvent[] }>, object = 'page') {
  return {
    object,
    entry: entries.map((entry, index) => ({ id: entry.pageId, time: 1_700_000_000_000 + index, messaging: entry.events })),
  };
}
