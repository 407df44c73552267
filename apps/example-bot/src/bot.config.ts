import { Injectable, Logger } from '@nestjs/common';

/** Defaults that let the bot run with no Meta account; every one is overridden by its environment variable. */
export const DEV_DEFAULTS = {
  verifyToken: 'dev-verify-token',
  appSecret: 'dev-app-secret',
  port: 3000,
} as const;

/** The example bot's settings, read once from the environment. */
@Injectable()
export class BotConfig {
  /** Token Meta presents in the handshake (`VERIFY_TOKEN`). */
  readonly verifyToken: string;
  /** App Secret that signs deliveries (`APP_SECRET`). */
  readonly appSecret: string;
  /** HTTP port (`PORT`). */
  readonly port: number;
  /** `express` (default) or `fastify` (`HTTP_ADAPTER`). */
  readonly adapter: 'express' | 'fastify';
  /** Page access token for the Send API (`PAGE_ACCESS_TOKEN`); without it, replies are only logged (dry run). */
  readonly pageAccessToken?: string;
  /** Queue mode's Redis (`QUEUE=redis://localhost:6379`); unset: events are handled in-process. */
  readonly queue?: string;
  /** Which part this process plays in queue mode (`QUEUE_ROLE`: `edge`, `worker` or `both`, the default). */
  readonly queueRole: 'edge' | 'worker' | 'both';
  /** Graph API base URL (`GRAPH_API_URL`, default Meta's); tests point it at a fake Graph API. */
  readonly graphApiUrl?: string;

  constructor(env: NodeJS.ProcessEnv = process.env) {
    this.verifyToken = env.VERIFY_TOKEN || DEV_DEFAULTS.verifyToken;
    this.appSecret = env.APP_SECRET || DEV_DEFAULTS.appSecret;
    this.port = Number(env.PORT) || DEV_DEFAULTS.port;
    this.adapter = env.HTTP_ADAPTER === 'fastify' ? 'fastify' : 'express';
    this.pageAccessToken = env.PAGE_ACCESS_TOKEN || undefined;
    this.queue = env.QUEUE || undefined;
    this.queueRole = env.QUEUE_ROLE === 'edge' || env.QUEUE_ROLE === 'worker' ? env.QUEUE_ROLE : 'both';
    this.graphApiUrl = env.GRAPH_API_URL || undefined;
  }

  /** Says where each setting came from; a secret from the environment is never printed, only the public dev default. */
  describe(logger: Logger): void {
    logger.log(
      process.env.VERIFY_TOKEN ? 'VERIFY_TOKEN: from the environment' : `VERIFY_TOKEN not set: using the dev default "${DEV_DEFAULTS.verifyToken}"`,
    );
    logger.log(process.env.APP_SECRET ? 'APP_SECRET: from the environment' : `APP_SECRET not set: using the dev default "${DEV_DEFAULTS.appSecret}"`);
    logger.log(
      this.pageAccessToken
        ? 'PAGE_ACCESS_TOKEN set: replies go to the Send API'
        : 'PAGE_ACCESS_TOKEN not set: dry run, replies are logged ("[dry run] POST me/messages ..."), not sent',
    );
    logger.log(this.queue ? `QUEUE set: queue mode, role ${this.queueRole}` : 'QUEUE not set: events are handled in this process');
  }
}
