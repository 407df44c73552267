import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { MessengerHandlerRegistry } from './handlers/handler-registry.js';
import { MessengerDispatcher } from './dispatch/messenger-dispatcher.js';
import { MessengerClient } from './client/messenger-client.js';
import { MESSENGER_WEBHOOK_CONFIG } from './messenger-webhook.constants.js';
import { ConfigurableMessengerWebhookModule, MESSENGER_WEBHOOK_OPTIONS } from './messenger-webhook.module-definition.js';
import { resolveOptions, type MessengerWebhookOptions } from './messenger-webhook.options.js';
import { QUEUE_PROVIDERS } from './queue/queue.providers.js';

/**
 * Receives Meta Messenger and Instagram webhooks: `MessengerWebhookModule.forRoot({ verifyToken, appSecret })`
 * mounts the verified endpoint and routes every event to the decorated handlers of your providers.
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    {
      provide: MESSENGER_WEBHOOK_CONFIG,
      useFactory: (options: MessengerWebhookOptions) => resolveOptions(options),
      inject: [MESSENGER_WEBHOOK_OPTIONS],
    },
    MessengerHandlerRegistry,
    MessengerDispatcher,
    ...QUEUE_PROVIDERS,
    MessengerClient,
  ],
  exports: [MessengerDispatcher, MessengerClient, ...QUEUE_PROVIDERS],
})
export class MessengerWebhookModule extends ConfigurableMessengerWebhookModule {}
