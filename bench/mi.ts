// Benchmark pieces for management information (issue 14), for bench/run.ts to call (its owner wires them
// in) or to run alone: `npx tsx bench/mi.ts [--journeys=10000] [--seconds=10]`.
//  - miQueryTime: `hwc mi` over a projection of N journeys (simulated ones, written as the worker would),
//    in-process (read + figures) and as the CLI process people run (`hwc mi --json`, start-up included).
//  - simulatorRate: the caseload simulator's journeys per second per core (per CPU-second of this
//    process, which runs on one thread), for a weekly report through the behaviour model and for the
//    scenario files with their scripted events.
// It measures; it never fails on a number.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProjectionStore } from '../activities/projection';
import { miFigures } from '../client/mi';
import { openDb } from '../db';
import { CURRENT_POLICY } from '../domain/policy';
import { ClaimantRecord, type Trace } from '../domain/schemas';
import { DEFAULT_BEHAVIOUR } from '../simulator/behaviour';
import { defaultReportStart, runReport, runScenarios } from '../simulator/caseload';
import { syntheticReport } from '../simulator/synthetic-report';
import { PROJECT_ROOT } from '../worker/config';
import { round } from './lib';
import { loadScenarios } from './pure';

function simulatedTraces(journeys: number, seed = 1): Trace[] {
  const records = syntheticReport(journeys, seed).map((r) => ClaimantRecord.parse(r));
  const start = defaultReportStart(records);
  return runReport(records, { office: null, start, policy: CURRENT_POLICY, model: DEFAULT_BEHAVIOUR, seed }).traces;
}

export interface MiQueryTime {
  journeys: number;
  /** Writing the projection rows (one statement each, as the activities do). */
  writeMsPerRow: number;
  /** Read every row and compute every figure, in-process, best of `rounds`. */
  inProcessMs: number;
  /** `hwc mi --json` as a separate process (Node and tsx start-up included), best of `rounds`. */
  cliMs: number;
  cliMsOfficeFilter: number;
  rounds: number;
}

export async function miQueryTime(o: { journeys?: number; rounds?: number } = {}): Promise<MiQueryTime> {
  const journeys = o.journeys ?? 10_000;
  const rounds = o.rounds ?? 3;
  const dir = mkdtempSync(join(tmpdir(), 'hwc-bench-mi-'));
  const path = join(dir, 'hwc.sqlite');
  try {
    const db = await openDb(path);
    const store = new ProjectionStore(db);
    const traces = simulatedTraces(journeys);
    const t0 = performance.now();
    for (const [i, trace] of traces.entries())
      await store.write({ workflowId: `hwc-${trace.claimantRef}-${i}`, version: 1, nextDeadline: null, trace });
    const writeMsPerRow = (performance.now() - t0) / traces.length;
    let inProcessMs = Infinity;
    for (let r = 0; r < rounds; r++) {
      const t = performance.now();
      const { figures } = await miFigures(store, {});
      if (figures.journeys !== journeys) throw new Error(`hwc mi saw ${figures.journeys} of ${journeys} journeys`);
      inProcessMs = Math.min(inProcessMs, performance.now() - t);
    }
    await db.close();
    const cli = (...args: string[]) => {
      let best = Infinity;
      for (let r = 0; r < rounds; r++) {
        const t = performance.now();
        const out = spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin/hwc.js'), 'mi', '--json', ...args], {
          env: { ...process.env, HWC_DB: path },
          encoding: 'utf8',
          maxBuffer: 64 * 1024 * 1024,
        });
        if (out.status !== 0) throw new Error(`hwc mi failed: ${out.stderr}`);
        best = Math.min(best, performance.now() - t);
      }
      return best;
    };
    return {
      journeys,
      writeMsPerRow: round(writeMsPerRow, 3),
      inProcessMs: round(inProcessMs, 1),
      cliMs: round(cli(), 1),
      cliMsOfficeFilter: round(cli('--office', 'HULL'), 1),
      rounds,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface SimulatorRate {
  /** A weekly report through the behaviour model. */
  report: { journeys: number; seconds: number; journeysPerSecond: number; journeysPerCpuSecond: number };
  /** The scenario files of test/scenarios with their scripted events, over and over. */
  scenarios: { runs: number; seconds: number; journeysPerSecond: number; journeysPerCpuSecond: number };
}

const measure = async (fn: () => Promise<number> | number) => {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const n = await fn();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return {
    n,
    seconds: round(seconds, 2),
    journeysPerSecond: round(n / seconds, 0),
    journeysPerCpuSecond: round(n / ((cpu.user + cpu.system) / 1e6), 0),
  };
};

export async function simulatorRate(o: { journeys?: number; seconds?: number } = {}): Promise<SimulatorRate> {
  const journeys = o.journeys ?? 10_000;
  const seconds = o.seconds ?? 10;
  const records = syntheticReport(journeys, 1).map((r) => ClaimantRecord.parse(r));
  const run = {
    office: null,
    start: defaultReportStart(records),
    policy: CURRENT_POLICY,
    model: DEFAULT_BEHAVIOUR,
    seed: 1,
  };
  runReport(records.slice(0, 1000), run); // warm-up: JIT, the calendar's remembered offsets
  const report = await measure(() => runReport(records, run).traces.length);

  const scenarios = loadScenarios().map((scenario, i) => ({ name: String(i), scenario }));
  await runScenarios(scenarios, CURRENT_POLICY); // warm-up
  const s = await measure(async () => {
    let n = 0;
    const end = performance.now() + seconds * 1000;
    while (performance.now() < end) {
      await runScenarios(scenarios, CURRENT_POLICY);
      n += scenarios.length;
    }
    return n;
  });
  return {
    report: {
      journeys: report.n,
      seconds: report.seconds,
      journeysPerSecond: report.journeysPerSecond,
      journeysPerCpuSecond: report.journeysPerCpuSecond,
    },
    scenarios: {
      runs: s.n,
      seconds: s.seconds,
      journeysPerSecond: s.journeysPerSecond,
      journeysPerCpuSecond: s.journeysPerCpuSecond,
    },
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = (name: string, d: number) => {
    const a = process.argv.find((x) => x.startsWith(`--${name}=`));
    return a ? Number(a.split('=')[1]) : d;
  };
  const journeys = arg('journeys', 10_000);
  const out = {
    mi: await miQueryTime({ journeys }),
    simulator: await simulatorRate({ journeys, seconds: arg('seconds', 10) }),
  };
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
}
