// Golden histories for `hwc audit` and the replay test (test/workflow/golden-histories.test.ts): a
// representative set of scenarios run as real workflows on the time-skipping test server, each history
// written in Temporal's standard JSON export format (cli/history-json.ts) to test/histories/<scenario name>.json.
//
//   npm run audit:record            (npx tsx scripts/record-histories.ts)
//   npm run audit:record -- race    (only the two recorded on a dev server: scripts/race-histories.ts)
//
// Re-record only for changes that cannot affect running journeys (a new scenario here, say), and review
// the diff: a golden that stops replaying means running journeys would stop replaying too. A behaviour
// change meant for new journeys belongs behind `patched('…')` in workflows/journey.ts (see README).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { historyToJson } from '../cli/history-json';
import { Scenario } from '../domain/schemas';
import { TemporalSimulator } from '../simulator/temporal-engine';
import { recordRaceHistories } from './race-histories';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const HISTORIES_DIR = join(ROOT, 'test', 'histories');

/** Scenario files (relative to the project) whose histories are kept. */
export const GOLDEN_SCENARIOS = [
  'test/scenarios/shared/01-happy-path.json',
  'test/scenarios/shared/05-easement-then-sanction-referral.json',
  'test/scenarios/shared/06-ftp-good-cause.json',
  'test/scenarios/shared/07-deferral-bereavement.json',
  'test/scenarios/shared/08-claim-closed-before-pre-call.json',
  // an exemption found by the pre-call check (State Pension age reached between screening and pre-call)
  'test/scenarios/own/23-pension-age-born-1960-05-10-exempt-at-pre-call.json',
  // FTA call unanswered, contact window closes, safeguard visit (not seen), doubt, referral, decision
  'test/scenarios/own/58-may-2026-visit-not-seen-referral-no-sanction.json',
];

async function main() {
  const only = process.argv.slice(2);
  mkdirSync(HISTORIES_DIR, { recursive: true });
  const sim = await TemporalSimulator.create();
  try {
    for (const file of GOLDEN_SCENARIOS) {
      const scenario = Scenario.parse(JSON.parse(readFileSync(join(ROOT, file), 'utf8')));
      if (only.length && !only.some((o) => file.includes(o))) continue;
      const { trace, history } = await sim.runWithHistory(scenario);
      const out = join(HISTORIES_DIR, `${scenario.name}.json`);
      writeFileSync(out, historyToJson(history) + '\n');
      process.stderr.write(
        `${scenario.name}: ${history.events?.length ?? 0} events, ${trace.status} ${trace.outcome ?? trace.stage} → ${out.slice(ROOT.length)}\n`,
      );
    }
  } finally {
    await sim.close();
  }
  // Orders of arrival a scenario cannot force (an Update with the start, an Update racing a timer).
  if (!only.length || only.some((o) => 'race 90-update-with-start 91-update-races-timer'.includes(o)))
    for (const { name, history } of await recordRaceHistories()) {
      const out = join(HISTORIES_DIR, `${name}.json`);
      writeFileSync(out, historyToJson(history) + '\n');
      process.stderr.write(`${name}: ${history.events?.length ?? 0} events → ${out.slice(ROOT.length)}\n`);
    }
}

await main();
