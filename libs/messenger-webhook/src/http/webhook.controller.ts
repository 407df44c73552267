import {
  BadRequestException,
  Controller,
  ForbiddenException,
  Get,
  Header,
  HttpCode,
  HttpStatus,
  Inject,
  InternalServerErrorException,
  Logger,
  PayloadTooLargeException,
  Post,
  Query,
  Req,
  ServiceUnavailableException,
  UnauthorizedException,
  UnsupportedMediaTypeException,
  type Type,
} from '@nestjs/common';
import { envelopeProblem, type WebhookEnvelope } from '../delivery/envelope.js';
import { answerHandshake } from './handshake.js';
import { MessengerDispatcher } from '../dispatch/messenger-dispatcher.js';
import { MESSENGER_WEBHOOK_CONFIG } from '../messenger-webhook.constants.js';
import type { ResolvedMessengerWebhookConfig } from '../messenger-webhook.options.js';
import { checkSignature } from './signature.js';

/** The parts of an Express or Fastify request the webhook reads. */
interface WebhookRequest {
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
  rawBody?: Buffer;
}

const SHUTTING_DOWN = 'Shutting down: deliver again later';
const RAW_BODY_FIX = 'the raw request body is not available: create the app with NestFactory.create(AppModule, { rawBody: true })';

/**
 * Makes the webhook controller for one module instance: a fresh class per `forRoot`, so its path and decorators
 * belong to that instance alone and a second instance of the module cannot rewrite them.
 */
export function createWebhookController(path: string, decorators: readonly ClassDecorator[]): Type<unknown> {
  @Controller(path)
  class MessengerWebhookController {
    private readonly logger = new Logger('MessengerWebhook');

    constructor(
      @Inject(MESSENGER_WEBHOOK_CONFIG) private readonly config: ResolvedMessengerWebhookConfig,
      @Inject(MessengerDispatcher) private readonly dispatcher: MessengerDispatcher,
    ) {}

    /** Meta's subscription handshake. */
    @Get()
    @Header('Content-Type', 'text/plain; charset=utf-8')
    @Header('Cache-Control', 'no-store')
    verify(@Query() query: Record<string, unknown>): string {
      const challenge = answerHandshake(query, this.config.verifyToken);
      if (challenge === null) {
        this.logger.warn('Refused a verification request: hub.mode must be "subscribe" and hub.verify_token must equal verifyToken');
        throw new ForbiddenException('Verification failed: hub.verify_token does not match (or hub.mode/hub.challenge is missing)');
      }
      return challenge;
    }

    /** A delivery of events. */
    @Post()
    @HttpCode(HttpStatus.OK)
    @Header('Content-Type', 'text/plain; charset=utf-8')
    async receive(@Req() request: WebhookRequest): Promise<string> {
      if (this.dispatcher.isClosing) throw new ServiceUnavailableException(SHUTTING_DOWN);
      const contentType = headerOf(request, 'content-type') ?? '';
      if (!/^application\/([\w.+-]+\+)?json\b/i.test(contentType)) {
        throw new UnsupportedMediaTypeException('Content-Type must be application/json');
      }
      const raw = request.rawBody;
      if (!Buffer.isBuffer(raw)) {
        if (request.body === undefined || headerOf(request, 'content-length') === '0') throw new BadRequestException('The body is empty');
        this.logger.error(`Cannot check the signature: ${RAW_BODY_FIX}`);
        // 500 rather than 403: Meta retries a 5xx, so nothing is lost once the app is fixed.
        throw new InternalServerErrorException(`Webhook misconfigured: ${RAW_BODY_FIX}`);
      }
      if (raw.length > this.config.bodyLimit) throw new PayloadTooLargeException(`The body exceeds bodyLimit (${this.config.bodyLimit} bytes)`);
      if (this.config.verifySignature) this.checkSignature(request, raw);
      const body = parsedBody(request, raw);
      const problem = envelopeProblem(body);
      if (problem) throw new BadRequestException(`Not a webhook delivery: ${problem}`);
      const delivery = this.dispatcher.admit(body as WebhookEnvelope);
      if (delivery === 'closing') throw new ServiceUnavailableException(SHUTTING_DOWN);
      if (delivery === 'full') {
        throw new ServiceUnavailableException(`Too many events waiting to be handled (maxPendingEvents (${this.config.maxPendingEvents}) reached): deliver again later`);
      }
      if (this.config.dispatch === 'await') await delivery.summary;
      delivery.acknowledge();
      return 'EVENT_RECEIVED';
    }

    private checkSignature(request: WebhookRequest, raw: Buffer): void {
      const result = checkSignature(raw, {
        signature256: headerOf(request, 'x-hub-signature-256'),
        signature1: headerOf(request, 'x-hub-signature'),
        secrets: this.config.appSecrets,
        allowSha1: this.config.allowSha1Signature,
      });
      if (result.ok) return;
      this.logger.warn(`Refused a delivery: ${result.detail}`);
      throw result.reason === 'mismatch' ? new ForbiddenException(`Invalid signature: ${result.detail}`) : new UnauthorizedException(`Invalid signature: ${result.detail}`);
    }
  }
  for (const decorator of decorators) decorator(MessengerWebhookController);
  return MessengerWebhookController;
}

function headerOf(request: WebhookRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The framework already parsed JSON bodies; parse the raw bytes only when it did not (an unusual parser setup). */
function parsedBody(request: WebhookRequest, raw: Buffer): unknown {
  if (request.body !== undefined && !Buffer.isBuffer(request.body) && typeof request.body !== 'string') return request.body;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw new BadRequestException(`The body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}
