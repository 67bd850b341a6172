// A whole caseload through the pure engine: scenario files with their scripted events, or the claimant
// records of a weekly report whose people act as a behaviour model draws (simulator/behaviour.ts). Both
// give traces, and the figures come from the traces (mi/figures.ts) exactly as they do for running journeys.
import { holidaysForJourney } from '../domain/bank-holidays';
import { addDays, atLocal } from '../domain/calendar';
import type { Policy } from '../domain/policy';
import type { ClaimantRecord, Scenario, Trace } from '../domain/schemas';
import { PureEngine } from './pure-engine';
import { runScenario, ScenarioError } from './runner';
import { simulateClaimant, type BehaviourModel } from './behaviour';

export interface CaseloadRun {
  traces: Trace[];
  /** Scenarios the rules refused to run (B4 exit 2), with the runner's reason. */
  refused: { name: string; error: string }[];
}

export type Progress = (done: number, total: number) => void;

/** Bank holidays by the year a journey starts (the list covers that year and the next two). */
export function holidayCache(): (start: string) => string[] {
  const byYear = new Map<string, string[]>();
  return (start) => {
    const year = start.slice(0, 4);
    let h = byYear.get(year);
    if (!h) byYear.set(year, (h = holidaysForJourney(start)));
    return h;
  };
}

export async function runScenarios(
  scenarios: { name: string; scenario: Scenario }[],
  policy: Policy,
  progress?: Progress,
): Promise<CaseloadRun> {
  const holidays = holidayCache();
  const run: CaseloadRun = { traces: [], refused: [] };
  for (const [i, { name, scenario }] of scenarios.entries()) {
    try {
      run.traces.push(await runScenario(scenario, new PureEngine(scenario, holidays(scenario.start), policy)));
    } catch (e) {
      if (!(e instanceof ScenarioError)) throw e;
      run.refused.push({ name, error: e.message });
    }
    progress?.(i + 1, scenarios.length);
  }
  return run;
}

export interface ReportRun {
  /** The office that runs the report; null: each record's own office (no reassignment). */
  office: string | null;
  /** When the report runs (every journey starts then); see `defaultReportStart`. */
  start: string;
  policy: Policy;
  model: BehaviourModel;
  seed: number;
}

/** Without `--start`: the weekly report's slot (Tuesday 09:00 London) on or after the 14th day after the
 *  latest claim start in the report (the report picks claimants up about two weeks into their claim), so a
 *  run never depends on today's date. */
export function defaultReportStart(records: readonly ClaimantRecord[]): string {
  const latest = records.reduce((m, r) => (r.claim.startDate > m ? r.claim.startDate : m), '1970-01-01');
  let day = addDays(latest, 14);
  while (new Date(`${day}T12:00:00Z`).getUTCDay() !== 2) day = addDays(day, 1);
  return atLocal(day, '09:00');
}

export function runReport(records: readonly ClaimantRecord[], o: ReportRun, progress?: Progress): CaseloadRun {
  const holidays = holidaysForJourney(o.start);
  const traces: Trace[] = [];
  for (const [i, record] of records.entries()) {
    traces.push(
      simulateClaimant({
        record,
        office: o.office ?? record.office,
        start: o.start,
        holidays,
        policy: o.policy,
        model: o.model,
        seed: o.seed,
      }),
    );
    if (progress && ((i + 1) % 250 === 0 || i + 1 === records.length)) progress(i + 1, records.length);
  }
  return { traces, refused: [] };
}
