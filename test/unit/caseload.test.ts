// `hwc simulate --caseload`: the figures of a folder of scenario files equal those computed from each
// scenario's own trace (as `hwc simulate <file>` prints it); a weekly report runs through the behaviour
// model reproducibly for a seed; --compare runs a what-if beside it; bad input is refused with exit 2.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { simulate, simulateCaseload } from '../../cli/commands/simulate';
import { CURRENT_POLICY, applyOverride } from '../../domain/policy';
import { ClaimantRecord, type Trace } from '../../domain/schemas';
import { calendarForTraces } from '../../mi/calendar';
import { computeFigures } from '../../mi/figures';
import { DEFAULT_BEHAVIOUR, simulateClaimant } from '../../simulator/behaviour';
import { defaultReportStart, runReport } from '../../simulator/caseload';
import { syntheticReport, syntheticReportCsv } from '../../simulator/synthetic-report';
import { traceViolations } from '../../simulator/trace-checks';
import { PROJECT_ROOT } from '../../worker/config';
import { SCENARIO_DIR, scenarioFiles } from '../helpers/scenarios';

const LETTER_TYPES = ['ESAHWC1', 'ESAHWC4', 'VOLUNTARY_APPOINTMENT', 'FTA_LETTER', 'FTP_LETTER', 'ESA10'];
const dir = mkdtempSync(join(tmpdir(), 'hwc-caseload-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function hwc(args: string[], timeout = 120_000) {
  return spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin/hwc.js'), ...args], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    timeout,
    env: { ...process.env },
  });
}

/** The keys `--json` promises for scenario files (issue 14), counted here straight from the traces. */
function requiredKeys(traces: Trace[]) {
  const n = (p: (t: Trace) => boolean) => traces.filter(p).length;
  const reasons: Record<string, number> = {};
  const letters: Record<string, number> = Object.fromEntries(LETTER_TYPES.map((l) => [l, 0]));
  for (const t of traces) {
    if (t.reason) reasons[t.reason] = (reasons[t.reason] ?? 0) + 1;
    for (const l of t.letters) letters[l.type]++;
  }
  const hwcs = traces.flatMap((t) => t.appointments.filter((a) => a.kind === 'HWC'));
  const status = (s: string) => hwcs.filter((a) => a.status === s).length;
  return {
    journeys: traces.length,
    outcomes: {
      HWC_COMPLETED: n((t) => t.outcome === 'HWC_COMPLETED'),
      EXEMPT: n((t) => t.outcome === 'EXEMPT'),
      NOT_REQUIRED: n((t) => t.outcome === 'NOT_REQUIRED'),
      SANCTION_REFERRED: n((t) => t.outcome === 'SANCTION_REFERRED'),
      running: n((t) => t.outcome === null),
    },
    reasons,
    hwc: {
      booked: hwcs.length,
      attended: status('attended'),
      fta: status('fta'),
      ftp: status('ftp'),
      cancelled: status('cancelled'),
    },
    easementUsed: n((t) => t.easementUsed),
    doubtsRaised: traces.reduce((a, t) => a + t.doubts.length, 0),
    doubtsWithdrawn: traces.reduce((a, t) => a + t.doubts.filter((d) => d.withdrawnAt).length, 0),
    referredToDm: n((t) => !!t.referredToDmAt),
    dmDecisions: {
      SANCTION: n((t) => t.dmDecision === 'SANCTION'),
      NO_SANCTION: n((t) => t.dmDecision === 'NO_SANCTION'),
    },
    letters,
  };
}

describe('a folder of scenario files', () => {
  it('gives the figures of each scenario’s own trace; --json has the promised keys', async () => {
    const own: Trace[] = [];
    for (const f of scenarioFiles()) own.push(await simulate(f, {})); // what `hwc simulate <file>` prints

    const r = hwc(['simulate', '--caseload', SCENARIO_DIR, '--json']);
    expect(r.status, r.stderr).toBe(0);
    const printed = JSON.parse(r.stdout);

    const expected = computeFigures(own, { calendar: calendarForTraces(own) });
    const { run, ...figures } = printed;
    expect(figures).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(printed).toMatchObject(requiredKeys(own));
    expect(run).toMatchObject({ source: 'scenarios', journeys: own.length, refused: 0, policy: { version: 1 } });
  });

  it('a scenario the rules refuse is left out, named, and the run exits 2 after printing', () => {
    const folder = join(dir, 'with-refused');
    mkdirSync(folder);
    copyFileSync(join(SCENARIO_DIR, 'shared', '01-happy-path.json'), join(folder, 'a.json'));
    writeFileSync(
      join(folder, 'b.json'),
      JSON.stringify({
        start: '2026-01-20T09:00:00.000Z',
        office: 'LEEDS',
        claimant: {
          claimantRef: 'C-5',
          office: 'LEEDS',
          dateOfBirth: '1980-01-01',
          claim: { startDate: '2026-01-05', status: 'built', inPayment: true, weeklyRate: 91 },
        },
        events: [{ type: 'DM_DECISION', sanction: true }],
      }),
    );
    const r = hwc(['simulate', '--caseload', folder, '--json']);
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stdout).journeys).toBe(1);
    expect(r.stderr).toMatch(/refused .*b\.json: events\[0\] DM_DECISION is not accepted/);
  });
});

describe('a weekly report through the behaviour model', () => {
  const records = syntheticReport(1500, 7).map((r) => ClaimantRecord.parse(r));
  const start = defaultReportStart(records);
  const run = (o: Partial<Parameters<typeof runReport>[1]> = {}) =>
    runReport(records, { office: null, start, policy: CURRENT_POLICY, model: DEFAULT_BEHAVIOUR, seed: 1, ...o });

  it('starts on the weekly report’s Tuesday, and every simulated journey keeps the A6 invariants', () => {
    expect(new Date(start).getUTCDay()).toBe(2);
    const { traces } = run();
    expect(traces).toHaveLength(records.length);
    const broken = traces.map((t) => [t.claimantRef, traceViolations(t)] as const).filter(([, v]) => v.length);
    expect(broken).toEqual([]);
    expect(traces.filter((t) => t.status === 'running')).toEqual([]);
  });

  it('is reproducible for a seed, and each person’s run does not depend on who else is in the report', () => {
    const a = run().traces;
    expect(run().traces).toEqual(a);
    const other = run({ seed: 2 }).traces;
    expect(other).not.toEqual(a);
    const alone = simulateClaimant({
      record: records[100],
      office: records[100].office,
      start,
      holidays: [],
      policy: CURRENT_POLICY,
      model: DEFAULT_BEHAVIOUR,
      seed: 1,
    });
    expect(alone.outcome).toBe(a[100].outcome);
  });

  it('the default model comes out near the evaluation’s attendance', () => {
    const f = computeFigures(run().traces, { calendar: { holidays: [] } });
    const held = f.hwc.attended + f.hwc.ftp + f.hwc.fta;
    expect((f.hwc.attended + f.hwc.ftp) / held).toBeGreaterThan(0.84);
    expect((f.hwc.attended + f.hwc.ftp) / held).toBeLessThan(0.9);
  });

  it('people who always attend and take part all complete; people who never do are all referred', () => {
    const perfect = {
      ...DEFAULT_BEHAVIOUR,
      attends: 1,
      failsToParticipate: 0,
      claimClosed: 0,
      preCallNoLongerRequired: 0,
    };
    const f1 = computeFigures(run({ model: perfect }).traces, { calendar: { holidays: [] } });
    expect(f1.outcomes.HWC_COMPLETED + f1.outcomes.EXEMPT + f1.outcomes.NOT_REQUIRED).toBe(records.length);
    expect(f1.hwc.fta + f1.referredToDm).toBe(0);
    const never = { ...perfect, attends: 0, goodCause: 0, preparedToRebook: 0, ftaCallReached: 1 };
    const f2 = computeFigures(run({ model: never }).traces, { calendar: { holidays: [] } });
    expect(f2.referredToDm).toBe(f2.hwc.fta);
    expect(f2.outcomes.HWC_COMPLETED).toBe(0);
  });

  it('a 10-working-day doubt window gives claimants longer to make contact: fewer referrals', () => {
    const base = computeFigures(run().traces, { calendar: { holidays: [] } });
    const longer = applyOverride(CURRENT_POLICY, { doubtWindowWorkingDays: 10 });
    const whatIf = computeFigures(run({ policy: longer }).traces, { calendar: { holidays: [] } });
    expect(whatIf.journeys).toBe(base.journeys);
    expect(whatIf.referredToDm).toBeLessThan(base.referredToDm);
  });
});

describe('hwc simulate --caseload on the command line', () => {
  it('a 10,000-row report with --compare (10-working-day doubt window) prints both columns', () => {
    const csv = join(dir, 'report.csv');
    writeFileSync(csv, syntheticReportCsv(syntheticReport(10_000, 3)));
    const whatIf = join(dir, 'doubt10.json');
    writeFileSync(whatIf, JSON.stringify({ name: 'doubt window 10 wd', doubtWindowWorkingDays: 10 }));
    const r = hwc(['simulate', '--caseload', csv, '--compare', whatIf, '--seed', '5'], 300_000);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^baseline: HWC guidance\nwhat-if: {2}doubt window 10 wd\n/);
    const line = r.stdout.split('\n').find((l) => l.includes('journeys reported'))!;
    expect(line).toMatch(/journeys reported\s+10000\s+10000\s*$/);
    const referrals = r.stdout.split('\n').find((l) => l.includes('referrals to the decision maker'))!;
    const [, before, after, change] = /(\d+)\s+(\d+)\s+(-\d+)\s*$/.exec(referrals)!;
    expect(Number(after) - Number(before)).toBe(Number(change));
    expect(r.stderr).toMatch(/hwc simulate: what-if 10000\/10000 journeys after [\d.]+ s/);
  });

  it.each([
    [['--caseload', 'nowhere.csv'], /^hwc: --caseload nowhere\.csv: cannot read it \(ENOENT\)\n$/],
    [['--caseload', 'REPORT', '--seed', 'x'], /^hwc: --seed: must be a whole number from 0 to 4294967295\n$/],
    [
      ['--caseload', 'REPORT', '--behaviour', 'BEHAVIOUR_UNKNOWN'],
      /^hwc: .*: not a behaviour parameter: attend; the parameters are bookingCallReached, /,
    ],
    [['--caseload', 'REPORT', '--behaviour', 'BEHAVIOUR_RANGE'], /^hwc: .*: attends: .*probability from 0 to 1/],
    [
      ['--caseload', 'REPORT', '--policy', 'POLICY_BAD'],
      /^hwc: .*: doubtWindowWorkingDays: must be a whole number of working days from 1 to 60\n$/,
    ],
    [['--caseload', 'REPORT', '--office', 'leeds'], /^hwc: --office: "leeds" is not an office mnemonic/],
    [['--caseload', SCENARIO_DIR, '--seed', '3'], /^hwc: --behaviour, --seed, --start and --office apply to a report/],
    [['x.json', '--caseload', SCENARIO_DIR], /^hwc: give either a scenario file or --caseload, not both\n$/],
    [['x.json', '--compare', 'y.json'], /^hwc: --compare needs --caseload\n$/],
  ])('hwc simulate %j is refused with exit 2', (args, message) => {
    const files: Record<string, string> = {
      REPORT: join(dir, 'small.csv'),
      BEHAVIOUR_UNKNOWN: join(dir, 'b1.json'),
      BEHAVIOUR_RANGE: join(dir, 'b2.json'),
      POLICY_BAD: join(dir, 'p1.json'),
    };
    writeFileSync(files.REPORT, syntheticReportCsv(syntheticReport(3)));
    writeFileSync(files.BEHAVIOUR_UNKNOWN, JSON.stringify({ attend: 0.5 }));
    writeFileSync(files.BEHAVIOUR_RANGE, JSON.stringify({ attends: 1.5 }));
    writeFileSync(files.POLICY_BAD, JSON.stringify({ doubtWindowWorkingDays: 0 }));
    const r = hwc(['simulate', ...args.map((a) => files[a] ?? a)]);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });

  it('in-process: the run says what it ran (policy, seed, start)', async () => {
    const csv = join(dir, 'tiny.csv');
    writeFileSync(csv, syntheticReportCsv(syntheticReport(20)));
    const r = await simulateCaseload(csv, { seed: '9', start: '2026-03-03T09:00:00Z' });
    expect(r.run).toMatchObject({ source: 'report', journeys: 20, seed: 9, start: '2026-03-03T09:00:00.000Z' });
    expect(r.figures.journeys).toBe(20);
  });
});
