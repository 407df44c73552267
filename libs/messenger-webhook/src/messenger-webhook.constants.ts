/** The execution context type of webhook handlers: `context.getType()` returns it in guards and interceptors. */
export const MESSENGER_CONTEXT_TYPE = 'messenger';

/** `MESSENGER_CONTEXT_TYPE` as a type, for `context.getType<MessengerContextType>()`. */
export type MessengerContextType = typeof MESSENGER_CONTEXT_TYPE;

/** Injection token of the resolved configuration (internal). */
export const MESSENGER_WEBHOOK_CONFIG = Symbol('MESSENGER_WEBHOOK_CONFIG');

/** Metadata key under which listener decorators store their list on a method (internal). */
export const MESSENGER_LISTENERS_METADATA = 'messenger-webhook:listeners';

/** Injection token of the webhook's route path as configured (internal; read by the testing kit). */
export const MESSENGER_WEBHOOK_PATH = Symbol('MESSENGER_WEBHOOK_PATH');

/** Injection token of the webhook controller's version (internal; read by the testing kit). */
export const MESSENGER_WEBHOOK_VERSION = Symbol('MESSENGER_WEBHOOK_VERSION');
