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
  type HttpException,
  Logger,
  PayloadTooLargeException,
  Post,
  Query,
  Req,
  Res,
  ServiceUnavailableException,
  UnauthorizedException,
  UnsupportedMediaTypeException,
  type Type,
} from '@nestjs/common';
import type { WebhookVersion } from './webhook-route.js';
import { envelopeProblem, type WebhookEnvelope } from '../delivery/envelope.js';
import { answerHandshake } from './handshake.js';
import { DeliveryDeadline } from '../dispatch/delivery-deadline.js';
import { TIMED_OUT } from '../dispatch/handler-watchdog.js';
import { DeliveryRefusedError } from '../dispatch/delivery-transport.js';
import { MessengerDispatcher, type AdmittedDelivery } from '../dispatch/messenger-dispatcher.js';
import { MESSENGER_WEBHOOK_CONFIG } from '../messenger-webhook.constants.js';
import type { ResolvedMessengerWebhookConfig } from '../messenger-webhook.options.js';
import { HELD_BODY, VETTED_BODY, type HeldBody } from './fastify-webhook-body.js';
import { mayHoldPoisonedKeys, removePoisonedKeys } from './poisoned-keys.js';
import { checkSignature } from './signature.js';

/** The parts of an Express or Fastify request the webhook reads. */
interface WebhookRequest {
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
  rawBody?: Buffer;
  [HELD_BODY]?: HeldBody;
  [VETTED_BODY]?: boolean;
}

/**
 * The part of an Express response or a Fastify reply the webhook writes: both have `header(name, value)`; Express's is
 * Node's `ServerResponse` (`setHeader`, `end`), Fastify's has `send`.
 */
interface WebhookResponse {
  header(name: string, value: string): unknown;
  setHeader?(name: string, value: string): unknown;
  end?(body: string): unknown;
  send?(body: string): unknown;
}

const SHUTTING_DOWN = 'Shutting down: deliver again later';
const RAW_BODY_FIX = 'the raw request body is not available: create the app with NestFactory.create(AppModule, { rawBody: true })';
/** The body was parsed without its raw bytes: no rawBody option, or a parser of the app's own ran before Nest's. */
const PARSED_WITHOUT_RAW_BODY_FIX =
  "the raw request body is not available, though the body was parsed. If the app was created without { rawBody: true }, " +
  'create it with NestFactory.create(AppModule, { rawBody: true }). If it was, a JSON parser of the app\'s own ' +
  '(app.use(express.json()), app.use(bodyParser.json())) reads the body before Nest\'s parser can keep the raw bytes: ' +
  "remove it, and raise the limit with app.useBodyParser('json', { limit: '1mb' }) instead";
/** Meta sends `application/json` (a charset parameter may follow); other JSON media types never reach a parser that keeps the raw body. */
const JSON_MEDIA_TYPE = /^application\/json\s*(;|$)/i;
const TEXT_PLAIN = 'text/plain; charset=utf-8';
/** What the webhook answers a delivery it took: the body Meta's documentation shows. */
const ANSWER = 'EVENT_RECEIVED';
const ANSWER_LENGTH = String(Buffer.byteLength(ANSWER));

/**
 * Makes the webhook controller for one module instance: a fresh class per `forRoot`, so its path and decorators
 * belong to that instance alone and a second instance of the module cannot rewrite them.
 */
export function createWebhookController(path: string, decorators: readonly ClassDecorator[], version: WebhookVersion): Type<unknown> {
  @Controller({ path, version })
  class MessengerWebhookController {
    private readonly logger = new Logger('MessengerWebhook');
    private readonly deadline: DeliveryDeadline;

    constructor(
      @Inject(MESSENGER_WEBHOOK_CONFIG) private readonly config: ResolvedMessengerWebhookConfig,
      @Inject(MessengerDispatcher) private readonly dispatcher: MessengerDispatcher,
    ) {
      this.deadline = new DeliveryDeadline(config.deliveryDeadline);
    }

    /** Meta's subscription handshake: the challenge echoed as it came, written here for the reason given at {@link receive}. */
    @Get()
    @Header('Cache-Control', 'no-store')
    @Header('X-Content-Type-Options', 'nosniff')
    verify(@Query() query: Record<string, unknown>, @Res() response: WebhookResponse): void {
      const challenge = answerHandshake(query, this.config.verifyToken);
      if (challenge === null) {
        this.refuse(
          'a verification request',
          new ForbiddenException('Verification failed: hub.verify_token does not match (or hub.mode/hub.challenge is missing)'),
          'hub.mode must be "subscribe" and hub.verify_token must equal verifyToken',
        );
      }
      // Labelled here, on the answer itself: as a route header it would also label the JSON of a refusal as text.
      sendText(response, challenge, String(Buffer.byteLength(challenge)));
    }

    /**
     * A delivery of events. The answer is written here (`@Res()` without passthrough): it is always the same 14 bytes
     * of text, which a response-mapping interceptor of the app must not turn into something else, and which Express's
     * `send()` would label and ETag (a SHA-1) again on every delivery. Refusals are thrown, and written by Nest's
     * exception filters as usual.
     */
    @Post()
    @HttpCode(HttpStatus.OK)
    @Header('X-Content-Type-Options', 'nosniff')
    receive(@Req() request: WebhookRequest, @Res() response: WebhookResponse): void | Promise<void> {
      if (this.dispatcher.isClosing) throw new ServiceUnavailableException(SHUTTING_DOWN);
      const contentType = headerOf(request, 'content-type') ?? '';
      if (!JSON_MEDIA_TYPE.test(contentType)) {
        this.refuse('a delivery', new UnsupportedMediaTypeException(`Content-Type must be application/json (what Meta sends), not ${quoted(contentType)}`));
      }
      // On Fastify, a body with poisoned keys was read by FastifyWebhookBody, which holds its bytes and its parsed value.
      const held = request[HELD_BODY];
      const raw = held?.raw ?? request.rawBody;
      if (!Buffer.isBuffer(raw)) {
        if (request.body === undefined || headerOf(request, 'content-length') === '0') this.refuse('a delivery', new BadRequestException('The body is empty'));
        const fix = isParsed(request.body) ? PARSED_WITHOUT_RAW_BODY_FIX : RAW_BODY_FIX;
        this.logger.error(`Cannot check the signature: ${fix}`);
        // 500 rather than 403: Meta retries a 5xx, so nothing is lost once the app is fixed.
        throw new InternalServerErrorException(`Webhook misconfigured: ${fix}`);
      }
      if (raw.length > this.config.bodyLimit) {
        this.refuse('a delivery', new PayloadTooLargeException(`The body exceeds bodyLimit (${this.config.bodyLimit} bytes)`));
      }
      if (this.config.verifySignature) this.checkSignature(request, raw);
      const body = held ? held.parsed : this.parsedBody(request, raw);
      const problem = envelopeProblem(body);
      if (problem) this.refuse('a delivery', new BadRequestException(`Not a webhook delivery: ${problem}`));
      const delivery = this.dispatcher.admit(body as WebhookEnvelope);
      if (delivery === 'closing') throw new ServiceUnavailableException(SHUTTING_DOWN);
      if (delivery === 'full') {
        throw new ServiceUnavailableException(`Too many events waiting to be handled (maxPendingEvents (${this.config.maxPendingEvents}) reached): deliver again later`);
      }
      // Answered at once when nothing is to wait for (handlers that returned plain values, or `dispatch: 'background'`):
      // no promise per request for Nest to wait on.
      if (this.dispatcher.hasTransport || (this.config.dispatch === 'await' && delivery.settled === undefined)) return this.answerOnceSettled(delivery, response);
      return this.answer(delivery, response);
    }

    /** The answer once the delivery's events are in Redis (queue mode) or its handlers settled, or at the deadline. */
    private async answerOnceSettled(delivery: AdmittedDelivery, response: WebhookResponse): Promise<void> {
      if (this.dispatcher.hasTransport) {
        // Queue mode answers once the events are in Redis, whatever `dispatch` says (no deadline: a 200 before they
        // are stored would promise what Redis has not done).
        try {
          await delivery.summary;
        } catch (error) {
          // Meta retries a 503, so a refused delivery is not lost; the transport has logged why.
          if (error instanceof DeliveryRefusedError) throw new ServiceUnavailableException(error.message);
          throw error;
        }
      } else if ((await this.deadline.watch(delivery.summary)) === TIMED_OUT) {
        this.logger.warn(`Answered a delivery at deliveryDeadline (${this.deadline.ms} ms) before its handlers settled: they go on in the background`);
      }
      return this.answer(delivery, response);
    }

    private answer(delivery: AdmittedDelivery, response: WebhookResponse): void {
      delivery.acknowledge();
      sendText(response, ANSWER, ANSWER_LENGTH);
    }

    /** Logs one line (the only one: the answer is JSON, as the exception filter writes it) and throws `exception`. */
    private refuse(what: string, exception: HttpException, detail: string = exception.message): never {
      this.logger.warn(`Refused ${what} with ${exception.getStatus()}: ${detail}`);
      throw exception;
    }

    /**
     * The framework already parsed JSON bodies; parse the raw bytes only when it did not (an unusual parser setup).
     * `__proto__` and `constructor.prototype` keys are removed, the same on every adapter (see FastifyWebhookBody).
     */
    private parsedBody(request: WebhookRequest, raw: Buffer): unknown {
      let body: unknown = request.body;
      if (!isParsed(body)) {
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch (error) {
          this.refuse('a delivery', new BadRequestException(`The body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`));
        }
      }
      // On Fastify the hook already searched these bytes (Fastify's parser refuses such keys anyway).
      if (request[VETTED_BODY] !== true && mayHoldPoisonedKeys(raw)) {
        const removed = removePoisonedKeys(body);
        if (removed > 0) this.logger.debug(`Removed ${removed} __proto__ / constructor.prototype keys from a delivery`);
      }
      return body;
    }

    private checkSignature(request: WebhookRequest, raw: Buffer): void {
      const result = checkSignature(raw, {
        signature256: headerOf(request, 'x-hub-signature-256'),
        signature1: headerOf(request, 'x-hub-signature'),
        secrets: this.config.appSecrets,
        allowSha1: this.config.allowSha1Signature,
      });
      if (result.ok) return;
      const message = `Invalid signature: ${result.detail}`;
      this.refuse('a delivery', result.reason === 'mismatch' ? new ForbiddenException(message) : new UnauthorizedException(message));
    }
  }
  for (const decorator of decorators) decorator(MessengerWebhookController);
  return MessengerWebhookController;
}

/**
 * Writes a plain-text answer; the status and the route's headers were set by Nest from the decorators. On Express
 * through Node's own `ServerResponse` (`setHeader`, `end`): Express's `header()` and `send()` parse and format the
 * Content-Type again and hash the body for an ETag on every answer. On Fastify through the reply's `send()`.
 */
function sendText(response: WebhookResponse, text: string, byteLength: string): void {
  if (typeof response.end === 'function' && typeof response.setHeader === 'function') {
    response.setHeader('Content-Type', TEXT_PLAIN);
    response.setHeader('Content-Length', byteLength);
    response.end(text);
  } else if (typeof response.send === 'function') {
    response.header('Content-Type', TEXT_PLAIN);
    response.send(text);
  } else {
    throw new Error('The webhook can answer on Express and Fastify only: this response object is neither');
  }
}

function headerOf(request: WebhookRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function isParsed(body: unknown): boolean {
  return body !== undefined && body !== null && !Buffer.isBuffer(body) && typeof body !== 'string';
}

/** A request header shown in an answer and a log line: quoted, cut short, control characters escaped. */
function quoted(value: string): string {
  return value === '' ? 'none' : JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
}
