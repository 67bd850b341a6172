// `hwc cases`: the caseload through visibility queries on the Hwc* search attributes — for team leaders and
// managers what the Web UI's saved views show, as a table (or JSON).
import type { Command } from 'commander';
import {
  BadFilterError,
  KNOWN_STAGES,
  WAITING_ON_COACH_STAGES,
  caseQuery,
  listCases,
  type CaseFilter,
} from '../../client/cases';
import { client } from '../context';
import { badInput } from '../errors';
import { instant, table } from '../table';
import { jsonText } from '../terminal';

interface CasesOptions {
  stage?: string;
  office?: string;
  coach?: string;
  waitingOnMe?: string;
  overdue?: boolean;
  thisWeek?: boolean;
  running?: boolean;
  json?: boolean;
  query?: boolean;
  limit?: string;
}

export async function cases(opts: CasesOptions) {
  const filter: CaseFilter = {
    stage: opts.stage,
    office: opts.office,
    coach: opts.coach,
    waitingOnMe: opts.waitingOnMe,
    overdue: opts.overdue,
    thisWeek: opts.thisWeek,
    running: opts.running,
  };
  let query: string;
  try {
    query = caseQuery(filter);
  } catch (e) {
    if (e instanceof BadFilterError) throw badInput(e.message);
    throw e;
  }
  const limit = opts.limit ? Number(opts.limit) : Infinity;
  if (opts.limit && (!Number.isInteger(limit) || limit < 1)) throw badInput('--limit: a whole number of at least 1');
  if (opts.query) {
    // The same filter for the Web UI's search box or `temporal workflow list --query`.
    process.stdout.write(query + '\n');
    return;
  }
  const c = await client();
  const rows = await listCases(c, filter, limit);
  await c.connection.close();
  if (opts.json) return void process.stdout.write(jsonText(rows) + '\n');
  if (!rows.length) return void process.stdout.write('no cases match\n');
  process.stdout.write(
    table(
      ['CLAIMANT', 'STAGE', 'NEXT DEADLINE', 'OUTCOME', 'COACH', 'WAITING FOR'],
      rows.map((r) => [
        r.claimantRef,
        r.stage,
        instant(r.nextDeadline),
        r.outcome ?? '—',
        r.workCoach ?? '—',
        r.waitingFor,
      ]),
    ) + `${rows.length} case${rows.length === 1 ? '' : 's'}\n`,
  );
}

export function register(program: Command) {
  program
    .command('cases')
    .description('list journeys by stage, office, work coach or deadline (visibility queries on the search attributes)')
    .option('--stage <stage>', 'only this stage (HwcStage)')
    .option('--office <office>', 'only this office (HwcOffice)')
    .option('--coach <staffId>', 'only this work coach (HwcWorkCoach)')
    .option('--waiting-on-me <staffId>', 'running cases of this work coach whose next step is theirs to record')
    .option('--overdue', 'running cases whose next deadline (HwcNextDeadline) has passed')
    .option('--this-week', 'running cases whose next deadline falls this week (Monday to Sunday, Europe/London)')
    .option('--running', 'only running journeys (default: running and ended)')
    .option('--limit <n>', 'at most n cases')
    .option('--json', 'print the cases as JSON')
    .option('--query', 'print the visibility query (for the Web UI or temporal workflow list) instead of running it')
    .addHelpText(
      'after',
      `
Stages: ${KNOWN_STAGES.join(', ')}
--waiting-on-me stages: ${WAITING_ON_COACH_STAGES.join(', ')}
Visibility is eventually consistent: a change can take a second to show.
--overdue and --this-week are computed from the time you run them: \`hwc cases --overdue --query\` prints
today's query for the Web UI (its search box has no "now").`,
    )
    .action(cases);
}
