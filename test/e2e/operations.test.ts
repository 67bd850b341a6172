// The operations CLI end to end, as work coaches and managers use it: a real `hwc dev` (server, worker,
// encrypted payloads) and the `hwc` binary in separate processes. A report with malformed rows starts the
// valid ones and names every rejected row; a rerun starts nothing; `hwc cases --stage X` agrees with
// `temporal workflow list --query "HwcStage = 'X'"` for every stage of a seeded caseload; `hwc event`
// refusals exit 2; `hwc show` lists the accepted events; the weekly-report schedule and its ¶9 escalation.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { StubStore } from '../../activities/store';
import { demoCaseload, seedDemo } from '../../cli/demo';
import { resolveTemporalCli } from '../../worker/binaries';
import { PROJECT_ROOT, loadConfig } from '../../worker/config';
import { connectClient } from '../../worker/connection';
import { codecKeys } from '../../worker/data-converter';
import { journeyQuery, workflowIdFor } from '../../workflows/messages';
import { HwcStage } from '../../workflows/search-attributes';
import { weeklyReport } from '../../workflows/weekly-report';
import { freePortPair } from '../helpers/ports';
import { deploymentIdentity } from '../helpers/identity';
import { hashPassword } from '../../identity/password';
import { recentClaimant } from '../helpers/temporal';

const HWC = join(PROJECT_ROOT, 'bin/hwc.js');
const dir = mkdtempSync(join(tmpdir(), 'hwc-ops-'));
const tag = `T${process.pid}`;
let dev: ChildProcess;
let devLog = '';
let address: string;
let env: NodeJS.ProcessEnv;
let client: Client;
let store: StubStore;

async function until<T>(
  what: string,
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  ms = 60_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

function hwc(...args: string[]) {
  return hwcWith(undefined, ...args);
}
function hwcWith(input: string | undefined, ...args: string[]) {
  const r = spawnSync(process.execPath, [HWC, ...args], { env, encoding: 'utf8', timeout: 60_000, input });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
/** `hwc login` as a person of the test's staff directory (the password on standard input). */
function login(staffId: string) {
  const r = hwcWith(`${PASSWORD}\n`, 'login', '--staff', staffId);
  expect(r.code, r.stderr).toBe(0);
  return r;
}
const PASSWORD = 'correct horse battery staple';

const record = (ref: string, over: Record<string, unknown> = {}) => ({
  ...recentClaimant(ref, { workCoach: 'WC-07' }),
  ...over,
});

const seedIdentity = () => {
  const id = deploymentIdentity(dir);
  return { trust: id.trust, signerFor: (staffId: string) => id.signerFor(staffId) };
};

beforeAll(async () => {
  const port = await freePortPair();
  const uiPort = await freePortPair();
  address = `127.0.0.1:${port}`;
  const hash = await hashPassword(PASSWORD);
  const staff = [
    { staffId: 'WC-07', roles: ['work_coach'], offices: ['LEEDS'], password: hash },
    { staffId: 'SDS-1', roles: ['sds'], offices: ['LEEDS'], password: hash },
  ];
  writeFileSync(join(dir, 'staff.json'), JSON.stringify({ version: 2, staff }), { mode: 0o600 });
  env = {
    ...process.env,
    TEMPORAL_ADDRESS: address,
    HWC_DATA_DIR: dir,
    HWC_DB: join(dir, 'stubs.sqlite'),
    HWC_STAFF_FILE: join(dir, 'staff.json'),
    HWC_SESSION_FILE: join(dir, 'session.json'),
    VITEST: '',
  };
  dev = spawn(process.execPath, [HWC, 'dev', '--port', String(port), '--ui-port', String(uiPort)], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  dev.stderr!.on('data', (d) => (devLog += d));
  await until('hwc dev to start', () => devLog.includes('press Ctrl-C'), 120_000).catch((e) => {
    throw new Error(`${(e as Error).message}\n${devLog}`);
  });
  // The same configuration as the CLI: same cluster, same payload keys.
  client = await connectClient(loadConfig(env));
  store = await StubStore.open(join(dir, 'stubs.sqlite'), { keys: codecKeys(loadConfig(env)) });
});

afterAll(async () => {
  await client?.connection.close();
  await store?.close();
  if (dev && dev.exitCode === null) {
    const exited = new Promise((r) => dev.once('exit', r));
    dev.kill('SIGINT');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('hwc report', () => {
  it('starts the valid rows, names every rejected row and its field, and a rerun starts nothing', async () => {
    const a = `${tag}-R1`;
    const b = `${tag}-R2`;
    const csv = join(dir, 'report.csv');
    writeFileSync(
      csv,
      [
        'claimantRef,office,dateOfBirth,claimStartDate,claimStatus,inPayment,weeklyRate,mobile,workCoach,circumstances',
        `${a},LEEDS,1980-04-02,2026-01-05,built,true,91.15,07700900123,WC-07,`,
        `${tag}-R3,LEEDS,1980-04-02,2026-01-05,built,maybe,91.15,,,`,
        `${tag}-R4,LEEDS,1980-02-30,2026-01-05,built,true,91.15,,,`,
        `AB123456C,LEEDS,1980-04-02,2026-01-05,built,true,91.15,,,`,
        `${b},LEEDS,1975-11-30,2026-01-06,built,true,91.15,,WC-07,"PREGNANCY;expectedWeekOfConfinement=2027-06-01"`,
        `${tag}-R6,LEEDS,1980-04-02,2026-01-05,built,true,lots,,,`,
        `${a},LEEDS,1980-04-02,2026-01-05,built,true,91.15,,,`,
        `${tag}-R8,LEEDS,1980-04-02,2026-01-05,built,true,91.15,,,,extra`,
        `${tag}-R9,LEEDS,1980-04-02,2026-01-05,built,true,91.15,,,NOT_A_KIND`,
      ].join('\n') + '\n',
    );
    const first = hwc('report', csv, '--office', 'LEEDS');
    expect(first.code, first.stderr).toBe(2);
    expect(first.stdout).toContain('9 rows · 2 started · 0 already running · 7 rejected');
    const rejected = first.stdout.split('\n').filter((l) => /^\s+row \d+/.test(l));
    expect(rejected).toHaveLength(7);
    expect(first.stdout).toMatch(/row 2 \(line 3\) .*-R3: inPayment \(claim\.inPayment\):/);
    expect(first.stdout).toMatch(/row 3 \(line 4\) .*-R4: dateOfBirth: must be a calendar date/);
    expect(first.stdout).toMatch(/row 4 \(line 5\): claimantRef: looks like a National Insurance number/);
    expect(first.stdout).not.toContain('AB123456C');
    expect(first.stdout).toMatch(/row 6 \(line 7\) .*-R6: weeklyRate \(claim\.weeklyRate\):/);
    expect(first.stdout).toMatch(new RegExp(`row 7 \\(line 8\\) ${a}: claimantRef: ${a} is already on row 1`));
    expect(first.stdout).toMatch(/row 8 \(line 9\) .*-R8: \(row\): 11 cells but the header has 10 columns/);
    expect(first.stdout).toMatch(/row 9 \(line 10\) .*-R9: circumstances \(circumstances\[0\]\.kind\):/);
    expect(first.stderr).toMatch(/7 of 9 rows rejected/);
    // Both valid rows run as journeys, their records are in the JSAPS stub.
    for (const ref of [a, b]) {
      const d = await client.workflow.getHandle(workflowIdFor(ref)).describe();
      expect(d.status.name).toBe('RUNNING');
      expect(await store.getClaimant(ref)).toMatchObject({ claimantRef: ref });
    }

    const rerun = hwc('report', csv, '--office', 'LEEDS');
    expect(rerun.code).toBe(2);
    expect(rerun.stdout).toContain('9 rows · 0 started · 2 already running · 7 rejected');
    expect(rerun.stdout).not.toContain('record changed');

    // New data for a running journey: the fields that changed are named (not their values), JSAPS holds it.
    const changedCsv = join(dir, 'report-changed.csv');
    writeFileSync(
      changedCsv,
      [
        'claimantRef,office,dateOfBirth,claimStartDate,claimStatus,inPayment,weeklyRate,mobile,workCoach',
        `${a},LEEDS,1980-04-02,2026-01-05,built,no,91.15,07700900999,WC-07`,
      ].join('\n') + '\n',
    );
    const changed = hwc('report', changedCsv, '--office', 'LEEDS');
    expect(changed.code, changed.stderr).toBe(0);
    expect(changed.stdout).toContain('1 rows · 0 started · 1 already running · 0 rejected');
    expect(changed.stdout).toMatch(
      new RegExp(`record changed since the journey started[^\n]*\n  ${a}: claim\\.inPayment, lms\\.mobile\n`),
    );
    expect(changed.stdout).not.toContain('07700900999');
    expect(await store.getClaimant(a)).toMatchObject({ claim: { inPayment: false }, lms: { mobile: '07700900999' } });

    // A clean JSON report ({office, rows}) exits 0; progress goes to stderr as lines when it is not a TTY.
    const json = join(dir, 'report.json');
    const refs = Array.from({ length: 24 }, (_, i) => `${tag}-J${i + 1}`);
    writeFileSync(json, JSON.stringify({ office: 'LEEDS', rows: refs.map((r) => record(r)) }));
    const clean = hwc('report', json, '--json');
    expect(clean.code, clean.stderr).toBe(0);
    const summary = JSON.parse(clean.stdout);
    expect(summary.started).toHaveLength(24);
    expect(summary.rejected).toEqual([]);
    expect(clean.stderr).toContain('hwc report: 24/24 rows handled');
    const again = hwc('report', json);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('24 rows · 0 started · 24 already running · 0 rejected');
  }, 180_000);

  it('refuses a file it cannot read as a report, in one line, before starting anything', () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'claimantRef,office,colour\nX,LEEDS,blue\n');
    const r = hwc('report', bad);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('unknown column "colour"');
  });
});

describe('hwc cases', () => {
  it('returns the same set as `temporal workflow list` for every stage of a seeded caseload', async () => {
    const prefix = `${tag}CASE`;
    await seedDemo({
      client,
      taskQueue: 'hwc',
      prefix,
      putClaimant: (ref: string, r: unknown) => store.putClaimant(ref, r),
      ...seedIdentity(),
    });
    const ids = demoCaseload(prefix).map((c) => workflowIdFor(c.record.claimantRef));
    // The stage each seeded journey is in, from the workflows themselves (not from visibility).
    const stageOf = new Map<string, string>();
    for (const id of ids)
      stageOf.set(id, (await client.workflow.getHandle(id).describe()).typedSearchAttributes.get(HwcStage)!);
    const stages = [...new Set(stageOf.values())].sort();
    expect(stages.length).toBeGreaterThanOrEqual(8);

    const temporal = resolveTemporalCli().path!;
    for (const stage of stages) {
      const expected = ids.filter((id) => stageOf.get(id) === stage);
      // Visibility is eventually consistent: ask both until they agree and hold every seeded case.
      await until(
        `hwc cases --stage ${stage} to agree with temporal workflow list`,
        () => {
          const ours = hwc('cases', '--stage', stage, '--json');
          if (ours.code !== 0) throw new Error(ours.stderr);
          const mine = (JSON.parse(ours.stdout) as { workflowId: string; stage: string }[])
            .map((r) => r.workflowId)
            .sort();
          const theirs = spawnSync(
            temporal,
            ['workflow', 'list', '--address', address, '--query', `HwcStage = '${stage}'`, '-o', 'json'],
            { encoding: 'utf8' },
          );
          const listed = (JSON.parse(theirs.stdout || '[]') as { execution: { workflowId: string } }[])
            .map((w) => w.execution.workflowId)
            .sort();
          return JSON.stringify(mine) === JSON.stringify(listed) && expected.every((id) => mine.includes(id));
        },
        30_000,
      );
    }

    // The table and the filters a manager uses.
    const table = hwc('cases', '--stage', 'awaitingPreCallTime', '--office', 'LEEDS');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^CLAIMANT\s+STAGE\s+NEXT DEADLINE\s+OUTCOME\s+COACH\s+WAITING FOR/);
    expect(table.stdout).toContain(`${prefix}-003  awaitingPreCallTime`);
    expect(table.stdout).toContain('the pre-call time');
    const mine = await until('WC-02 cases waiting on them', () => {
      const r = JSON.parse(hwc('cases', '--waiting-on-me', 'WC-02', '--json').stdout) as {
        claimantRef: string;
        stage: string;
      }[];
      return r.some((c) => c.claimantRef === `${prefix}-012`) && r;
    });
    expect(mine.find((c) => c.claimantRef === `${prefix}-002`)?.stage).toBe('awaitingBookingCall');
    expect(mine.every((c) => !['exempt', 'awaitingPreCallTime', 'awaitingTeamLeaderAdvice'].includes(c.stage))).toBe(
      true,
    );
    const overdue = hwc('cases', '--overdue', '--json');
    expect(overdue.code).toBe(0);
    expect(hwc('cases', '--stage', 'nonsense').code).toBe(2);
  }, 240_000);
});

describe('hwc show, hwc event, hwc outbox', () => {
  it('shows the accepted events, refuses what the journey does not accept with exit 2, records what is accepted', async () => {
    const ref = `${tag}-EV1`;
    const json = join(dir, 'event-report.json');
    writeFileSync(json, JSON.stringify([record(ref)]));
    expect(hwc('report', json).code).toBe(0);
    await until('the journey to wait for the booking call', async () => {
      const t = await client.workflow.getHandle(workflowIdFor(ref)).query(journeyQuery);
      return t.stage === 'awaitingBookingCall';
    });

    const shown = hwc('show', ref);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain(`${ref}: running in awaitingBookingCall`);
    expect(shown.stdout).toMatch(/START: new → awaitingBookingCall/);
    expect(shown.stdout).toMatch(/waiting for\s+the booking call result/);
    expect(shown.stdout).toMatch(/next deadline\s+\S+Z \(book without contact\)/);
    expect(shown.stdout).toMatch(/BOOKING_CALL\s+contacted: boolean · slot\?: instant · requirements\?: text\[\]/);
    for (const t of ['DEFER', 'CLAIM_CLOSED', 'EXEMPTION_IDENTIFIED', 'WCA_SCHEDULED'])
      expect(shown.stdout).toContain(`  ${t}`);
    expect(shown.stdout).not.toMatch(/^\s+ATTENDED\s/m);
    // The workflow id the Web UI shows names the same case.
    const byWorkflowId = hwc('show', workflowIdFor(ref));
    expect(byWorkflowId.code, byWorkflowId.stderr).toBe(0);
    expect(byWorkflowId.stdout).toBe(shown.stdout);

    expect(hwc('event', ref, 'ATTENDED').stderr).toMatch(/not signed in: run `hwc login`/);
    expect(login('WC-07').stdout).toMatch(/signed in as WC-07 \(work_coach\) for LEEDS, until /);
    expect(hwc('whoami').stdout).toMatch(/^WC-07 \(work_coach\)/);
    const notNow = hwc('event', ref, 'ATTENDED');
    expect(notNow.code).toBe(2);
    expect(notNow.stderr).toMatch(
      /ATTENDED rejected: .*not accepted in state awaitingBookingCall; accepted now: .*BOOKING_CALL/,
    );
    const wrongRole = hwc('event', ref, 'DM_DECISION', '--sanction', 'true');
    expect(wrongRole.code).toBe(2);
    expect(wrongRole.stderr).toMatch(/needs decision_maker/);
    const badField = hwc('event', ref, 'BOOKING_CALL', '--contacted', 'perhaps');
    expect(badField.code).toBe(2);
    expect(badField.stderr).toMatch(/--contacted: must be true\/false, yes\/no, y\/n, 1\/0 or on\/off/);
    const unknown = hwc('event', `${tag}-NOBODY`, 'ATTENDED');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no journey for claimant .*-NOBODY/);
    // Nobody chooses their identity on the command line.
    const claimed = hwc('event', ref, 'ATTENDED', '--as', 'TL-01:team_leader');
    expect(claimed.code).toBe(2);
    expect(claimed.stderr).toMatch(/--as: no longer accepted/);
    expect(hwc('show', `${tag}-NOBODY`).code).toBe(2);

    login('SDS-1');
    const slot = new Date(Date.now() + 10 * 86_400_000).toISOString();
    // By workflow id, with a yes/no read like a CSV cell.
    const ok = hwc(
      'event',
      workflowIdFor(ref),
      'BOOKING_CALL',
      '--contacted',
      'Yes',
      '--slot',
      slot,
      '--requirements',
      '["Ground floor room"]',
    );
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(new RegExp(`${ref}: BOOKING_CALL accepted from SDS-1; stage now awaitingPreCallTime`));

    const outbox = await until('the invitation letter', () => {
      const r = hwc('outbox', '--claimant', ref);
      return r.stdout.includes('Letter ESAHWC1') && r;
    });
    expect(outbox.stdout).toMatch(/^AT\s+CLAIMANT\s+SYSTEM\s+WHAT/);
    expect(outbox.stdout).toMatch(/LMS diary: book HWC \(40 min\) at /);
    expect(outbox.stdout).toMatch(/LMS diary: book PRE_CALL \(10 min\) at /);
  }, 120_000);
});

describe('weekly report schedule', () => {
  it('escalates to the Change Lead once when no report was processed by the deadline', async () => {
    const run = (n: number) =>
      client.workflow.execute(weeklyReport, {
        taskQueue: 'hwc',
        workflowId: `${tag}-weekly-${n}`,
        args: [
          {
            office: 'NOWHERE',
            processBy: new Date(Date.now() - 1000).toISOString(),
            giveUpAt: new Date(Date.now() + 1500).toISOString(),
            pollEveryMs: 1000,
          },
        ],
      });
    const result = await run(1);
    expect(result.escalated).toBe(true);
    expect(result.processed).toEqual([]);
    await run(2); // the same day again: still one escalation
    const rows = JSON.parse(hwc('outbox', '--json').stdout).filter(
      (r: { kind: string }) => r.kind === 'lms.escalateMissingReport',
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].details).toMatchObject({ to: 'Change Lead', office: 'NOWHERE' });
    expect(hwc('outbox', '--system', 'lms').stdout).toMatch(
      /LMS: escalate to the Change Lead: weekly report for office NOWHERE not received and processed by/,
    );
  }, 60_000);

  it('is created, described, triggered to start the journeys of a report in JSAPS, and deleted', async () => {
    const created = hwc('schedule', 'create', '--office', 'LEEDS');
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain('every tuesday at 09:00 Europe/London');
    expect(hwc('schedule', 'create', '--office', 'LEEDS').stdout).toContain('already exists');
    const ref = `${tag}-S1`;
    const file = join(dir, 'weekly.json');
    writeFileSync(file, JSON.stringify([record(ref), { ...record(`${tag}-S2`), dateOfBirth: 'yesterday' }]));
    const submitted = hwc('report', file, '--office', 'LEEDS', '--to-jsaps');
    expect(submitted.code).toBe(2); // one row will be rejected
    expect(submitted.stdout).toMatch(
      /report R-\w+ submitted to JSAPS for office LEEDS: 2 rows \(1 valid, 1 will be rejected\)/,
    );
    const described = hwc('schedule', 'describe', '--office', 'LEEDS');
    expect(described.code).toBe(0);
    expect(described.stdout).toMatch(/schedule hwc-weekly-report-LEEDS: active, every tuesday at 09:00 Europe\/London/);
    const next = described.stdout.match(/next runs: ([^,\s]+)/)![1];
    expect(new Date(next).getUTCDay()).toBe(2);
    expect(described.stdout).toMatch(/pending reports in JSAPS: R-\w+ \(weekly\.json, 2 rows\)/);

    expect(hwc('schedule', 'trigger', '--office', 'LEEDS').code).toBe(0);
    await until(
      'the report to be processed',
      async () =>
        (await store.reports({ status: 'processed' })).length > 0 && (await store.pendingReports('LEEDS')).length === 0,
      60_000,
    );
    const d = await client.workflow.getHandle(workflowIdFor(ref)).describe();
    expect(d.status.name).toBe('RUNNING');
    const after = hwc('schedule', 'describe', '--office', 'LEEDS');
    expect(after.stdout).toMatch(/processed R-\w+ \(weekly\.json\) at \S+: 1 started, 0 already running, 1 rejected/);
    expect(after.stdout).toMatch(/recent runs: \S+ weekly-report-LEEDS-/);

    expect(hwc('schedule', 'delete', '--office', 'LEEDS').code).toBe(0);
    const gone = hwc('schedule', 'describe', '--office', 'LEEDS');
    expect(gone.code).toBe(2);
    expect(gone.stderr).toContain('no schedule hwc-weekly-report-LEEDS');
  }, 120_000);

  it('every command answers --help', () => {
    for (const cmd of [['report'], ['schedule'], ['schedule', 'create'], ['cases'], ['show'], ['event'], ['outbox']]) {
      const r = hwc(...cmd, '--help');
      expect(r.code, cmd.join(' ')).toBe(0);
      expect(r.stdout).toContain('Usage: hwc ' + cmd.join(' '));
    }
    expect(hwc('report', '--help').stdout).toContain('claimStartDate');
    expect(hwc('event', '--help').stdout).toMatch(/FTA_CALL\s+contacted: boolean/);
  });
});
