// `npm run bench [-- --quick]`: the caseload benchmark. Not a test: it never fails on a number; it
// measures, writes bench/results/<date>.json and .md, and prints the summary. It exits non-zero when a
// phase produced no data (and says why), because a benchmark that silently measures nothing is a defect.
//
// One dev server (SQLite file) and, for each phase that asks, a fresh worker process (bench/worker.ts)
// are children of this driver, so their CPU is read from /proc apart from its own. The phases are in
// bench/phases/index.ts; the targets of issue 15 are checked at the end (for the reader, not pass/fail).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveTemporalCli } from '../worker/binaries';
import { PROJECT_ROOT } from '../worker/config';
import { buildBundles } from './bundles';
import { Harness } from './harness';
import { fmt, loadavg, machine, markdownTable, round } from './lib';
import { PHASES } from './phases';
import type { DeadlineBurst } from './phases/deadline-burst';
import type { Replay } from './phases/replay';
import type { StartThroughput } from './phases/start-throughput';
import { NoData, type Phase, type PhaseContext } from './phases/types';
import type { UpdateLatency } from './phases/update-latency';
import { FULL, QUICK, type Settings } from './settings';

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const option = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
if (flag('help')) {
  process.stdout.write(
    'usage: npm run bench [-- --quick] [-- --only=PHASE,…] [-- --no-profile] [-- --journeys=N] [-- --keep]\n' +
      `  --quick       ${QUICK.journeys} journeys per variant in ${QUICK.rounds} rounds, short steps (about ${QUICK.budgetMinutes} minutes)\n` +
      `  --only=…      only these phases (and those they need): ${PHASES.map((p) => p.id).join(', ')}\n` +
      '  --no-profile  no CPU profile in the start-throughput phase\n' +
      '  --journeys=N  journeys per variant in the start-throughput rounds\n' +
      '  --keep        keep the temporary directory (SQLite files, bundles, profiles)\n',
  );
  process.exit(0);
}
const quick = flag('quick');
const S: Settings = { ...(quick ? QUICK : FULL) };
if (option('journeys')) S.journeys = Math.max(S.rounds * 10, Number(option('journeys')));

const T0 = Date.now();
const elapsed = () => `${((Date.now() - T0) / 1000).toFixed(0).padStart(4)}s`;
const log = (s: string) => process.stderr.write(`bench ${elapsed()} ${s}\n`);
const budgetLeft = () => (T0 + S.budgetMinutes * 60_000 - Date.now()) / 1000;

/** The phases to run: all, or those named by --only and every phase they need. */
function selected(): Phase<never>[] {
  const only = option('only')?.split(',').filter(Boolean);
  if (!only) return PHASES;
  const unknown = only.filter((id) => !PHASES.some((p) => p.id === id));
  if (unknown.length) {
    process.stderr.write(
      `bench: --only: unknown phase ${unknown.join(', ')}; phases: ${PHASES.map((p) => p.id).join(', ')}\n`,
    );
    process.exit(2);
  }
  const want = new Set(only);
  for (const p of [...PHASES].reverse()) if (want.has(p.id)) for (const n of p.needs ?? []) want.add(n);
  return PHASES.filter((p) => want.has(p.id));
}

const dir = mkdtempSync(join(tmpdir(), 'hwc-bench-'));
let harness: Harness | null = null;
process.on('exit', () => harness?.kill());
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.on(sig, () => {
    log(`${sig}: stopping the worker and the server`);
    harness?.kill();
    if (!flag('keep')) setTimeout(() => rmSync(dir, { recursive: true, force: true }), 1500).unref();
    setTimeout(() => process.exit(130), 2000);
  });

interface PhaseOutcome {
  title: string;
  ok: boolean;
  /** Why the phase has no data (when not ok). */
  reason?: string;
  seconds: number;
  load: { before: ReturnType<typeof loadavg>; after: ReturnType<typeof loadavg> };
  result?: unknown;
}

function versions(cli: string) {
  const pkg = (p: string) =>
    JSON.parse(readFileSync(join(PROJECT_ROOT, 'node_modules', p, 'package.json'), 'utf8')).version as string;
  const run = (cmd: string, ...args: string[]) => {
    try {
      return execFileSync(cmd, args, { cwd: PROJECT_ROOT, encoding: 'utf8' }).trim();
    } catch {
      return 'unknown';
    }
  };
  // Others may be changing the code while the bench runs: say which code was measured.
  const changed = run(
    'git',
    'status',
    '--porcelain',
    '--',
    'workflows',
    'machines',
    'domain',
    'activities',
    'worker',
    'client',
  );
  return {
    node: process.version,
    temporalSdk: pkg('@temporalio/worker'),
    xstate: pkg('xstate'),
    zod: pkg('zod'),
    luxon: pkg('luxon'),
    temporalCli: run(cli, '--version').split('\n')[0],
    gitCommit: run('git', 'rev-parse', '--short', 'HEAD'),
    uncommittedChangesMeasured: changed ? changed.split('\n').map((l) => l.trim()) : [],
  };
}

async function main(): Promise<number> {
  const cli = resolveTemporalCli();
  if (!cli.path) throw new Error('no Temporal CLI found: run `bash scripts/setup.sh` first');
  const phases = selected();
  const loadAtStart = loadavg();
  log(
    `${quick ? 'quick' : 'full'} run of ${phases.map((p) => p.id).join(', ')}; load average ${loadAtStart.one} ${loadAtStart.five} ${loadAtStart.fifteen} on ${machine().cores} cores; data in ${dir}`,
  );
  const bundleDir = join(dir, 'bundles');
  mkdirSync(bundleDir);
  log('bundling the workflows (hwc, hand-written, floor) …');
  const bundles = await buildBundles(bundleDir);
  log(
    `bundles: hwc ${bundles.kib.hwc} KiB, hand-written ${bundles.kib.handWritten} KiB, floor ${bundles.kib.floor} KiB of code`,
  );
  const h = new Harness({ dir, temporalCli: cli.path, bundleDir, log });
  const outcomes: Record<string, PhaseOutcome> = {};
  const earlier: Record<string, unknown> = {};
  const ctx: PhaseContext = { h, S, quick, log, budgetLeft, earlier, dir, noProfile: flag('no-profile') };
  try {
    for (const [i, phase] of phases.entries()) {
      const t = Date.now();
      const before = loadavg();
      const missing = (phase.needs ?? []).filter((n) => !(n in earlier));
      const outcome: PhaseOutcome = { title: phase.title, ok: false, seconds: 0, load: { before, after: before } };
      outcomes[phase.id] = outcome;
      log(`phase ${i + 1}/${phases.length}: ${phase.title} (load ${before.one})`);
      try {
        if (missing.length) throw new NoData(`it needs the ${missing.join(', ')} phase, which produced no data`);
        if (phase.server && !harness) {
          harness = h;
          await h.startServer();
          log(`dev server on 127.0.0.1:${h.port} (SQLite ${h.temporalDb})`);
        }
        if (phase.freshWorker) log(`fresh worker ready in ${(await h.freshWorker(phase.id)).toFixed(1)} s`);
        const result = await phase.run(ctx);
        earlier[phase.id] = result;
        Object.assign(outcome, { ok: true, result });
      } catch (e) {
        outcome.reason = e instanceof NoData ? e.message : `failed: ${(e as Error).stack ?? e}`;
        log(`phase ${phase.title}: NO DATA: ${outcome.reason}`);
      }
      outcome.seconds = round((Date.now() - t) / 1000, 1);
      outcome.load.after = loadavg();
    }
  } finally {
    await h.stop();
  }

  const loadAtEnd = loadavg();
  const noData = Object.entries(outcomes).filter(([, o]) => !o.ok);
  const results = {
    benchmark: 'hwc caseload benchmark (issues 8 and 15)',
    run: quick ? 'quick' : 'full',
    date: new Date().toISOString(),
    totalSeconds: round((Date.now() - T0) / 1000, 1),
    machine: machine(),
    versions: versions(cli.path),
    load: { atStart: loadAtStart, atEnd: loadAtEnd, note: 'os.loadavg(); other work may have been running' },
    settings: {
      ...S,
      encryption: 'AES-256-GCM payload codec on every variant',
      worker:
        'a fresh process per phase that asks (bench/worker.ts): the hwc Worker (createHwcWorker) and one bench-only Worker per baseline, each its own task queue, workflow thread and cache; the hwc worker defaults (cache, concurrency)',
      server: 'temporal server start-dev, SQLite file, headless',
    },
    bundlesKiB: bundles.kib,
    workerStarts: h.workerStarts,
    serverContextCancelledLogLines: h.serverCancelled,
    noData: Object.fromEntries(noData.map(([id, o]) => [id, o.reason])),
    targets: targets(earlier, quick),
    phases: outcomes,
  };
  const md = summary(results, phases, ctx);
  const outDir = join(PROJECT_ROOT, 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  const base = join(outDir, `${results.date.replace(/:/g, '-').replace(/\..*$/, 'Z')}${quick ? '-quick' : ''}`);
  writeFileSync(`${base}.json`, JSON.stringify(results, null, 2) + '\n');
  writeFileSync(`${base}.md`, md);
  process.stdout.write(md);
  log(`wrote ${base}.json and ${base}.md in ${results.totalSeconds} s`);
  if (noData.length) log(`${noData.length} phase(s) produced no data: ${noData.map(([id]) => id).join(', ')}`);
  return noData.length ? 1 : 0;
}

interface Target {
  target: string;
  measured: string;
  met: boolean | null;
}

/** Issue 15's figures, as measured in this run (null: not measured in this run). */
function targets(r: Record<string, unknown>, isQuick: boolean): Target[] {
  const st = r.startThroughput as StartThroughput | undefined;
  const rp = r.replay as Replay | undefined;
  const ul = r.updateLatency as UpdateLatency | undefined;
  const b = r.deadlineBurst as DeadlineBurst | undefined;
  const out: Target[] = [];
  const add = (target: string, value: number | null | undefined, ok: (v: number) => boolean, show = fmt) =>
    out.push({
      target,
      measured: value === null || value === undefined || !Number.isFinite(value) ? 'not measured' : show(value),
      met: value === null || value === undefined || !Number.isFinite(value) ? null : ok(value),
    });
  const ci = (s: { mean: number; ci95Percent: number } | undefined) =>
    s ? `${fmt(s.mean)} ±${s.ci95Percent}%` : 'not measured';
  if (st) {
    const w = st.ratios.workerCpuPerJourneyVsHandWritten;
    out.push({ target: 'worker CPU per journey, hwc / hand-written ≤ 1.10', measured: ci(w), met: w.mean <= 1.1 });
    const t = st.ratios.throughputVsHandWritten;
    out.push({ target: 'throughput, hwc / hand-written ≥ 0.95', measured: ci(t), met: t.mean >= 0.95 });
    out.push({
      target: 'spread of worker CPU per journey (hwc, 95% CI) ≤ ±5%',
      measured: `±${st.byVariant.hwc.workerCpuMsPerJourney.ci95Percent}%`,
      met: st.byVariant.hwc.workerCpuMsPerJourney.ci95Percent <= 5,
    });
    add('memory per cached journey, hwc / floor ≤ 1.15', st.memory.ratioHwcToFloor, (v) => v <= 1.15);
  }
  if (rp) {
    out.push({
      target: 'replay CPU per history, hwc / floor ≤ 1.2',
      measured: ci(rp.ratioHwcToFloor),
      met: rp.ratioHwcToFloor.mean <= 1.2,
    });
    add('`hwc audit --all` histories/s ≥ 100', rp.auditAll.historiesPerSecond, (v) => v >= 100);
  }
  const at20 = ul?.steps.find((s) => s.rate === 20);
  add(
    'Update p99 at 20/s ≤ 50 ms (fresh worker)',
    at20?.latencyMs.p99,
    (v) => v <= 50,
    (v) => `${fmt(v)} ms`,
  );
  if (!isQuick || (b && b.journeys >= 1000))
    add(
      '1,000-deadline burst drained ≤ 60 s',
      b && b.journeys >= 1000 ? b.drainedSecondsAfterSlot : undefined,
      (v) => v <= 60,
      (v) => `${fmt(v)} s (${b?.journeys} journeys)`,
    );
  return out;
}

function summary(
  r: {
    run: string;
    date: string;
    totalSeconds: number;
    machine: ReturnType<typeof machine>;
    versions: ReturnType<typeof versions>;
    load: { atStart: ReturnType<typeof loadavg>; atEnd: ReturnType<typeof loadavg> };
    bundlesKiB: Record<string, number>;
    targets: Target[];
    phases: Record<string, PhaseOutcome>;
  },
  phases: Phase<never>[],
  ctx: PhaseContext,
): string {
  const out: string[] = [];
  out.push(`## hwc benchmark, ${r.run} run, ${r.date.slice(0, 16).replace('T', ' ')} UTC`, '');
  out.push(
    `${r.machine.cpuModel}, ${r.machine.cores} cores, ${r.machine.memoryGiB} GiB; Node ${r.versions.node}, Temporal SDK ${r.versions.temporalSdk}, ${r.versions.temporalCli}; commit ${r.versions.gitCommit}` +
      `${r.versions.uncommittedChangesMeasured.length ? ' with uncommitted changes' : ''}. ` +
      `Load average ${r.load.atStart.one} at the start, ${r.load.atEnd.one} at the end (other work may have been running). ` +
      `Workflow bundles: hwc ${r.bundlesKiB.hwc} KiB, hand-written ${r.bundlesKiB.handWritten} KiB, floor ${r.bundlesKiB.floor} KiB of code. Took ${Math.round(r.totalSeconds)} s.`,
    '',
  );
  phases.forEach((p, i) => {
    const o = r.phases[p.id];
    out.push(`**${i + 1}. ${p.title}** (${o.seconds} s; load ${o.load.before.one} → ${o.load.after.one})`, '');
    if (o.ok) out.push(...p.summary(o.result as never, ctx));
    else out.push(`**NO DATA**: ${o.reason?.split('\n')[0]}`, '');
  });
  out.push('**Targets of issue 15** (informational: the benchmark measures; it does not fail on a number):', '');
  out.push(
    markdownTable(
      ['target', 'this run', 'met'],
      r.targets.map((t) => [t.target, t.measured, t.met === null ? '–' : t.met ? 'yes' : 'NO']),
    ),
    '',
  );
  return out.join('\n');
}

let exitCode: number;
const hardStop = setTimeout(
  () => {
    log(`hard time limit (${(S.budgetMinutes * 2).toFixed(0)} min) reached: stopping`);
    harness?.kill();
    process.exit(1);
  },
  S.budgetMinutes * 2 * 60_000,
);
hardStop.unref();
try {
  exitCode = await main();
} catch (e) {
  log(`failed: ${(e as Error).stack ?? e}`);
  exitCode = 1;
} finally {
  if (flag('keep')) log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
process.exit(exitCode);
