import { readFile } from 'node:fs/promises';
import { DEFAULT_PAGE_ID, DEFAULT_SENDER } from '../../testing/event-defaults.js';
import { MessengerEvents } from '../../testing/events.factory.js';
import { isChangeItem, isWebhookBody, webhookBody, type WebhookBody, type WebhookObject } from '../../testing/webhook-body.js';
import { UsageError, parseCommand, parseUrl, required } from '../args.js';
import { CLI_EVENT_TYPES, eventType } from '../event-types.js';
import type { CliIo } from '../io.js';
import { deliveryProblem, displayUrl, postSigned, statusLine } from '../http.js';

const OPTIONS = {
  url: { type: 'string' },
  secret: { type: 'string' },
  page: { type: 'string' },
  sender: { type: 'string' },
  object: { type: 'string' },
  standby: { type: 'boolean' },
  'as-change': { type: 'boolean' },
  file: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Help of `messenger-webhook send`. */
export const SEND_HELP = `Usage: messenger-webhook send --url URL --secret SECRET [options] <type> [args...]
       messenger-webhook send --url URL --secret SECRET [options] --file event.json

Sends one signed delivery the way Meta does (escaped JSON, X-Hub-Signature-256) and prints the answer.

Options:
  --url URL            webhook URL (or MESSENGER_WEBHOOK_URL)
  --secret SECRET      App Secret to sign with (or MESSENGER_APP_SECRET)
  --page PAGE_ID       entry id and recipient (default ${DEFAULT_PAGE_ID})
  --sender PSID        the person (default ${DEFAULT_SENDER})
  --object page|instagram   envelope object (default page)
  --standby            put the event in standby[] instead of messaging[]
  --as-change          send a messaging event as a changes[] item { field, value }, as Instagram apps receive them
  --file FILE          send a raw event, an array of events, or a whole body ({ object, entry }) from a JSON file
  -h, --help           show this help

Event types:
${CLI_EVENT_TYPES.map((type) => `  ${type.name}${type.args ? ` ${type.args}` : ''}`).join('\n')}

Example: messenger-webhook send --url http://localhost:3000/webhook --secret dev-app-secret quick-reply "Yes" YES_PAYLOAD`;

/** Number of events in a delivery body, for the summary line. */
export function countEvents(body: WebhookBody): number {
  return body.entry.reduce((sum, entry) => sum + (entry.messaging?.length ?? 0) + (entry.standby?.length ?? 0) + (entry.changes?.length ?? 0), 0);
}

function objectOf(value: string | undefined): WebhookObject {
  if (value === undefined || value === 'page' || value === 'instagram') return value ?? 'page';
  throw new UsageError(`--object must be page or instagram, not "${value}"`);
}

async function bodyFromFile(path: string, envelope: { object: WebhookObject; pageId: string; standby: boolean }): Promise<WebhookBody> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read --file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--file ${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (isWebhookBody(value)) return value;
  const events = Array.isArray(value) ? value : [value];
  if (events.length === 0 || events.some((event) => typeof event !== 'object' || event === null || Array.isArray(event))) {
    throw new UsageError(`--file ${path} must hold a raw event object, an array of them, or a body with "object" and "entry"`);
  }
  return webhookBody(events as object[], envelope);
}

/** `messenger-webhook send`: returns the exit code. */
export async function sendCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand(argv, OPTIONS);
  if (values.help) {
    io.out(SEND_HELP);
    return 0;
  }
  const envelope = { object: objectOf(values.object), pageId: values.page ?? DEFAULT_PAGE_ID, standby: values.standby ?? false };
  let body: WebhookBody;
  let label: string;
  if (values.file !== undefined) {
    if (positionals.length > 0) throw new UsageError('give either an event type or --file, not both');
    body = await bodyFromFile(values.file, envelope);
    label = values.file;
  } else {
    const [name, ...args] = positionals;
    if (name === undefined) throw new UsageError(`missing event type; known types: ${CLI_EVENT_TYPES.map((type) => type.name).join(', ')}`);
    const type = eventType(name);
    const event = type.build(args, { sender: values.sender ?? DEFAULT_SENDER, pageId: envelope.pageId });
    const asChange = values['as-change'] === true && !isChangeItem(event);
    body = webhookBody(asChange ? MessengerEvents.asChange(event, { platform: envelope.object === 'instagram' ? 'instagram' : 'messenger' }) : event, envelope);
    label = type.name;
  }
  const url = parseUrl(required(values.url, 'url', 'MESSENGER_WEBHOOK_URL', io.env));
  const secret = required(values.secret, 'secret', 'MESSENGER_APP_SECRET', io.env);
  const result = await postSigned(url, body, secret);
  const events = countEvents(body);
  io.out(`POST ${displayUrl(url)} ${label} (${events} event${events === 1 ? '' : 's'}, ${result.bytes} bytes)`);
  io.out(statusLine(result));
  const problem = deliveryProblem(result);
  if (problem) {
    io.err(`messenger-webhook: ${problem}`);
    return 1;
  }
  return 0;
}
