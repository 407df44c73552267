import { Module } from '@nestjs/common';
import { MessengerWebhookModule } from 'nestjs-messenger-webhook';
import { BotConfig } from './bot.config.js';
import { BotConfigModule } from './bot-config.module.js';
import { ShopBot } from './shop.bot.js';

/** The example bot: the webhook module (and its Send API client) configured from the environment, and one provider of handlers. */
@Module({
  imports: [
    BotConfigModule,
    MessengerWebhookModule.forRootAsync({
      imports: [BotConfigModule],
      inject: [BotConfig],
      useFactory: (config: BotConfig) => ({
        verifyToken: config.verifyToken,
        appSecret: config.appSecret,
        pageAccessToken: config.pageAccessToken,
        // Without a token the bot still runs: the client logs each reply instead of sending it.
        graphApiDryRun: !config.pageAccessToken,
        graphApiUrl: config.graphApiUrl,
        // QUEUE=redis://localhost:6379 runs the handlers on queue workers (QUEUE_ROLE=edge|worker|both).
        queue: config.queue ? { connection: config.queue, role: config.queueRole } : undefined,
      }),
    }),
  ],
  providers: [ShopBot],
})
export class AppModule {}
