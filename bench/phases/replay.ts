// Phase: replay, as an audit does it. (1) The cost of replaying one history on one thread, for hwc and
// the two baselines, on histories of the same journeys (the start-throughput rounds: same activities,
// timers and Update, about the same number of events), in interleaved passes through the same replay
// pool `hwc audit --all` uses, with one child; (2) `hwc audit --all` itself, the real command as a child
// process against the bench's server, over every hwc journey there, on every core.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { HistoryAndWorkflowId } from '@temporalio/client';
import proto from '@temporalio/proto';
import { replayInParallel, type PoolStats } from '../../cli/replay-pool';
import { PROJECT_ROOT } from '../../worker/config';
import { BUNDLE_FILES } from '../bundles';
import { VARIANTS, VARIANT_IDS, type VariantId } from '../harness';
import { markdownTable, round, spread, withSpread, type Spread } from '../lib';
import type { StartThroughput } from './start-throughput';
import { NoData, type Phase } from './types';

interface VariantReplay {
  histories: number;
  eventsPerHistory: number;
  /** CPU of the replaying child per history, per pass, then mean ±95% CI over the passes. */
  cpuMsPerHistory: Spread;
  historiesPerSecondOneThread: Spread;
  failed: number;
  firstError: string | null;
}

export interface Replay {
  passes: string;
  byVariant: Record<VariantId, VariantReplay>;
  ratioHwcToFloor: Spread;
  ratioHwcToHandWritten: Spread;
  auditAll: {
    query: string;
    histories: number;
    matched: number;
    diverged: number;
    workers: number;
    /** From the first history replayed to the last (the command's own figure, `--json`). */
    replaySeconds: number;
    historiesPerSecond: number;
    /** The whole command: start-up, bundling the workflows, listing, fetching, replaying. */
    wallSeconds: number;
    historiesPerSecondEndToEnd: number;
    /** CPU per history of the dev server (serving the histories), the command and its replay workers. */
    cpuMsPerHistory: { server: number; command: number; replayWorkers: number };
  };
}

const { History } = proto.temporal.api.history.v1;
const AUDIT_QUERY = "WorkflowType = 'hwcJourney'";

async function fetchAll(ctx: Parameters<Phase['run']>[0], id: VariantId, refs: string[]) {
  const out: HistoryAndWorkflowId[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < refs.length) {
        const workflowId = VARIANTS[id].idFor(refs[next++]);
        out.push({ workflowId, history: await ctx.h.client.workflow.getHandle(workflowId).fetchHistory() });
      }
    }),
  );
  return out;
}

export const replay: Phase<Replay> = {
  id: 'replay',
  title: 'Replay',
  server: true,
  freshWorker: false,
  needs: ['startThroughput'],
  async run(ctx) {
    const { h, S, log, earlier } = ctx;
    const st = earlier.startThroughput as StartThroughput;
    // Histories of the measured rounds only: the same journey shape for every variant.
    const histories = {} as Record<VariantId, HistoryAndWorkflowId[]>;
    for (const id of VARIANT_IDS) {
      const refs = st.refsOf[id].filter((r) => /^[HAF]\d/.test(r)).slice(0, S.replay);
      histories[id] = await fetchAll(ctx, id, refs);
      if (!histories[id].length) throw new NoData(`no ${VARIANTS[id].label} histories to replay`);
      saveHistories(join(h.subdir('histories'), `${id}.bin`), histories[id]);
    }
    const code = (id: VariantId) => readFileSync(join(h.o.bundleDir, BUNDLE_FILES[id]), 'utf8');
    const passes = [
      'hwc',
      'handWritten',
      'floor',
      'floor',
      'handWritten',
      'hwc',
      'hwc',
      'handWritten',
      'floor',
    ] as const;
    const runs: Record<VariantId, { cpuMs: number; perSecond: number; failed: number; firstError: string }[]> = {
      hwc: [],
      handWritten: [],
      floor: [],
    };
    for (const id of passes) {
      const stats = {} as PoolStats;
      let failed = 0;
      let firstError = '';
      let t0 = 0;
      let k = 0;
      for await (const r of replayInParallel(
        histories[id],
        {
          bundleCode: code(id),
          workers: 1,
          codec: 'deployment',
          env: { ...process.env, HWC_CODEC_KEY_FILE: h.keyFile },
        },
        stats,
      )) {
        if (!k++) t0 = performance.now(); // the rate from the first result on: start-up excluded
        if (r.error) {
          failed++;
          firstError ||= r.error.message.slice(0, 300);
        }
      }
      const n = histories[id].length;
      const cpuMs = (stats.replayCpuSeconds / n) * 1000;
      const perSecond = (n - 1) / ((performance.now() - t0) / 1000);
      runs[id].push({ cpuMs, perSecond, failed, firstError });
      log(
        `replay: ${VARIANTS[id].label}: ${n} histories on one thread, ${cpuMs.toFixed(1)} ms CPU each, ${perSecond.toFixed(1)}/s${failed ? `, ${failed} FAILED: ${firstError}` : ''}`,
      );
    }
    const byVariant = {} as Record<VariantId, VariantReplay>;
    for (const id of VARIANT_IDS) {
      const hs = histories[id];
      byVariant[id] = {
        histories: hs.length,
        eventsPerHistory: round(
          hs.reduce((a, x) => a + ((x.history as { events?: unknown[] }).events?.length ?? 0), 0) / hs.length,
          1,
        ),
        cpuMsPerHistory: spread(
          runs[id].map((r) => r.cpuMs),
          1,
        ),
        historiesPerSecondOneThread: spread(
          runs[id].map((r) => r.perSecond),
          1,
        ),
        failed: Math.max(...runs[id].map((r) => r.failed)),
        firstError: runs[id].find((r) => r.firstError)?.firstError ?? null,
      };
    }
    if (byVariant.hwc.failed === byVariant.hwc.histories)
      throw new NoData(`no hwc history replayed: ${byVariant.hwc.firstError}`);
    const ratio = (base: VariantId) =>
      spread(
        runs.hwc.map((r, i) => r.cpuMs / runs[base][i].cpuMs),
        2,
      );

    // `hwc audit --all`, the command itself.
    log(`replay: hwc audit --all --query "${AUDIT_QUERY}" on ${availableParallelism()} cores …`);
    const started = performance.now();
    const before = h.snap();
    const child = spawn(
      process.execPath,
      [join(PROJECT_ROOT, 'bin/hwc.js'), 'audit', '--all', '--json', '--query', AUDIT_QUERY],
      {
        cwd: PROJECT_ROOT,
        env: {
          ...process.env,
          TEMPORAL_ADDRESS: `127.0.0.1:${h.port}`,
          HWC_CODEC_KEY_FILE: h.keyFile,
          HWC_DB: h.dbPath,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (b: Buffer) => (stdout += b));
    child.stderr!.on('data', (b: Buffer) => (stderr += b));
    const code2 = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    const wallSeconds = (performance.now() - started) / 1000;
    const serverCpu = h.snap().server - before.server;
    if (code2 !== 0 && code2 !== 3)
      throw new NoData(`hwc audit --all exited ${code2}: ${stderr.trim().split('\n').slice(-3).join(' / ')}`);
    const summary = JSON.parse(stdout) as {
      replayed: number;
      matched: number;
      diverged: number;
      workers: number;
      replaySeconds: number;
      cpuSeconds: { command: number; replayWorkers: number };
    };
    if (!summary.replayed) throw new NoData('hwc audit --all replayed no history');
    log(
      `replay: hwc audit --all: ${summary.replayed} histories (${summary.diverged} diverged) on ${summary.workers} workers, ${(summary.replayed / summary.replaySeconds).toFixed(1)}/s replaying, ${wallSeconds.toFixed(1)} s in all`,
    );
    return {
      passes: passes.join(', '),
      byVariant,
      ratioHwcToFloor: ratio('floor'),
      ratioHwcToHandWritten: ratio('handWritten'),
      auditAll: {
        query: AUDIT_QUERY,
        histories: summary.replayed,
        matched: summary.matched,
        diverged: summary.diverged,
        workers: summary.workers,
        replaySeconds: round(summary.replaySeconds, 2),
        historiesPerSecond: round(summary.replayed / summary.replaySeconds, 1),
        wallSeconds: round(wallSeconds, 1),
        historiesPerSecondEndToEnd: round(summary.replayed / wallSeconds, 1),
        cpuMsPerHistory: {
          server: round((serverCpu / summary.replayed) * 1000, 1),
          command: round((summary.cpuSeconds.command / summary.replayed) * 1000, 1),
          replayWorkers: round((summary.cpuSeconds.replayWorkers / summary.replayed) * 1000, 1),
        },
      },
    };
  },
  summary(r) {
    const b = r.byVariant;
    const a = r.auditAll;
    return [
      `On one thread (the replay pool of \`hwc audit --all\` with one child), histories of the start-throughput journeys, passes ${r.passes}; ± over the passes:`,
      '',
      markdownTable(
        ['variant', 'histories', 'events each', 'CPU ms/history', 'histories/s (one thread)'],
        VARIANT_IDS.map((id) => [
          VARIANTS[id].label,
          b[id].histories,
          b[id].eventsPerHistory,
          withSpread(b[id].cpuMsPerHistory),
          withSpread(b[id].historiesPerSecondOneThread),
        ]),
      ),
      '',
      `hwc / floor replay CPU per history ${withSpread(r.ratioHwcToFloor)}; hwc / hand-written ${withSpread(r.ratioHwcToHandWritten)}.`,
      '',
      `\`hwc audit --all --query "${a.query}"\` (the command, every core: ${a.workers} replay workers): ${a.histories} histories, ${a.diverged} diverged, ` +
        `**${a.historiesPerSecond} histories/s** replaying (${a.replaySeconds} s); ${a.wallSeconds} s for the whole command with its start-up and bundling (${a.historiesPerSecondEndToEnd}/s end to end). ` +
        `CPU per history: replay workers ${a.cpuMsPerHistory.replayWorkers} ms, the command (listing, fetching, handing out) ${a.cpuMsPerHistory.command} ms, the dev server (serving the histories) ${a.cpuMsPerHistory.server} ms, all on the same ${availableParallelism()} cores.`,
      '',
    ];
  },
};

/** The histories as length-prefixed protobuf (kept with --keep, for replaying them again by hand). */
function saveHistories(path: string, hs: HistoryAndWorkflowId[]) {
  const parts: Uint8Array[] = [];
  for (const x of hs) {
    const id = Buffer.from(x.workflowId);
    const bytes = History.encode(x.history as proto.temporal.api.history.v1.IHistory).finish();
    const head = Buffer.alloc(8);
    head.writeUInt32LE(id.length, 0);
    head.writeUInt32LE(bytes.length, 4);
    parts.push(head, id, bytes);
  }
  writeFileSync(path, Buffer.concat(parts));
}
