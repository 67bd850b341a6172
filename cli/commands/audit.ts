// `hwc audit`: replay a journey's recorded history against the current workflow code and print the
// decision trail (every input with its time, who, stage before → after, the rules that decided and the
// effects). A history the current code does not reproduce is reported as diverging (exit 3).
//
// The trail comes from the workflow's `audit.decision` sink, which live workers ignore
// (`callDuringReplay: false`) and the replay worker here collects (`callDuringReplay: true`).
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { defaultPayloadConverter, type DataConverter, type Payload } from '@temporalio/common';
import { Worker, type InjectedSinks } from '@temporalio/worker';
import { installRuntime } from '../../worker/runtime';
import { workflowBundle } from '../../worker/worker';
import { workflowIdFor, type AuditSinks, type DecisionEntry } from '../../workflows/messages';
import { client, config } from '../context';
import { CliError, badInput } from '../errors';
import { readJsonFile, withoutQuotedInput } from '../files';
import { historyFromJson, NotAHistoryError, type History } from '../history-json';
import { replayInParallel } from '../replay-pool';

export const DEFAULT_ALL_QUERY = "WorkflowType = 'hwcJourney' AND ExecutionStatus != 'Running'";
const WORKFLOW_TYPE = 'hwcJourney';
/** Replay errors can be long (stacks, core details): enough to locate the divergence. */
const MAX_ERROR_CHARS = 800;

export type ExecutionStatus =
  'running' | 'completed' | 'failed' | 'terminated' | 'canceled' | 'timed out' | 'continued as new';

/** What `hwc audit` found for one history. Only the claimant ref identifies the claimant. */
export interface AuditReport {
  /** The file or workflow id the history came from. */
  source: string;
  workflowId: string;
  claimantRef: string | null;
  status: ExecutionStatus;
  events: number;
  matched: boolean;
  /** Where replay stopped matching: after the last decision it reached (index into trail, -1 for none). */
  divergence: { afterDecision: number; error: string; message: string } | null;
  trail: DecisionEntry[];
}

// ——— histories ———————————————————————————————————————————————————————————————————————————————————

/** A history file (Web UI / `temporal workflow show --output json` export, or SDK History JSON). */
export function loadHistoryFile(path: string): History {
  const json = readJsonFile(path); // exit 2 naming the file when unreadable or not JSON
  let history: History;
  try {
    history = historyFromJson(json);
  } catch (e) {
    if (e instanceof NotAHistoryError) throw badInput(`${path}: ${e.message}`);
    throw e;
  }
  const type = history.events![0].workflowExecutionStartedEventAttributes!.workflowType?.name;
  if (type !== WORKFLOW_TYPE)
    throw badInput(`${path}: a history of workflow type ${type ?? '(none)'}, not ${WORKFLOW_TYPE}`);
  return history;
}

const text = (b: Uint8Array | null | undefined) => (b ? new TextDecoder().decode(b) : '');

function payloadsOf(history: History): Payload[] {
  const out: Payload[] = [];
  for (const e of history.events ?? []) {
    out.push(...((e.workflowExecutionStartedEventAttributes?.input?.payloads ?? []) as Payload[]));
    out.push(
      ...((e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.args?.payloads ??
        []) as Payload[]),
    );
    out.push(...((e.activityTaskCompletedEventAttributes?.result?.payloads ?? []) as Payload[]));
  }
  return out;
}

export const isEncrypted = (history: History) =>
  payloadsOf(history).some((p) => text(p.metadata?.encoding) === 'binary/encrypted');

/** The deployment's payload codec, needed only for encrypted histories (worker/data-converter.ts; loaded
 *  on demand, so that auditing a plain history never reads or creates key files). */
async function deploymentConverter(): Promise<DataConverter> {
  let converter: DataConverter | undefined;
  try {
    const { dataConverterFor } = await import('../../worker/data-converter');
    converter = dataConverterFor(config(), 'replay');
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw badInput(`cannot load the payload encryption keys: ${(e as Error).message}`);
  }
  if (!converter)
    throw badInput(
      'the history is encrypted but HWC_ENCRYPTION is off: unset it and set HWC_CODEC_KEY_FILE or HWC_CODEC_KEYS to the keys it was written with',
    );
  return converter;
}

async function decodePayload(p: Payload, dataConverter?: DataConverter): Promise<unknown> {
  let ps = [p];
  for (const codec of [...(dataConverter?.payloadCodecs ?? [])].reverse()) ps = await codec.decode(ps);
  return defaultPayloadConverter.fromPayload(ps[0]);
}

/** The claimant ref from the journey's input (nothing else of the record is read). */
async function claimantRefOf(history: History, dataConverter?: DataConverter): Promise<string | null> {
  const p = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0] as Payload | undefined;
  if (!p) return null;
  let input: unknown;
  try {
    input = await decodePayload(p, dataConverter);
  } catch (e) {
    // Without the input the JSON parser may quote (the journey's input is the claimant's record).
    const why = withoutQuotedInput((e as Error).message) || 'not JSON';
    throw badInput(
      dataConverter
        ? `cannot decrypt the history with the configured keys (HWC_CODEC_KEY_FILE / HWC_CODEC_KEYS): ${why}`
        : `cannot decode the journey's input: ${why}`,
    );
  }
  const ref = (input as { record?: { claimantRef?: unknown } } | null)?.record?.claimantRef;
  return typeof ref === 'string' ? ref : null;
}

function statusOf(history: History): ExecutionStatus {
  const last = history.events?.at(-1);
  if (!last) return 'running';
  if (last.workflowExecutionCompletedEventAttributes) return 'completed';
  if (last.workflowExecutionFailedEventAttributes) return 'failed';
  if (last.workflowExecutionTerminatedEventAttributes) return 'terminated';
  if (last.workflowExecutionCanceledEventAttributes) return 'canceled';
  if (last.workflowExecutionTimedOutEventAttributes) return 'timed out';
  if (last.workflowExecutionContinuedAsNewEventAttributes) return 'continued as new';
  return 'running';
}

// ——— replay ——————————————————————————————————————————————————————————————————————————————————————

type Trails = Map<string, DecisionEntry[]>;

async function replayOptions(trails: Trails, dataConverter?: DataConverter) {
  installRuntime('ERROR');
  const sinks: InjectedSinks<AuditSinks> = {
    audit: {
      decision: {
        fn: (info, entry) => {
          const t = trails.get(info.workflowId) ?? [];
          t.push(entry);
          trails.set(info.workflowId, t);
        },
        callDuringReplay: true,
      },
    },
  };
  return {
    workflowBundle: await workflowBundle(),
    sinks,
    ...(dataConverter ? { dataConverter } : {}),
  };
}

function describeError(e: unknown): { error: string; message: string } {
  const err = e as Error;
  let message = String(err?.message ?? e).trim();
  // Core wraps the useful part ("[TMPRL1100] Nondeterminism error: Activity type of scheduled event 'x'
  // does not match activity type of activity command 'y'") in a debug dump of its Failure struct.
  const inner = /message: "((?:[^"\\]|\\.)*)"/.exec(message)?.[1];
  if (inner) message = inner.replace(/\\(.)/g, '$1');
  if (message.length > MAX_ERROR_CHARS) message = message.slice(0, MAX_ERROR_CHARS) + '…';
  return { error: err?.name && err.name !== 'Error' ? err.name : (err?.constructor?.name ?? 'Error'), message };
}

/**
 * Replay one history against the current workflow code and collect its decision trail. Never throws
 * for a history that does not replay: that is a divergence in the report.
 */
export async function replayHistory(
  history: History,
  o: { source: string; workflowId?: string; dataConverter?: DataConverter },
): Promise<AuditReport> {
  const claimantRef = await claimantRefOf(history, o.dataConverter);
  const workflowId = o.workflowId ?? (claimantRef ? workflowIdFor(claimantRef) : 'hwc-audit');
  const trails: Trails = new Map();
  let divergence: AuditReport['divergence'] = null;
  try {
    await Worker.runReplayHistory(await replayOptions(trails, o.dataConverter), history, workflowId);
  } catch (e) {
    divergence = { afterDecision: -1, ...describeError(e) };
  }
  const trail = trails.get(workflowId) ?? [];
  if (divergence) divergence.afterDecision = trail.length - 1;
  return {
    source: o.source,
    workflowId,
    claimantRef,
    status: statusOf(history),
    events: history.events?.length ?? 0,
    matched: !divergence,
    divergence,
    trail,
  };
}

// ——— output ——————————————————————————————————————————————————————————————————————————————————————

const who = (e: DecisionEntry) =>
  e.by
    ? `${e.by.staffId} (${e.by.role}${e.by.office ? `, ${e.by.office}` : ''})`
    : e.input === 'START'
      ? 'weekly report'
      : e.input === 'CONTINUED'
        ? 'continue-as-new (a fresh run of the same journey)'
        : 'deadline';

/** What the replay found of the proofs of recorded events (re-verified against the journey's keys then). */
export function proofSummary(trail: DecisionEntry[]) {
  const failed: { decision: number; input: string; reason: string }[] = [];
  let verified = 0;
  let unsigned = 0;
  trail.forEach((e, i) => {
    if (e.proof === 'verified') verified++;
    else if (e.proof === 'unsigned') unsigned++;
    else if (e.proof) failed.push({ decision: i + 1, input: e.input, reason: e.proof.failed });
  });
  return { verified, unsigned, failed };
}

const proofLine = (e: DecisionEntry) =>
  e.proof === undefined
    ? null
    : e.proof === 'verified'
      ? `    proof  verified: signed by ${e.by?.staffId ?? '?'}, certified by key ${e.by?.kid ?? '?'}`
      : e.proof === 'unsigned'
        ? '    proof  none (recorded before events were signed)'
        : `    proof  FAILED: ${e.proof.failed}`;

const stepLine = (e: DecisionEntry, i: number) => `#${i + 1} ${e.at} ${e.input} by ${who(e)}: ${e.from} → ${e.to}`;

const decisions = (n: number) => `${n} decision${n === 1 ? '' : 's'}`;
const subject = (r: AuditReport) => `${r.claimantRef ?? '(no claimant ref)'} · workflow ${r.workflowId}`;

function proofsText(trail: DecisionEntry[]): string {
  const p = proofSummary(trail);
  const parts = [`${p.verified} verified`];
  if (p.unsigned) parts.push(`${p.unsigned} unsigned (recorded before events were signed)`);
  if (p.failed.length) parts.push(`${p.failed.length} FAILED (${p.failed.map((f) => `#${f.decision}`).join(', ')})`);
  return `proofs of people's events: ${parts.join(', ')}`;
}

export const DIVERGED = 'the recorded history does not match the current workflow code';

export function divergenceMessage(r: AuditReport): string {
  const d = r.divergence!;
  const where =
    d.afterDecision >= 0
      ? `replay reached decision #${d.afterDecision + 1} (${r.trail[d.afterDecision].input} at ${r.trail[d.afterDecision].at}) and then diverged`
      : 'replay diverged before the first decision';
  return `${r.source}: ${DIVERGED}: ${where}: ${d.error}: ${d.message}`;
}

export function formatText(r: AuditReport): string {
  const out: string[] = [
    `${subject(r)} · ${r.status} · ${r.events} events`,
    r.matched
      ? `replay: matches the current workflow code (${decisions(r.trail.length)})`
      : `replay: DIVERGED (${decisions(r.trail.length)} reached)`,
    proofsText(r.trail),
    '',
  ];
  r.trail.forEach((e, i) => {
    out.push(`${e.at}  #${i + 1} ${e.input} by ${who(e)}: ${e.from} → ${e.to}`);
    const proof = proofLine(e);
    if (proof) out.push(proof);
    for (const rule of e.rules) out.push(`    rule   ${rule}`);
    for (const f of e.effects) out.push(`    effect ${f.at}  ${f.kind}: ${f.description}`);
  });
  if (r.divergence) {
    out.push(
      '',
      `DIVERGED: ${DIVERGED}.`,
      r.divergence.afterDecision >= 0
        ? `  last decision reached: ${stepLine(r.trail[r.divergence.afterDecision], r.divergence.afterDecision)}`
        : '  no decision was reached',
      `  ${r.divergence.error}: ${r.divergence.message}`,
    );
  }
  return out.join('\n') + '\n';
}

const md = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function formatMarkdown(r: AuditReport): string {
  const out: string[] = [
    `# Decision trail: ${r.claimantRef ?? r.workflowId}`,
    '',
    `- Workflow: \`${r.workflowId}\` (${r.status}, ${r.events} history events)`,
    `- Source: \`${r.source}\``,
    `- Replay: ${r.matched ? `**matches** the current workflow code (${decisions(r.trail.length)})` : `**DIVERGED**: ${DIVERGED}`}`,
    '',
    '| # | time (UTC) | input | by | stage | rules | effects |',
    '|---|---|---|---|---|---|---|',
  ];
  r.trail.forEach((e, i) =>
    out.push(
      `| ${i + 1} | ${e.at} | ${e.input} | ${md(who(e))} | ${e.from} → ${e.to} | ${e.rules.map(md).join('<br>')} | ${e.effects
        .map((f) => `${f.at} ${md(f.description)}`)
        .join('<br>')} |`,
    ),
  );
  if (r.divergence) {
    out.push(
      '',
      '## Divergence',
      '',
      `The ${DIVERGED}. ${
        r.divergence.afterDecision >= 0
          ? `Replay reached decision ${r.divergence.afterDecision + 1} (${r.trail[r.divergence.afterDecision].input} at ${r.trail[r.divergence.afterDecision].at}) and then failed:`
          : 'Replay failed before the first decision:'
      }`,
      '',
      '```',
      `${r.divergence.error}: ${r.divergence.message}`,
      '```',
    );
  }
  return out.join('\n') + '\n';
}

// ——— the command —————————————————————————————————————————————————————————————————————————————————

export interface AuditOptions {
  json?: boolean;
  markdown?: string;
}

/** The outcome of auditing one target: what goes to stdout, and the exit code (3: diverged). */
export interface AuditOutcome {
  exitCode: 0 | 3;
  text: string;
  /** The one-line explanation for stderr when the history diverged. */
  message?: string;
  report: AuditReport;
}

const looksLikeFile = (s: string) => s.endsWith('.json') || s.includes('/') || s.includes('\\');

/** Where the history of `target` comes from: an existing file, else a claimant ref or workflow id. */
async function historyFor(
  target: string,
  c?: () => Promise<Client>,
): Promise<{ histories: History[]; source: string; workflowId?: string }> {
  if (existsSync(target) && statSync(target).isFile()) return { histories: [loadHistoryFile(target)], source: target };
  if (looksLikeFile(target)) throw badInput(`${target}: no such file`);
  const workflowId = target.startsWith('hwc-') ? target : workflowIdFor(target);
  const temporal = await (c ?? (() => client()))();
  try {
    const history = await temporal.workflow.getHandle(workflowId).fetchHistory();
    if (!history.events?.length) throw badInput(`${workflowId}: the history has no events`);
    // A journey that continued as new has earlier runs: the trail starts at the first.
    const histories = [history];
    for (let i = 0; i < 100; i++) {
      const previous = histories[0].events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
      if (!previous) break;
      histories.unshift(await temporal.workflow.getHandle(workflowId, previous).fetchHistory());
    }
    return { histories, source: workflowId, workflowId };
  } catch (e) {
    if (e instanceof WorkflowNotFoundError || (e as Error)?.name === 'WorkflowNotFoundError')
      throw badInput(`${target}: no journey ${workflowId} in namespace ${temporal.options.namespace}`);
    throw e;
  }
}

/** `hwc audit <target>`, without printing: the trail as text, JSON or (also) a Markdown file. */
export async function audit(target: string, opts: AuditOptions = {}, c?: () => Promise<Client>): Promise<AuditOutcome> {
  const { histories, source, workflowId } = await historyFor(target, c);
  const dataConverter = histories.some(isEncrypted) ? await deploymentConverter() : undefined;
  let report: AuditReport | null = null;
  for (const history of histories) {
    const run = await replayHistory(history, { source, workflowId, dataConverter });
    report = report ? joinRuns(report, run) : run;
    if (!run.matched) break;
  }
  const r = report!;
  const failed = proofSummary(r.trail).failed;
  if (opts.markdown) writeFileSync(opts.markdown, formatMarkdown(r));
  const ok = r.matched && failed.length === 0;
  return {
    exitCode: ok ? 0 : 3,
    text: opts.json ? JSON.stringify({ ...r, proofs: proofSummary(r.trail) }, null, 2) + '\n' : formatText(r),
    message: !r.matched
      ? divergenceMessage(r)
      : ok
        ? undefined
        : `${source}: the proof of ${failed.map((f) => `decision #${f.decision} (${f.input}): ${f.reason}`).join('; ')} does not verify`,
    report: r,
  };
}

/** The trail of a journey that continued as new: one report over its runs, oldest first. */
function joinRuns(a: AuditReport, b: AuditReport): AuditReport {
  const offset = a.trail.length;
  return {
    ...b,
    source: a.source,
    claimantRef: a.claimantRef ?? b.claimantRef,
    events: a.events + b.events,
    trail: [...a.trail, ...b.trail],
    divergence: b.divergence ? { ...b.divergence, afterDecision: b.divergence.afterDecision + offset } : null,
  };
}

export interface AllSummary {
  replayed: number;
  matched: number;
  diverged: number;
  divergences: { workflowId: string; claimantRef: string | null; message: string }[];
  /** Replay worker processes (every core by default). */
  workers: number;
  /** From the start of the replay workers to the last history replayed. */
  replaySeconds: number;
  /** CPU seconds: this process (listing, fetching, handing out) and the replay workers (after start-up). */
  cpuSeconds: { command: number; replayWorkers: number };
}

/**
 * `hwc audit --all`: replay every journey the visibility query lists, on every core (cli/replay-pool.ts:
 * one child process per core, each replaying with the same bundle), while this process lists and
 * fetches the histories.
 */
export async function auditAll(
  query: string,
  opts: {
    progress?: (line: string) => void;
    /** For tests: the client and the data converter (null: none) instead of the environment's. */
    client?: () => Promise<Client>;
    dataConverter?: DataConverter | null;
    /** Replay worker processes; default: one per core. */
    workers?: number;
  } = {},
): Promise<{ exitCode: 0 | 3; summary: AllSummary }> {
  const temporal = await (opts.client ?? (() => client()))();
  const total = await temporal.workflow.count(query).then(
    (r) => r.count,
    () => null,
  );
  // Histories on a server are encrypted when the deployment is (the keys are the workers' keys). The
  // replay workers load the same keys from the same environment; this process needs them for the refs.
  const encrypted = opts.dataConverter !== undefined ? opts.dataConverter !== null : config().encryption;
  const dataConverter =
    opts.dataConverter !== undefined
      ? (opts.dataConverter ?? undefined)
      : encrypted
        ? await deploymentConverter()
        : undefined;
  // Of each history in flight, only what a divergence report needs (the input is decoded only then).
  const seen = new Map<string, { first: History; status: ExecutionStatus; events: number }>();
  const workers = Math.max(1, opts.workers ?? availableParallelism());
  const listed = temporal.workflow.list({ query }).intoHistories({ concurrency: 2 * workers });
  async function* histories() {
    for await (const listedHistory of listed) {
      const h = { workflowId: listedHistory.workflowId, history: listedHistory.history as History };
      // Only what a divergence report needs is kept of a history (not the history itself).
      seen.set(h.workflowId, {
        first: { events: h.history.events?.slice(0, 1) ?? [] },
        status: statusOf(h.history),
        events: h.history.events?.length ?? 0,
      });
      yield h;
    }
  }
  const summary: AllSummary = {
    replayed: 0,
    matched: 0,
    diverged: 0,
    divergences: [],
    workers,
    replaySeconds: 0,
    cpuSeconds: { command: 0, replayWorkers: 0 },
  };
  const bundleCode = (await workflowBundle()).code;
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  const stats = { workers, replayCpuSeconds: 0, startCpuSeconds: 0 };
  const pool = replayInParallel(
    histories(),
    { bundleCode, workers, codec: encrypted ? 'deployment' : 'none', trails: true },
    stats,
  );
  for await (const r of pool) {
    summary.replayed++;
    if (r.error) {
      summary.diverged++;
      const trail = r.trail ?? [];
      const listedAs = seen.get(r.workflowId);
      const report: AuditReport = {
        source: r.workflowId,
        workflowId: r.workflowId,
        claimantRef: listedAs ? await claimantRefOf(listedAs.first, dataConverter).catch(() => null) : null,
        status: listedAs?.status ?? 'completed',
        events: listedAs?.events ?? 0,
        matched: false,
        divergence: { afterDecision: trail.length - 1, ...describeError(r.error) },
        trail,
      };
      summary.divergences.push({
        workflowId: r.workflowId,
        claimantRef: report.claimantRef,
        message: divergenceMessage(report),
      });
    } else summary.matched++;
    seen.delete(r.workflowId);
    opts.progress?.(`replayed ${summary.replayed}${total !== null ? `/${total}` : ''}`);
  }
  summary.replaySeconds = Math.round((performance.now() - started) / 10) / 100;
  const cpu = process.cpuUsage(cpu0);
  summary.cpuSeconds = {
    command: Math.round((cpu.user + cpu.system) / 1e4) / 100,
    replayWorkers: Math.round(stats.replayCpuSeconds * 100) / 100,
  };
  return { exitCode: summary.diverged ? 3 : 0, summary };
}

export function formatSummary(s: AllSummary): string {
  return (
    [
      ...s.divergences.map((d) => `DIVERGED ${d.message}`),
      `replayed=${s.replayed} matched=${s.matched} diverged=${s.diverged}`,
    ].join('\n') + '\n'
  );
}

export function register(program: Command) {
  program
    .command('audit')
    .description("replay a journey's history against the current code and print its decision trail")
    .argument(
      '[target]',
      'claimant ref (C-1001), workflow id (hwc-C-1001) or a history JSON file (Web UI / temporal CLI export)',
    )
    .option('--json', 'print the trail as JSON')
    .option('--markdown <file>', 'also write the trail as a Markdown report to FILE')
    .option('--all', 'replay every closed journey the visibility query lists and print a summary')
    .option('--query <query>', `visibility query for --all (default: ${DEFAULT_ALL_QUERY})`)
    .option('--workers <n>', 'replay worker processes for --all (default: one per core)')
    .addHelpText(
      'after',
      '\nExit codes: 0 the history replays on the current code, 2 bad input (file, ref), 3 the history diverges from the current code.',
    )
    .action(
      async (target: string | undefined, opts: AuditOptions & { all?: boolean; query?: string; workers?: string }) => {
        if (opts.all) {
          if (target) throw badInput('audit: give either a target or --all, not both');
          const workers = opts.workers === undefined ? undefined : Number(opts.workers);
          if (workers !== undefined && !(Number.isInteger(workers) && workers >= 1 && workers <= 64))
            throw badInput(`audit: --workers: ${JSON.stringify(opts.workers)} is not a whole number from 1 to 64`);
          const { exitCode, summary } = await auditAll(opts.query ?? DEFAULT_ALL_QUERY, {
            progress: progressOnStderr(),
            workers,
          });
          if (process.stderr.isTTY) process.stderr.write('\n');
          if (opts.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
          else process.stdout.write(formatSummary(summary));
          if (exitCode === 3)
            throw new CliError(
              `${summary.diverged} of ${summary.replayed} journeys diverge from the current workflow code`,
              3,
            );
          return;
        }
        if (opts.query) throw badInput('audit: --query goes with --all');
        if (opts.workers) throw badInput('audit: --workers goes with --all');
        if (!target) throw badInput('audit: give a claimant ref, a workflow id or a history file (or --all)');
        const outcome = await audit(target, opts);
        process.stdout.write(outcome.text);
        if (opts.markdown) process.stderr.write(`wrote ${opts.markdown}\n`);
        if (outcome.exitCode === 3) throw new CliError(outcome.message!, 3);
      },
    );
}

/** Progress of `--all` on stderr: one line kept up to date on a terminal, otherwise a line every 5 s. */
function progressOnStderr(): (line: string) => void {
  const tty = process.stderr.isTTY;
  let last = 0;
  return (line) => {
    if (tty) process.stderr.write(`\r${line}\x1b[K`);
    else if (Date.now() - last >= 5000) {
      last = Date.now();
      process.stderr.write(`${line}\n`);
    }
  };
}
