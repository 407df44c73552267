import { DEFAULT_PAGE_ID, DEFAULT_SENDER } from '../../testing/event-defaults.js';
import { MessengerEvents, type EventOptions } from '../../testing/events.factory.js';
import { WebhookBodyBuilder, webhookBody, type WebhookBody } from '../../testing/webhook-body.js';
import { parseCommand, parseUrl } from '../args.js';
import { CLI_EVENT_TYPES } from '../event-types.js';
import type { CliIo } from '../io.js';
import { deliveryProblem, displayUrl, postSigned, type Exchange } from '../http.js';
import { handshake } from './verify.js';

const OPTIONS = {
  url: { type: 'string' },
  secret: { type: 'string' },
  token: { type: 'string' },
  page: { type: 'string' },
  sender: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Defaults of the tour: those of the example app, so `npm run simulate` needs no configuration. */
export const TOUR_DEFAULTS = { url: 'http://localhost:3000/webhook', secret: 'dev-app-secret', token: 'dev-verify-token' } as const;

/** Help of `messenger-webhook tour`. */
export const TOUR_HELP = `Usage: messenger-webhook tour [--url URL] [--secret SECRET] [--token TOKEN] [--page PAGE_ID] [--sender PSID]

Runs the handshake, then sends one signed delivery of every event type (Messenger), an Instagram message, a
standby message and a batch of several entries, printing one line per request.

Options:
  --url URL        webhook URL (default ${TOUR_DEFAULTS.url}, or MESSENGER_WEBHOOK_URL)
  --secret SECRET  App Secret (default the example app's, or MESSENGER_APP_SECRET)
  --token TOKEN    Verify Token (default the example app's, or MESSENGER_VERIFY_TOKEN)
  --page PAGE_ID   entry id and recipient (default ${DEFAULT_PAGE_ID})
  --sender PSID    the person (default ${DEFAULT_SENDER})
  -h, --help       show this help`;

interface TourStep {
  readonly label: string;
  readonly run: () => Promise<{ result: Exchange; problem: string | null }>;
}

function deliveries(options: Required<Pick<EventOptions, 'sender' | 'pageId'>>): Array<{ label: string; body: WebhookBody }> {
  const { pageId } = options;
  const batch = new WebhookBodyBuilder('page')
    .entry(pageId, { messaging: [MessengerEvents.text('First of a batch', options), MessengerEvents.postback('GET_STARTED', options)] })
    .entry(pageId, { messaging: [MessengerEvents.read(options), MessengerEvents.text('Last of a batch', options)] })
    .build();
  return [
    ...CLI_EVENT_TYPES.map((type) => ({ label: type.name, body: webhookBody(type.build(type.tour, options), { pageId }) })),
    { label: 'instagram text', body: webhookBody(MessengerEvents.text('Hello from Instagram', options), { object: 'instagram', pageId }) },
    { label: 'instagram seen', body: webhookBody(MessengerEvents.read({ ...options, instagram: true }), { object: 'instagram', pageId }) },
    { label: 'standby text', body: webhookBody(MessengerEvents.text('Sent while another app owns the thread', options), { pageId, standby: true }) },
    { label: 'batch (2 entries, 4 events)', body: batch },
  ];
}

/** `messenger-webhook tour`: returns the exit code (1 when any request failed). */
export async function tourCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseCommand(argv, OPTIONS);
  if (values.help) {
    io.out(TOUR_HELP);
    return 0;
  }
  const url = parseUrl(values.url ?? io.env.MESSENGER_WEBHOOK_URL ?? TOUR_DEFAULTS.url);
  const secret = values.secret ?? io.env.MESSENGER_APP_SECRET ?? TOUR_DEFAULTS.secret;
  const token = values.token ?? io.env.MESSENGER_VERIFY_TOKEN ?? TOUR_DEFAULTS.token;
  const options = { sender: values.sender ?? DEFAULT_SENDER, pageId: values.page ?? DEFAULT_PAGE_ID };
  const steps: TourStep[] = [
    { label: 'GET  handshake', run: () => handshake(url, token) },
    ...deliveries(options).map(({ label, body }) => ({
      label: `POST ${label}`,
      run: async () => {
        const result = await postSigned(url, body, secret);
        return { result, problem: deliveryProblem(result) };
      },
    })),
  ];
  io.out(`Tour of ${displayUrl(url)}: ${steps.length} requests`);
  let failed = 0;
  for (const step of steps) {
    // An unreachable server throws here and ends the tour: every later request would fail the same way.
    const { result, problem } = await step.run();
    if (problem) failed += 1;
    const line = `  ${problem ? 'FAIL' : 'ok  '}  ${step.label.padEnd(36)} ${String(result.status).padStart(3)} ${String(result.ms).padStart(5)} ms`;
    io.out(problem ? `${line}  ${problem}` : line);
  }
  if (failed > 0) {
    io.err(`messenger-webhook: ${failed} of ${steps.length} requests failed`);
    return 1;
  }
  io.out(`All ${steps.length} requests passed.`);
  return 0;
}
