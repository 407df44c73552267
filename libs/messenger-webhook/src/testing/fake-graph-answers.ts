/** What the fake Graph API remembers between calls. */
export interface FakeGraphState {
  /** Increments with every id handed out. */
  sequence: number;
  /** `GET <user id>` answers set by the test. */
  readonly profiles: Map<string, Record<string, unknown>>;
  /** The Messenger profile of each token's page (keyed by platform), as set through `me/messenger_profile`. */
  readonly messengerProfiles: Map<string, Record<string, unknown>>;
}

/** A made-up person for `GET <user id>` when the test set none: every field Meta documents, filtered by `fields`. */
function defaultProfile(userId: string): Record<string, unknown> {
  return {
    id: userId,
    first_name: 'Test',
    last_name: 'User',
    name: 'Test User',
    username: 'test.user',
    profile_pic: `https://fake-graph.example/${encodeURIComponent(userId)}.jpg`,
  };
}

/**
 * The success answer Meta gives each endpoint, in shape: `{ recipient_id, message_id }` for a message,
 * `{ attachment_id }` for an upload, `{ result: 'success' }` for a Messenger profile write (kept in memory, so a
 * later read sees it), `{ success: true }` for handover.
 */
export function defaultAnswer(state: FakeGraphState, method: string, endpoint: string, query: Record<string, string>, body: unknown): unknown {
  const fields = (body ?? {}) as Record<string, unknown>;
  const id = ++state.sequence;
  if (endpoint.endsWith('/messages') || endpoint === 'messages') {
    const recipient = (fields.recipient as { id?: string } | undefined)?.id;
    return fields.sender_action ? { recipient_id: recipient } : { recipient_id: recipient, message_id: `m_fake.${id}` };
  }
  if (endpoint.endsWith('message_attachments')) return { attachment_id: `fake-attachment.${id}` };
  if (endpoint.endsWith('messenger_profile')) return messengerProfile(state, method, query, fields);
  if (endpoint.endsWith('thread_owner')) return { data: [{ thread_owner: { app_id: '263902037430900' } }] };
  if (/_thread_control$/.test(endpoint)) return { success: true };
  if (method === 'GET') {
    const profile = state.profiles.get(endpoint) ?? defaultProfile(endpoint);
    const wanted = query.fields?.split(',').filter(Boolean);
    return wanted ? Object.fromEntries(Object.entries(profile).filter(([key]) => key === 'id' || wanted.includes(key))) : profile;
  }
  return { success: true };
}

function messengerProfile(state: FakeGraphState, method: string, query: Record<string, string>, fields: Record<string, unknown>): unknown {
  const key = query.platform ?? (typeof fields.platform === 'string' ? fields.platform : 'messenger');
  const profile = state.messengerProfiles.get(key) ?? {};
  if (method === 'GET') {
    const wanted = (query.fields ?? '').split(',').filter(Boolean);
    const picked = Object.fromEntries(Object.entries(profile).filter(([name]) => wanted.includes(name)));
    return { data: Object.keys(picked).length ? [picked] : [] };
  }
  if (method === 'DELETE') {
    const names = Array.isArray(fields.fields) ? fields.fields : [];
    state.messengerProfiles.set(key, Object.fromEntries(Object.entries(profile).filter(([name]) => !names.includes(name))));
    return { result: 'success' };
  }
  const { platform: _platform, ...properties } = fields;
  state.messengerProfiles.set(key, { ...profile, ...properties });
  return { result: 'success' };
}
