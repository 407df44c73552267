/** Figures to text: the console table, the Markdown for the README, and the targets they are judged against. */
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

/** What the bench must show; `run.mjs` stores these next to the figures. */
export const TARGETS = {
  /** Bare CPU per request over ours, one event per request, per adapter (issue 7, section 4). */
  singleEventCpuRatio: { 'express-single': 0.85, 'fastify-single': 0.65 },
  pipelineEventsPerSecond: 125_000,
  heapLateGrowthMb: 1,
};

const VARIANT_LABELS = {
  bare: '(a) bare Nest route',
  lib: '(b) ours, dedupe off',
  'lib-dedupe': "(b') ours, dedupe on",
};

const CASE_LABELS = {
  'express-single': 'Express, 1 event',
  'express-batch': 'Express, 100 events',
  'fastify-single': 'Fastify, 1 event',
  'fastify-batch': 'Fastify, 100 events',
};

/** Median of finite numbers (NaN when there are none). */
export function median(values) {
  const sorted = values.filter(Number.isFinite).sort((x, y) => x - y);
  if (sorted.length === 0) return NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The machine the figures come from. */
export function machineInfo() {
  let cpu = cpus()[0]?.model ?? 'unknown';
  try {
    cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpu;
  } catch {
    // Not Linux: os.cpus() already gave a model.
  }
  return { cpu, cores: cpus().length, node: process.version, platform: `${process.platform} ${process.arch}`, loadAverage: loadavg().map((x) => Number(x.toFixed(2))) };
}

const int = (value) => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a');
const fixed = (value, digits) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
const verdict = (pass) => (pass ? 'PASS' : 'MISS');

/** One judged line per target, shared by the table and the Markdown. */
function judge(results) {
  const lines = [];
  for (const id of ['express-single', 'fastify-single']) {
    const entry = results.http.find((httpCase) => httpCase.id === id);
    if (!entry) continue; // not selected by BENCH_CASES
    const ratio = entry.variants.lib?.cpuRatio;
    const target = TARGETS.singleEventCpuRatio[id];
    lines.push({ id, what: `${CASE_LABELS[id]}: bare CPU/req ÷ ours`, target: `>= ${target}`, value: fixed(ratio, 2), pass: ratio >= target });
  }
  if (!results.pipeline) return lines; // --no-pipeline
  // Judged per second of the process's own CPU time: the wall-clock rate drops whenever others load the machine,
  // and the CPU time includes V8's helper threads, so this never overstates what one core does.
  const pipeline = results.pipeline.validated.eventsPerCpuSecond;
  lines.push({ id: 'pipeline', what: 'pipeline, validation on, events per CPU-second', target: `>= ${int(TARGETS.pipelineEventsPerSecond)}`, value: int(pipeline), pass: pipeline >= TARGETS.pipelineEventsPerSecond });
  const heap = results.pipeline.heap;
  lines.push({
    id: 'heap',
    what: `heap after ${int(heap.events)} events`,
    target: `flat (< ${TARGETS.heapLateGrowthMb} MB after the first ${int(heap.checkpoints[1]?.events)})`,
    value: `${heap.lateGrowthMb >= 0 ? '+' : ''}${fixed(heap.lateGrowthMb, 2)} MB`,
    pass: heap.lateGrowthMb < TARGETS.heapLateGrowthMb,
  });
  return lines;
}

/** Everything that makes the figures untrustworthy: failed requests, lost handler calls, server log output. */
function problems(results) {
  const found = [];
  for (const entry of results.http) {
    for (const [variant, figures] of Object.entries(entry.variants)) {
      const where = `${CASE_LABELS[entry.id]} ${VARIANT_LABELS[variant]}`;
      if (figures.non2xx > 0 || figures.errors > 0) found.push(`${where}: ${figures.non2xx} non-2xx responses, ${figures.errors} errors/timeouts`);
      if (!figures.handlerCallsOk) found.push(`${where}: the handler was not called once per event of every 200 response`);
      if (figures.serverLogCount > 0) found.push(`${where}: the server logged ${figures.serverLogCount} lines, e.g. ${figures.serverLogSample.join(' | ')}`);
    }
  }
  return found;
}

function pad(cells, widths) {
  return cells.map((cell, index) => (index < 2 ? String(cell).padEnd(widths[index]) : String(cell).padStart(widths[index]))).join('  ');
}

function httpRows(results) {
  const rows = [];
  for (const entry of results.http) {
    for (const [variant, figures] of Object.entries(entry.variants)) {
      rows.push([
        variant === 'bare' ? CASE_LABELS[entry.id] : '',
        VARIANT_LABELS[variant],
        int(figures.requestsPerSecond),
        fixed(figures.p50, 2),
        fixed(figures.p99, 2),
        int(figures.eventsPerSecond),
        int(figures.cpuMicrosPerRequest),
        int(figures.non2xx + figures.errors),
        variant === 'bare' ? '' : fixed(figures.requestsRatio, 2),
        variant === 'bare' ? '' : fixed(figures.cpuRatio, 2),
      ]);
    }
  }
  return rows;
}

function headline(results) {
  const { machine, config } = results;
  return [
    `nestjs-messenger-webhook bench, ${results.date}`,
    `Library build ${results.library.fingerprint} (${results.library.files} files; commit ${results.library.commit ?? 'n/a'}` +
      `${results.library.uncommittedLibraryChanges ? ` + ${results.library.uncommittedLibraryChanges} uncommitted source changes` : ''})`,
    `Machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node} (${machine.platform}); load average ${machine.loadAverage.join(' ')} at start, ${machine.loadAverageAtEnd.join(' ')} at end`,
    `HTTP: autocannon on 127.0.0.1, ${config.connections} connections, ${config.rounds} rounds × ${config.seconds} s after ${config.warmupSeconds} s warm-up, fresh servers per round, each round's window cut into ${config.slices ?? 1} slices that take turns between the servers; ` +
      `medians over rounds, ratios are medians of per-round ratios. Bodies: ${config.bodyBytes.single} B (1 message), ${config.bodyBytes.batch} B (${config.batchEvents} messages, ${config.batchSenders} senders, one entry), signed once.`,
    `(b) is MessengerWebhookModule.forRoot defaults (signature check, validation, await) with dedupe: false, because the same body is sent every time and ` +
      `dedupe (on by default, keyed on message.mid) would drop it after the first; (b') keeps dedupe on: every request after the first is a dropped redelivery.`,
  ];
}

/** The console report; `failed` is true when requests failed or handlers were missed. */
export function renderTable(results) {
  const header = ['case', 'server', 'req/s', 'p50 ms', 'p99 ms', 'events/s', 'CPU µs/req', 'non-2xx', 'b/a req/s', 'a/b CPU'];
  const rows = httpRows(results);
  const widths = header.map((cell, index) => Math.max(cell.length, ...rows.map((row) => String(row[index]).length)));
  const lines = [...headline(results), '', pad(header, widths), widths.map((width) => '-'.repeat(width)).join('  ')];
  for (const row of rows) lines.push(pad(row, widths));
  lines.push(...pipelineLines(results.pipeline), '', 'Targets:');
  for (const line of judge(results)) lines.push(`  ${verdict(line.pass)}  ${line.what}: ${line.value} (target ${line.target})`);
  const found = problems(results);
  if (found.length > 0) {
    lines.push('', '!'.repeat(78), '!!! THE BENCH HAD ERRORS: these figures do not measure what they claim', ...found.map((problem) => `!!! ${problem}`), '!'.repeat(78));
  } else {
    lines.push('', 'Every response was 200 and every event reached the handler.');
  }
  if (results.config.quick) lines.push('(--quick run: too short for figures to quote)');
  if (!results.pipeline || results.http.length < 4) lines.push('(partial run: BENCH_CASES or --no-pipeline; not for the README)');
  return { text: lines.join('\n'), failed: found.length > 0 };
}

function pipelineLines(pipeline) {
  if (!pipeline) return [];
  const { validated, unvalidated, heap } = pipeline;
  const lines = [];
  lines.push('', 'Pipeline in-process (MessengerDispatcher.dispatch, 1000-event batches, 20 senders, no-op handler, dedupe off):');
  for (const run of [validated, unvalidated]) {
    lines.push(
      `  validateEvents: ${String(run.validateEvents).padEnd(5)}  ${int(run.eventsPerSecond).padStart(8)} events/s  ` +
        `(${int(run.eventsPerCpuSecond)} per CPU-second, ${fixed(run.cpuMicrosPerEvent, 1)} µs CPU per event, ${int(run.events)} events)` +
        (run.processes ? `; median of ${run.processes.length} processes: ${run.processes.map(int).join(' / ')}` : ''),
    );
  }
  lines.push(
    `  heap (validation on): ${heap.checkpoints.map((point) => `${int(point.events)}: ${fixed(point.heapUsedMb, 2)} MB`).join(', ')}`,
    `  growth ${fixed(heap.growthMb, 2)} MB over ${int(heap.events)} events (${fixed(heap.growthBytesPerEvent, 2)} B/event); ${fixed(heap.lateGrowthMb, 2)} MB after the first checkpoint`,
  );
  return lines;
}

/** A Markdown section ready for the README's Performance section. */
export function renderMarkdown(results) {
  if (!results.pipeline) return ''; // partial run: nothing to publish
  const { validated, unvalidated, heap } = results.pipeline;
  const lines = [
    `Measured ${results.date.slice(0, 10)} on ${results.machine.cpu}, ${results.machine.cores} cores, Node ${results.machine.node}, with \`npm run bench\` ` +
      `(load average ${results.machine.loadAverage[0]} at the start: the bench client shares the machine with the server).`,
    `HTTP: autocannon on loopback, ${results.config.connections} connections, median of ${results.config.rounds} rounds × ${results.config.seconds} s, ` +
      `each round's window cut into ${results.config.slices ?? 1} slices taking turns between a bare Nest \`@Post()\` route (a) and the module with one no-op \`@OnMessage()\` handler (b), same adapter, same signed body, \`rawBody: true\`. ` +
      `(b) uses the defaults (signature check, validation) with \`dedupe: false\`, since the bench resends one body and deduplication would drop it; ` +
      `(b') keeps deduplication on, so it measures the redelivery path.`,
    '',
    '| Case | Server | req/s | p50 ms | p99 ms | events/s | CPU µs/req | req/s ours ÷ bare | CPU/req bare ÷ ours |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
    ...httpRows(results).map((row) => `| ${[row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[8], row[9]].join(' | ')} |`),
    '',
    '| Pipeline (in-process `dispatch`, 1000-event batches, no-op handler) | events per CPU-second | events/s (wall clock) | CPU µs per event |',
    '|---|---:|---:|---:|',
    `| validation on | ${int(validated.eventsPerCpuSecond)} | ${int(validated.eventsPerSecond)} | ${fixed(validated.cpuMicrosPerEvent, 1)} |`,
    `| validation off | ${int(unvalidated.eventsPerCpuSecond)} | ${int(unvalidated.eventsPerSecond)} | ${fixed(unvalidated.cpuMicrosPerEvent, 1)} |`,
    '',
    `Heap after forced GC over ${int(heap.events)} events: ${fixed(heap.checkpoints[0].heapUsedMb, 1)} MB → ${fixed(heap.checkpoints.at(-1).heapUsedMb, 1)} MB ` +
      `(${fixed(heap.growthBytesPerEvent, 2)} bytes per event).`,
    '',
    '| Target | Figure | Goal | |',
    '|---|---:|---|---|',
    ...judge(results).map((line) => `| ${line.what} | ${line.value} | ${line.target} | ${verdict(line.pass)} |`),
    '',
  ];
  return lines.join('\n');
}
