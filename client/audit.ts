// The decision trail of a journey (`hwc audit`, the auditor's page): its history replayed against the current
// workflow code, every decision collected through the audit sink and each recorded proof verified again.
// Shared by the CLI (cli/commands/audit.ts: files, --all, printing, exit codes) and the web front door.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { defaultPayloadConverter, type DataConverter, type Payload } from '@temporalio/common';
import { Worker, type InjectedSinks } from '@temporalio/worker';
import { installRuntime } from '../worker/runtime';
import { workflowBundle } from '../worker/worker';
import { workflowIdFor, type AuditSinks, type DecisionEntry } from '../workflows/messages';
import type proto from '@temporalio/proto';
import { withoutQuotedInput } from './json-errors';

export type History = proto.temporal.api.history.v1.IHistory;

/** A history that cannot be read (undecryptable, not a journey's input): the caller's input is wrong. */
export class AuditInputError extends Error {}

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

async function decodePayload(p: Payload, dataConverter?: DataConverter): Promise<unknown> {
  let ps = [p];
  for (const codec of [...(dataConverter?.payloadCodecs ?? [])].reverse()) ps = await codec.decode(ps);
  return defaultPayloadConverter.fromPayload(ps[0]);
}

/** The claimant ref from the journey's input (nothing else of the record is read). */
export async function claimantRefOf(history: History, dataConverter?: DataConverter): Promise<string | null> {
  const p = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0] as Payload | undefined;
  if (!p) return null;
  let input: unknown;
  try {
    input = await decodePayload(p, dataConverter);
  } catch (e) {
    // Without the input the JSON parser may quote (the journey's input is the claimant's record).
    const why = withoutQuotedInput((e as Error).message) || 'not JSON';
    throw new AuditInputError(
      dataConverter
        ? `cannot decrypt the history with the configured keys (HWC_CODEC_KEY_FILE / HWC_CODEC_KEYS): ${why}`
        : `cannot decode the journey's input: ${why}`,
    );
  }
  const ref = (input as { record?: { claimantRef?: unknown } } | null)?.record?.claimantRef;
  return typeof ref === 'string' ? ref : null;
}

export function statusOf(history: History): ExecutionStatus {
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

export function describeError(e: unknown): { error: string; message: string } {
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

/** The trail of a journey that continued as new: one report over its runs, oldest first. */
export function joinRuns(a: AuditReport, b: AuditReport): AuditReport {
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

/** A journey's histories from Temporal, oldest run first (a journey that continued as new has earlier runs). */
export async function journeyHistories(client: Client, workflowId: string): Promise<History[]> {
  try {
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    if (!history.events?.length) throw new AuditInputError(`${workflowId}: the history has no events`);
    const histories = [history];
    for (let i = 0; i < 100; i++) {
      const previous = histories[0].events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
      if (!previous) break;
      histories.unshift(await client.workflow.getHandle(workflowId, previous).fetchHistory());
    }
    return histories;
  } catch (e) {
    if (e instanceof WorkflowNotFoundError || (e as Error)?.name === 'WorkflowNotFoundError')
      throw new AuditInputError(`no journey ${workflowId} in namespace ${client.options.namespace}`);
    throw e;
  }
}

/** The trail over a journey's runs: each replayed in turn, stopping at the first that diverges. */
export async function replayRuns(
  histories: History[],
  o: { source: string; workflowId?: string; dataConverter?: DataConverter },
): Promise<AuditReport> {
  let report: AuditReport | null = null;
  for (const history of histories) {
    const run = await replayHistory(history, o);
    report = report ? joinRuns(report, run) : run;
    if (!run.matched) break;
  }
  return report!;
}

/** A journey's decision trail from Temporal; `dataConverter` decrypts an encrypted history. */
export async function auditJourney(
  client: Client,
  claimantRef: string,
  o: { dataConverter?: () => DataConverter | undefined } = {},
): Promise<AuditReport> {
  const workflowId = workflowIdFor(claimantRef);
  const histories = await journeyHistories(client, workflowId);
  const dataConverter = histories.some(isEncrypted) ? o.dataConverter?.() : undefined;
  return replayRuns(histories, { source: workflowId, workflowId, dataConverter });
}
