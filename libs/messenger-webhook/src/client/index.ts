/** The Send API client's public surface, re-exported by the package's `index.ts`. */
export { MessengerClient, createMessengerClient, type MessengerClientConfig, type TextOptions, type UserProfileOptions } from './messenger-client.js';
export { MessengerApiError, MessengerClientError, type ApiFailureReason, type MessengerApiErrorDetails, type MessengerApiErrorFields } from './messenger-api-error.js';
export {
  DEFAULT_GRAPH_API_VERSION,
  type AccessTokenLookup,
  type AccessTokenSource,
  type GraphApiRetryOptions,
  type MessengerClientOptions,
} from './client-options.js';
export { TRANSIENT_CODES } from './retry-policy.js';
export { appSecretProof } from './appsecret-proof.js';
export type { PageRef } from './graph-target.js';
export type { SendOptions, SenderActionOptions } from './send-body.js';
export type { MediaSource } from './message-builders.js';
export type { UploadFile } from './graph-requests.js';
export type { ReplyFunction, ReplyOptions } from './handler-replies.js';
export type * from './message.types.js';
