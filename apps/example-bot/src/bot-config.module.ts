import { Module } from '@nestjs/common';
import { BotConfig } from './bot.config.js';

/** Provides {@link BotConfig}, read from the environment. */
@Module({
  providers: [{ provide: BotConfig, useFactory: () => new BotConfig() }],
  exports: [BotConfig],
})
export class BotConfigModule {}
