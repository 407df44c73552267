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
      useFactory: (config: BotConfig) => ({ verifyToken: config.verifyToken, appSecret: config.appSecret }),
    }),
  ],
  providers: [SendApiService, ShopBot],
})
export class AppModule {}
