import type { Logger } from '@nestjs/common';
import type { GraphTarget } from './graph-target.js';
import type { GraphRequest, GraphTransport } from './graph-transport.js';

/**
 * `graphApiDryRun: true`: logs each call (endpoint, page, body; never a token, since none is read) instead of making
 * it, and answers what Meta would in shape, so a bot runs end to end with no Meta account.
 */
export class DryRunGraphTransport implements GraphTransport {
  private sequence = 0;

  constructor(private readonly logger: Logger) {}

  async call<T>(target: GraphTarget, request: GraphRequest): Promise<T> {
    const id = `dry-run.${++this.sequence}`;
    const query = request.query && Object.keys(request.query).length ? `?${new URLSearchParams(request.query as Record<string, string>)}` : '';
    const body = request.body instanceof FormData ? ' (multipart upload)' : request.body === undefined ? '' : ` ${JSON.stringify(request.body)}`;
    this.logger.log(`[dry run] ${request.method} ${request.path}${query} on ${target.platform}${body}`);
    return answerOf(request, id) as T;
  }
}

function answerOf(request: GraphRequest, id: string): object {
  const body = (request.body ?? {}) as { recipient?: { id?: string }; sender_action?: string };
  if (request.path === 'me/messages') {
    const recipient = body.recipient?.id;
    return body.sender_action ? { recipient_id: recipient } : { recipient_id: recipient, message_id: `m_${id}` };
  }
  if (request.path === 'me/message_attachments') return { attachment_id: id };
  if (request.path === 'me/messenger_profile') return request.method === 'GET' ? { data: [] } : { result: 'success' };
  if (request.path === 'me/thread_owner') return { data: [] };
  if (request.method === 'GET') return { id: request.path };
  return { success: true };
}
