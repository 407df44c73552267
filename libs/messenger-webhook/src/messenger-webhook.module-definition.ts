import { ConfigurableModuleBuilder, VERSION_NEUTRAL } from '@nestjs/common';
import { MESSENGER_WEBHOOK_PATH, MESSENGER_WEBHOOK_VERSION } from './messenger-webhook.constants.js';
import { createWebhookController } from './http/webhook.controller.js';
import type { MessengerWebhookExtras, MessengerWebhookOptions } from './messenger-webhook.options.js';

/** The module's `forRoot` / `forRootAsync`, built by Nest so both behave like every other configurable module. */
export const {
  ConfigurableModuleClass: ConfigurableMessengerWebhookModule,
  MODULE_OPTIONS_TOKEN: MESSENGER_WEBHOOK_OPTIONS,
  OPTIONS_TYPE: MESSENGER_WEBHOOK_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: MESSENGER_WEBHOOK_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<MessengerWebhookOptions>({ moduleName: 'MessengerWebhook' })
  .setClassMethodName('forRoot')
  .setExtras<MessengerWebhookExtras>({ path: 'webhook', controllerDecorators: [], isGlobal: false }, (definition, extras) => {
    const path = checkedPath(extras.path);
    // Version-neutral unless asked: the callback URL registered at Meta must not move when the app enables versioning.
    const version = extras.version ?? VERSION_NEUTRAL;
    if (extras.isGlobal !== undefined && typeof extras.isGlobal !== 'boolean') throw new Error('MessengerWebhookModule: isGlobal must be a boolean');
    return {
      ...definition,
      global: extras.isGlobal === true,
      controllers: [createWebhookController(path, extras.controllerDecorators ?? [], version)],
      providers: [
        ...(definition.providers ?? []),
        { provide: MESSENGER_WEBHOOK_PATH, useValue: path },
        { provide: MESSENGER_WEBHOOK_VERSION, useValue: version },
      ],
    };
  })
  .build();

function checkedPath(path: unknown): string {
  if (typeof path !== 'string' || path.trim() === '') {
    throw new Error('MessengerWebhookModule: path must be a non-empty string (default "webhook")');
  }
  return path;
}
