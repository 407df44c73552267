import { Injectable, Logger } from '@nestjs/common';
import { BotConfig } from './bot.config.js';

/** One reply the bot wants to send. */
export interface OutgoingMessage {
  /** PSID (Messenger) or IGSID (Instagram) of the person. */
  recipient: string;
  /** Text of the reply. */
  text: string;
  /** Quick replies offered under it. */
  quickReplies?: Array<{ title: string; payload: string }>;
}

/**
 * Sends replies through the Graph API Send API when a page access token is configured, and only logs them
 * otherwise, so the example runs with no Meta account. Tests read `sent` to see what the bot answered.
 */
@Injectable()
export class SendApiService {
  private readonly logger = new Logger('SendApi');
  /** Every reply, in order (also when it was only logged). */
  readonly sent: OutgoingMessage[] = [];

  constructor(private readonly config: BotConfig) {}

  /** Sends (or logs) one reply. */
  async send(message: OutgoingMessage): Promise<void> {
    this.sent.push(message);
    if (!this.config.pageAccessToken) {
      this.logger.log(`-> ${message.recipient}: ${message.text}${message.quickReplies ? ` [${message.quickReplies.map((q) => q.title).join(' | ')}]` : ''}`);
      return;
    }
    const response = await fetch('https://graph.facebook.com/v21.0/me/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.config.pageAccessToken}` },
      body: JSON.stringify({
        recipient: { id: message.recipient },
        messaging_type: 'RESPONSE',
        message: {
          text: message.text,
          quick_replies: message.quickReplies?.map((q) => ({ content_type: 'text', title: q.title, payload: q.payload })),
        },
      }),
    });
    if (!response.ok) throw new Error(`Send API answered ${response.status}: ${await response.text()}`);
  }
}
