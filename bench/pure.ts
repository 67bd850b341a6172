// Phase 6 of the benchmark, no server: the pure simulator (`runScenario` + `PureEngine`, as `hwc simulate`
// runs) over every scenario of test/scenarios, on this process's one thread; and what the pure core costs
// for the journey the Temporal phases measure (start, BOOKING_CALL), piece by piece, as the workflow
// calls it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { holidaysForJourney } from '../domain/bank-holidays';
import { ClaimantRecord, Scenario } from '../domain/schemas';
import { acceptedEvents, nextTimer, startJourney, step, toTrace, validateEvent } from '../machines/step';
import { PureEngine } from '../simulator/pure-engine';
import { runScenario } from '../simulator/runner';
import { round } from './lib';

const SCENARIO_DIR = fileURLToPath(new URL('../test/scenarios', import.meta.url));

export function loadScenarios(): Scenario[] {
  const out: Scenario[] = [];
  for (const dir of readdirSync(SCENARIO_DIR, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const f of readdirSync(join(SCENARIO_DIR, dir.name))
      .filter((x) => x.endsWith('.json'))
      .sort())
      out.push(Scenario.parse(JSON.parse(readFileSync(join(SCENARIO_DIR, dir.name, f), 'utf8'))));
  }
  return out;
}

export async function simulatorThroughput(seconds: number) {
  const scenarios = loadScenarios();
  let refused = 0;
  const once = async (s: Scenario) => {
    try {
      await runScenario(s, new PureEngine(s));
    } catch {
      refused++; // a scenario the rules refuse (exit 2) is still a simulation run
    }
  };
  for (const s of scenarios) await once(s); // warm-up: JIT, caches
  refused = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let runs = 0;
  while (performance.now() - t0 < seconds * 1000) {
    for (const s of scenarios) await once(s);
    runs += scenarios.length;
  }
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return {
    scenarios: scenarios.length,
    runs,
    refusedRuns: refused,
    seconds: round(wall, 2),
    scenariosPerSecond: round(runs / wall, 1),
    msPerScenario: round((wall * 1000) / runs, 3),
    cpuSecondsPerWallSecond: round((cpu.user + cpu.system) / 1e6 / wall, 2),
  };
}

/** Microseconds per call of each pure piece the workflow runs for one benchmark journey. */
export function pureCostOfBenchJourney(record: unknown, slot: string, seconds = 2) {
  const start = new Date().toISOString();
  const holidays = holidaysForJourney(start);
  const parsed = ClaimantRecord.parse(record);
  const booking = { type: 'BOOKING_CALL', contacted: true, slot, by: { staffId: 'WC-BENCH', role: 'work_coach' } };
  const s0 = startJourney({ office: 'LEEDS', record: parsed, start, holidays });
  const v = validateEvent(s0, booking, start);
  if (!v.ok) throw new Error(`bench journey: ${v.error}`);
  const s1 = step(s0, v.event);
  const time = (fn: () => unknown) => {
    for (let i = 0; i < 200; i++) fn();
    const t0 = performance.now();
    let n = 0;
    while (performance.now() - t0 < (seconds * 1000) / 8) {
      for (let i = 0; i < 50; i++) fn();
      n += 50;
    }
    return round(((performance.now() - t0) * 1000) / n, 1);
  };
  const pieces = {
    holidaysForJourney: time(() => holidaysForJourney(start)),
    parseRecord: time(() => ClaimantRecord.safeParse(record)),
    startJourney: time(() => startJourney({ office: 'LEEDS', record: parsed, start, holidays })),
    validateBookingCall: time(() => validateEvent(s0, booking, start)),
    stepBookingCall: time(() => step(s0, v.event)),
    acceptedEvents: time(() => acceptedEvents(s1)),
    nextTimer: time(() => nextTimer(s1)),
    toTrace: time(() => toTrace(s1)),
  };
  // What the workflow calls for one journey up to awaitingPreCallTime: parse + start, the validator and
  // the handler each validate (2×), one step, toTrace for the Update's answer, two publishes (nextTimer
  // twice each: search attributes and details). holidaysForJourney runs in the client, not the worker.
  const perJourneyUs =
    pieces.parseRecord +
    pieces.startJourney +
    2 * pieces.validateBookingCall +
    pieces.stepBookingCall +
    pieces.toTrace +
    4 * pieces.nextTimer;
  return { microseconds: pieces, workflowPureCostPerJourneyUs: round(perJourneyUs, 1) };
}
