import { Module } from '@nestjs/common';
import { MessengerWebhookModule } from 'nestjs-messenger-webhook';
import { BotConfig } from './bot.config.js';
import { BotConfigModule } from './bot-config.module.js';
import { SendApiService } from './send-api.service.js';
import { ShopBot } from './shop.bot.js';

/** The example bot: the webhook module configured from the environment, and one provider of handlers. */
@Module({
  imports: [
    BotConfigModule,
    MessengerWebhookModule.forRootAsync({
      imports: [BotConfigModule],
      inject: [BotConfig],
      useFactory: (config: BotConfig) => ({
        verifyToken: config.verifyToken,
        appSecret: config.appSecret,
        // QUEUE=redis://localhost:6379 runs the handlers on queue workers (QUEUE_ROLE=edge|worker|both).
        queue: config.queue ? { connection: config.queue, role: config.queueRole } : undefined,
      }),
    }),
  ],
  providers: [SendApiService, ShopBot],
})
export class AppModule {}
