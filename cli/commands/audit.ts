// `hwc audit`: replay a journey's recorded history against the current workflow code and print the
// decision trail (every input with its time, who, stage before → after, the rules that decided and the
// effects). A history the current code does not reproduce is reported as diverging (exit 3).
//
// The trail comes from the workflow's `audit.decision` sink, which live workers ignore
// (`callDuringReplay: false`) and the replay worker collects (`callDuringReplay: true`): client/audit.ts,
// shared with the web front door. Here: history files, `--all`, printing and exit codes.
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import type { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import {
  AuditInputError,
  claimantRefOf,
  describeError,
  DIVERGED,
  divergenceMessage,
  formatMarkdown,
  formatText,
  isEncrypted,
  journeyHistories,
  proofSummary,
  replayHistory as replayOne,
  replayRuns,
  statusOf,
  type AuditReport,
  type ExecutionStatus,
} from '../../client/audit';
import { workflowBundle } from '../../worker/worker';
import { workflowIdFor } from '../../workflows/messages';
import { client, config } from '../context';
import { CliError, badInput } from '../errors';
import { readJsonFile } from '../files';
import { historyFromJson, NotAHistoryError, type History } from '../history-json';
import { replayInParallel } from '../replay-pool';

export const DEFAULT_ALL_QUERY = "WorkflowType = 'hwcJourney' AND ExecutionStatus != 'Running'";
const WORKFLOW_TYPE = 'hwcJourney';

// The trail itself (replay, proofs, text and Markdown) is client/audit.ts; re-exported for the CLI's users.
export { DIVERGED, divergenceMessage, formatMarkdown, formatText, isEncrypted, proofSummary };
export type { AuditReport, ExecutionStatus } from '../../client/audit';

/** A history the CLI was given that cannot be read is bad input (exit 2). */
const asBadInput = <T>(p: Promise<T>): Promise<T> =>
  p.catch((e) => {
    throw e instanceof AuditInputError ? badInput(e.message) : e;
  });

/** Replay one history (client/audit.ts), an unreadable one being bad input. */
export const replayHistory = (...args: Parameters<typeof replayOne>) => asBadInput(replayOne(...args));

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
  const histories = await journeyHistories(temporal, workflowId).catch((e) => {
    throw e instanceof AuditInputError ? badInput(`${target}: ${e.message}`) : e;
  });
  return { histories, source: workflowId, workflowId };
}

/** `hwc audit <target>`, without printing: the trail as text, JSON or (also) a Markdown file. */
export async function audit(target: string, opts: AuditOptions = {}, c?: () => Promise<Client>): Promise<AuditOutcome> {
  const { histories, source, workflowId } = await historyFor(target, c);
  const dataConverter = histories.some(isEncrypted) ? await deploymentConverter() : undefined;
  const r = await asBadInput(replayRuns(histories, { source, workflowId, dataConverter }));
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
