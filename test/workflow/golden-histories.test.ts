// Issue 6: every golden history (test/histories, recorded by `npm run audit:record`) replays on the
// current workflow code, and `hwc audit` prints its decision trail; an edited history is a divergence
// (exit 3), a file that is not a history is bad input (exit 2).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import {
  audit,
  auditAll,
  DEFAULT_ALL_QUERY,
  formatSummary,
  loadHistoryFile,
  replayHistory,
  type AuditReport,
} from '../../cli/commands/audit';
import { CliError } from '../../cli/errors';
import type { DecisionEntry } from '../../workflows/messages';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIR = join(ROOT, 'test', 'histories');
const GOLDENS = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => join(DIR, f));
const H05 = join(DIR, '05-easement-then-sanction-referral.json');

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'hwc-audit-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('golden histories replay on the current workflow code', () => {
  it('there are goldens to replay', () => {
    expect(GOLDENS.length).toBeGreaterThanOrEqual(7);
  });

  for (const file of GOLDENS) {
    it(basename(file), async () => {
      const report = await replayHistory(loadHistoryFile(file), { source: file });

      expect(report.divergence).toBeNull();
      expect(report.matched).toBe(true);
      expect(report.trail.length).toBeGreaterThan(0);
      expect(report.trail[0]).toMatchObject({ input: 'START', from: 'new' });
    });
  }
});

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The 05 history with the second FTA_CALL Update's payload saying `goodCause: true`. */
function editedHistory05(): string {
  const history = JSON.parse(readFileSync(H05, 'utf8')) as { events: Json[] };
  const ftaCalls = history.events
    .map(
      (e) =>
        e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.args?.payloads?.[0] as
          Json | undefined,
    )
    .filter((p): p is Json => !!p && JSON.parse(Buffer.from(p.data, 'base64').toString('utf8')).type === 'FTA_CALL');
  expect(ftaCalls).toHaveLength(2);
  const payload = ftaCalls[1];
  const event = JSON.parse(Buffer.from(payload.data, 'base64').toString('utf8'));
  expect(event.goodCause).toBe(false);
  payload.data = Buffer.from(JSON.stringify({ ...event, goodCause: true })).toString('base64');
  const file = join(tmp, '05-edited.json');
  writeFileSync(file, JSON.stringify(history));
  return file;
}

const find = (trail: DecisionEntry[], p: (e: DecisionEntry) => boolean) => {
  const hit = trail.find(p);
  expect(hit, 'decision not in the trail').toBeDefined();
  return hit!;
};

describe('hwc audit', () => {
  it('05: the trail shows the easement, the doubt, the 7-working-day window closing and the referral, with rules and times', async () => {
    const markdown = join(tmp, '05.md');
    const outcome = await audit(H05, { json: true, markdown });
    expect(outcome.exitCode).toBe(0);
    const report = JSON.parse(outcome.text) as AuditReport;
    expect(report).toMatchObject({
      claimantRef: 'C-1001',
      workflowId: 'hwc-C-1001',
      matched: true,
      status: 'completed',
    });
    const trail = report.trail;

    const easement = find(trail, (e) => e.rules.some((r) => r.startsWith('easement available')));
    expect(easement).toMatchObject({ at: '2026-02-02T10:00:00.000Z', input: 'FTA_CALL', from: 'awaitingFtaCall' });

    const doubt = find(trail, (e) => e.effects.some((f) => f.kind === 'lms.raiseDoubt'));
    expect(doubt).toMatchObject({ at: '2026-02-05T10:00:00.000Z', input: 'FTA_CALL', to: 'doubtWindow' });
    expect(doubt.rules).toEqual(['doubt path: no good cause and easement already used [¶34 doubt]']);
    expect(doubt.effects.find((f) => f.kind === 'lms.raiseDoubt')!.at).toBe('2026-02-05T10:00:00.000Z');

    const window = find(trail, (e) => e.input === 'DOUBT_WINDOW_CLOSED');
    expect(window.at).toBe('2026-02-16T17:00:00.000Z');
    expect(window.by).toBeNull();
    expect(window.rules).toEqual([expect.stringContaining('within 7 working days')]);

    const referral = find(trail, (e) => e.effects.some((f) => f.kind === 'lms.referToDecisionMaker'));
    expect(referral).toBe(window);
    expect(referral.effects.find((f) => f.kind === 'lms.referToDecisionMaker')!.at).toBe('2026-02-16T17:00:00.000Z');

    expect(trail.at(-1)).toMatchObject({
      input: 'DM_DECISION',
      by: { staffId: 'DM-7', role: 'decision_maker' },
      to: 'sanctionReferred',
    });

    const md = readFileSync(markdown, 'utf8');
    expect(md).toMatch(/^# Decision trail: C-1001/);
    expect(md).toContain('| DOUBT_WINDOW_CLOSED | deadline | doubtWindow → awaitingDmDecision |');
  });

  it('an edited history (second FTA_CALL with good cause) is reported as diverging, exit 3', async () => {
    const file = editedHistory05();

    const outcome = await audit(file);

    expect(outcome.exitCode).toBe(3);
    expect(outcome.message).toMatch(/does not match the current workflow code/);
    expect(outcome.message).toMatch(/decision #\d+ \(FTA_CALL at 2026-02-05T10:00:00\.000Z\)/);
    expect(outcome.message).toMatch(/DeterminismViolationError: .*Nondeterminism/);
    // The trail up to the divergence: the edited call now decides "good cause accepted".
    const last = outcome.report.trail.at(-1)!;
    expect(last).toMatchObject({
      input: 'FTA_CALL',
      at: '2026-02-05T10:00:00.000Z',
      rules: ['good cause accepted: rebook [¶27, A3.7]'],
    });
    expect(outcome.report.trail.some((e) => e.input === 'DOUBT_WINDOW_CLOSED')).toBe(false);
    expect(outcome.text).toContain('DIVERGED: the recorded history does not match the current workflow code.');
    expect(outcome.text).toMatch(/last decision reached: #\d+ 2026-02-05T10:00:00\.000Z FTA_CALL/);
  });

  it('a file that is not a history is bad input (exit 2) naming the file and the problem', async () => {
    const cases: [string, string, RegExp][] = [
      ['not-json.json', '{"events": [', /not valid JSON/],
      ['no-events.json', '{"hello": 1}', /not a workflow history/],
      ['empty.json', '{"events": []}', /no events/],
      [
        'scenario.json',
        readFileSync(join(ROOT, 'test/scenarios/shared/01-happy-path.json'), 'utf8'),
        /not a workflow history/,
      ],
    ];
    for (const [name, content, problem] of cases) {
      const file = join(tmp, name);
      writeFileSync(file, content);
      const e = await audit(file).then(
        () => null,
        (err: unknown) => err,
      );
      expect(e, name).toBeInstanceOf(CliError);
      expect((e as CliError).exitCode, name).toBe(2);
      expect((e as CliError).message, name).toContain(file);
      expect((e as CliError).message, name).toMatch(problem);
    }
  });

  it('--all replays every listed journey, reports progress, and exits 3 when one diverges', async () => {
    const listed = [
      { workflowId: 'hwc-C-1001', history: loadHistoryFile(join(DIR, '01-happy-path.json')) },
      { workflowId: 'hwc-C-1005', history: loadHistoryFile(editedHistory05()) },
      { workflowId: 'hwc-C-1008', history: loadHistoryFile(join(DIR, '08-claim-closed-before-pre-call.json')) },
    ];
    const queries: string[] = [];
    const fake = {
      workflow: {
        count: async (q: string) => (queries.push(q), { count: listed.length, groups: [] }),
        list: ({ query }: { query: string }) => (queries.push(query), { intoHistories: () => listed }),
      },
    } as unknown as Client;
    const progress: string[] = [];

    const { exitCode, summary } = await auditAll(DEFAULT_ALL_QUERY, {
      client: async () => fake,
      dataConverter: null,
      progress: (l) => progress.push(l),
    });

    expect(queries).toEqual([DEFAULT_ALL_QUERY, DEFAULT_ALL_QUERY]);
    expect(progress).toEqual(['replayed 1/3', 'replayed 2/3', 'replayed 3/3']);
    expect(exitCode).toBe(3);
    expect(summary).toMatchObject({ replayed: 3, matched: 2, diverged: 1 });
    expect(summary.divergences).toEqual([
      expect.objectContaining({
        workflowId: 'hwc-C-1005',
        claimantRef: 'C-1001',
        message: expect.stringMatching(/FTA_CALL at 2026-02-05T10:00:00\.000Z/),
      }),
    ]);
    expect(formatSummary(summary).trim().split('\n').at(-1)).toBe('replayed=3 matched=2 diverged=1');
  });

  it('`hwc audit <05.json>` prints the trail (no personal data)', () => {
    const env = { ...process.env };
    delete env.VITEST; // the CLI installs its own quiet runtime outside tests
    const r = spawnSync(
      process.execPath,
      ['bin/hwc.js', 'audit', 'test/histories/05-easement-then-sanction-referral.json'],
      {
        cwd: ROOT,
        encoding: 'utf8',
        env,
        timeout: 90_000,
      },
    );

    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = r.stdout;
    expect(out).toMatch(/^C-1001 · workflow hwc-C-1001 · completed/);
    expect(out).toMatch(/replay: matches the current workflow code/);
    expect(out).toMatch(
      /2026-02-02T10:00:00\.000Z {2}#\d+ FTA_CALL by scenario \(sds\): awaitingFtaCall → awaitingPreCallTime\n {4}proof {2}none \(recorded before events were signed\)\n {4}rule {3}easement available.*\[¶28–33 easement\]/,
    );
    expect(out).toMatch(/effect 2026-02-05T10:00:00\.000Z {2}lms\.raiseDoubt: LMS: raise FTA doubt/);
    expect(out).toMatch(
      /2026-02-16T17:00:00\.000Z {2}#\d+ DOUBT_WINDOW_CLOSED by deadline: doubtWindow → awaitingDmDecision\n {4}rule {3}.*7 working days/,
    );
    expect(out).toMatch(/effect 2026-02-16T17:00:00\.000Z {2}lms\.referToDecisionMaker: /);
    // Only the ref identifies the claimant: nothing from the record.
    for (const personal of ['1980-04-02', 'Back pain', '07700900123', '91.15']) expect(out).not.toContain(personal);
  });
});
