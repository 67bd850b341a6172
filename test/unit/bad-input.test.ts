// The bad-input corpus (test/corpus, issue 7): every malformed input at every boundary — claimant records,
// scenario files, people's events, `hwc event` arguments, weekly reports (JSON and CSV), workflow histories —
// is refused with a message that names the problem, has no stack trace, echoes no personal data, and changes
// nothing. CLI paths run in-process through their exported functions; a handful also through `bin/hwc.js`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Client, Connection, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { StubStore } from '../../activities/store';
import { startReport, validateReport, type ReportRow } from '../../client/report';
import { loadHistoryFile, audit } from '../../cli/commands/audit';
import { event as eventCommand } from '../../cli/commands/event';
import { cases as casesCommand } from '../../cli/commands/cases';
import { report } from '../../cli/commands/report';
import { simulate } from '../../cli/commands/simulate';
import { CliError, reasonOnly } from '../../cli/errors';
import { prettyTrace } from '../../cli/pretty';
import { table } from '../../cli/table';
import { jsonText, terminalSafe, terminalSafeLines } from '../../cli/terminal';
import { readReportFile } from '../../cli/report-file';
import { OfficeMnemonic, Scenario, StaffId } from '../../domain/schemas';
import { parseStaffDirectory } from '../../domain/staff';
import { unsafeCharIn } from '../../domain/text';
import { ephemeralIssuer } from '../../identity/ephemeral';
import { stageOf, step, validateEvent, type JourneyState } from '../../machines/step';
import { PureEngine } from '../../simulator/pure-engine';
import { PROJECT_ROOT } from '../../worker/config';
import {
  baseClaimant,
  corpusPath,
  filesWithExpectations,
  json,
  jsonl,
  materialize,
  messageProblems,
  recordOf,
  toJsonText,
  type Expectation,
  type RecordCase,
} from '../corpus/corpus';
import { FIXTURES, advanceTo, send, startWorld, type World } from '../helpers/world';

// `step` is watched: a refused event must never reach it (the pure engine imports it from this module).
vi.mock('../../machines/step', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../machines/step')>();
  return { ...actual, step: vi.fn(actual.step) };
});

let dir: string;
const saved = { ...process.env };
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hwc-bad-input-'));
  // Everything the CLI functions touch stays here; nothing may reach a Temporal server.
  Object.assign(process.env, {
    HWC_DB: join(dir, 'stubs.sqlite'),
    HWC_DATA_DIR: join(dir, 'data'),
    HWC_ENCRYPTION: 'off',
    TEMPORAL_ADDRESS: '127.0.0.1:1',
    HWC_SESSION_FILE: join(dir, 'no-session.json'), // nobody is signed in
  });
});
afterAll(() => {
  process.env = saved;
  rmSync(dir, { recursive: true, force: true });
});

/** Runs a CLI function that must refuse its input: the CliError (exit 2) and what it printed on stdout. */
async function refused(run: () => unknown): Promise<{ error: CliError; stdout: string }> {
  let stdout = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  try {
    await run();
  } catch (e) {
    if (!(e instanceof CliError))
      throw new Error(`not a CliError (would exit 1 with a stack): ${(e as Error)?.stack ?? e}`, { cause: e });
    return { error: e, stdout };
  } finally {
    spy.mockRestore();
  }
  throw new Error(`accepted; printed: ${stdout.slice(0, 300)}`);
}

const expectClean = (message: string, e: Expectation, input?: unknown) =>
  expect(messageProblems(message, e, input), message.slice(0, 1200)).toEqual([]);

let fileNo = 0;
const tmpFile = (name: string, text: string) => {
  const path = join(dir, `${++fileNo}-${name}`);
  writeFileSync(path, text);
  return path;
};

// ---------------------------------------------------------------------------------------------

const testIdentity = ephemeralIssuer();

describe('claimant records (B1): refused by scenario loading and by the weekly report', () => {
  const cases = jsonl<RecordCase>('claimant-records.jsonl');

  it('the corpus is sizeable and every case is distinct', () => {
    expect(cases.length).toBeGreaterThanOrEqual(100);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  it.each(cases.map((c) => [`${c.line}: ${c.name}`, c] as const))('%s', async (_n, c) => {
    const record = recordOf(c);
    // As a scenario's claimant: `hwc simulate` exits 2 naming the field.
    const path = tmpFile(
      'scenario.json',
      toJsonText({ name: c.name, start: '2026-01-20T09:00:00Z', office: 'LEEDS', claimant: record, events: [] }),
    );
    const { error } = await refused(() => simulate(path, {}));
    expect(error.exitCode).toBe(2);
    expectClean(error.message, c, record);

    // As a weekly report row: rejected with the field named, nothing started, nothing stored for JSAPS.
    const rows: ReportRow[] = [{ row: 1, record }];
    const { valid, rejected } = validateReport(rows);
    expect(valid).toEqual([]);
    expect(rejected).toHaveLength(1);
    expectClean(rejected[0].reason, c, record);
    const started: unknown[] = [];
    const stored: unknown[] = [];
    const summary = await startReport({
      client: { workflow: { start: async (...a: unknown[]) => started.push(a) } } as never,
      taskQueue: 'hwc-test',
      trust: testIdentity.trust,
      rows,
      putClaimant: (ref, r) => void stored.push([ref, r]),
    });
    expect(summary.started).toEqual([]);
    expect(started).toEqual([]);
    expect(stored).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------

describe('scenario files (B4): `hwc simulate` exits 2 with the problem named', () => {
  const files = filesWithExpectations<Expectation>('scenarios');

  it('covers the kinds of bad scenario the contract names', () => {
    expect(files.length).toBeGreaterThanOrEqual(60);
  });

  it.each(files.map((f) => [f.file, f] as const))('%s', async (_n, f) => {
    const { error } = await refused(() => simulate(f.path, {}));
    expect(error.exitCode).toBe(2);
    let input: unknown;
    try {
      input = JSON.parse(readFileSync(f.path, 'utf8'));
    } catch {
      input = undefined;
    }
    expectClean(error.message, f.expect, input);
  });
});

// ---------------------------------------------------------------------------------------------

interface StateRecipe {
  fixture: string;
  stage: string;
  steps: (Record<string, unknown> & { advance?: 'deadline'; advanceTo?: string })[];
}
interface EventCase extends Expectation {
  name: string;
  line: number;
  state: string;
  event: unknown;
}

describe('events (B2): refused by validateEvent and by the engine, the journey untouched', () => {
  const recipes = json<Record<string, StateRecipe>>('states.json');
  const cases = jsonl<EventCase>('events.jsonl');
  const worlds = new Map<string, World>();

  function worldIn(name: string): World {
    const known = worlds.get(name);
    if (known) return known;
    const r = recipes[name];
    if (!r) throw new Error(`events.jsonl: no state ${name} in states.json`);
    const fixture = FIXTURES.find((f) => f.name === r.fixture);
    if (!fixture) throw new Error(`states.json ${name}: no fixture ${r.fixture}`);
    let w = startWorld(fixture);
    for (const s of r.steps) {
      if (s.advance === 'deadline') {
        const t = w.state.snapshot.context.timers;
        const next = Object.entries(t)
          .filter(([k, v]) => v && k !== 'ESCALATION_DUE')
          .map(([, v]) => v as string)
          .sort()[0];
        w = advanceTo(w, next);
      } else if (s.advanceTo) w = advanceTo(w, s.advanceTo);
      else {
        const next = send(w, s);
        if (!next) throw new Error(`states.json ${name}: ${JSON.stringify(s)} refused`);
        w = next;
      }
    }
    expect(stageOf(w.state.snapshot), `states.json ${name}`).toBe(r.stage);
    worlds.set(name, w);
    return w;
  }

  /** The whole journey as data: machine value and context, and the transition log. */
  const fingerprint = (s: JourneyState) =>
    JSON.stringify([s.snapshot.value, s.snapshot.status, s.snapshot.context, s.transitions]);

  it('the corpus is sizeable and reaches every named state', () => {
    expect(cases.length).toBeGreaterThanOrEqual(100);
    expect(new Set(cases.map((c) => c.state))).toEqual(new Set(Object.keys(recipes).filter((k) => !k.startsWith('_'))));
  });

  it.each(cases.map((c) => [`${c.line}: ${c.state} ← ${c.name}`, c] as const))('%s', async (_n, c) => {
    const w = worldIn(c.state);
    const raw = materialize(c.event);
    const before = fingerprint(w.state);
    const snapshotBefore = w.state.snapshot;
    vi.mocked(step).mockClear();

    const checked = validateEvent(w.state, raw, w.clock);
    expect(checked.ok).toBe(false);
    const error = (checked as { error: string }).error;
    expectClean(error, c, raw);

    // The engine the simulator drives: it refuses with the same reason and never steps the journey.
    if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
      const scenario = Scenario.parse({ start: w.clock, office: 'LEEDS', claimant: w.state.snapshot.context.record });
      const engine = new PureEngine(scenario, w.state.snapshot.context.holidays);
      engine.state = w.state;
      const at = (raw as { at?: unknown }).at ?? w.clock;
      await expect(engine.deliver({ ...(raw as object), at } as never)).rejects.toThrow(error);
      expect(engine.state).toBe(w.state);
    }
    expect(vi.mocked(step)).not.toHaveBeenCalled();
    expect(w.state.snapshot).toBe(snapshotBefore);
    expect(fingerprint(w.state)).toBe(before);
  });
});

// ---------------------------------------------------------------------------------------------

interface EventArgsCase extends Expectation {
  name: string;
  line: number;
  ref: string;
  type: string;
  fields: string[];
  as?: string;
  json?: string;
}

describe('`hwc event` arguments: exit 2 before anything is sent', () => {
  const cases = jsonl<EventArgsCase>('cli-event-args.jsonl');
  it.each(cases.map((c) => [`${c.line}: ${c.name}`, c] as const))('%s', async (_n, c) => {
    const { error } = await refused(() => eventCommand(c.ref, c.type, c.fields, { as: c.as, json: c.json }));
    expect(error.exitCode).toBe(2);
    expectClean(error.message, c, { ref: c.ref, json: c.json });
  });
});

// ---------------------------------------------------------------------------------------------

interface ReportRowsCase extends Expectation {
  name: string;
  line: number;
  rows: unknown[];
  /** Rows of the report that are valid and still start. */
  started: number;
}

describe('weekly reports: bad rows rejected with the field named, bad files refused whole', () => {
  const reportsStored = async () => {
    const s = await StubStore.open(process.env.HWC_DB!);
    try {
      return (await s.reports()).length;
    } finally {
      await s.close();
    }
  };

  const fakeClient = (started: string[]) =>
    ({ workflow: { start: async (_wf: unknown, o: { workflowId: string }) => started.push(o.workflowId) } }) as never;

  const rowCases = jsonl<ReportRowsCase>('report-rows.jsonl');
  it.each(rowCases.map((c) => [`report-rows.jsonl ${c.line}: ${c.name}`, c] as const))('%s', async (_n, c) => {
    const rows = materialize(c.rows) as unknown[];
    const path = tmpFile('report.json', toJsonText(rows));
    const { error, stdout } = await refused(() => report(path, { toJsaps: true }));
    expect(error.exitCode).toBe(2);
    expectClean(`${stdout}\n${error.message}`, c, rows);
    // Only the valid rows start.
    const started: string[] = [];
    const parsed = readReportFile(path);
    const summary = await startReport({
      client: fakeClient(started),
      taskQueue: 'hwc-test',
      trust: testIdentity.trust,
      rows: parsed.rows,
    });
    expect(started).toHaveLength(c.started);
    expect(summary.rejected).toHaveLength(rows.length - c.started);
  });

  it('report-rows.csv: every data row is rejected with its column named, none started', async () => {
    const path = corpusPath('report-rows.csv');
    const expected = json<Record<string, string>>('report-rows.csv.expected.json');
    const parsed = readReportFile(path);
    const { valid, rejected } = validateReport(parsed.rows);
    expect(valid).toEqual([]);
    const numbers = Object.keys(expected).filter((k) => k !== '_about');
    expect(rejected.map((r) => String(r.row))).toEqual(numbers);
    for (const r of rejected) {
      const input = parsed.rows[r.row - 1].record;
      expect(
        messageProblems(r.reason, { problem: expected[String(r.row)] }, input),
        `row ${r.row}: ${r.reason}`,
      ).toEqual([]);
    }
    const { error, stdout } = await refused(() => report(path, { toJsaps: true }));
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain(`${numbers.length} of ${numbers.length} rows rejected`);
    expect(stdout).toContain('will be rejected');
    expect(stdout).not.toContain('JG103759A');
    for (const line of stdout.split('\n').filter(Boolean))
      expect(
        messageProblems(
          line,
          { problem: '' },
          parsed.rows.map((r) => r.record),
        ),
        line,
      ).toEqual([]);
    const started: string[] = [];
    await startReport({
      client: fakeClient(started),
      taskQueue: 'hwc-test',
      trust: testIdentity.trust,
      rows: parsed.rows,
    });
    expect(started).toEqual([]);
  });

  const files = filesWithExpectations<Expectation>('report-files');
  it.each(files.map((f) => [`report-files/${f.file}`, f] as const))('%s', async (_n, f) => {
    const before = await reportsStored();
    const { error, stdout } = await refused(() => report(f.path, { toJsaps: true }));
    expect(error.exitCode).toBe(2);
    expect(stdout).toBe('');
    expectClean(error.message, f.expect);
    expect(await reportsStored()).toBe(before);
  });

  it('--office that is not an office mnemonic', async () => {
    const { error } = await refused(() =>
      report(corpusPath('report-rows.csv'), { office: 'LEEDS; DROP TABLE', toJsaps: true }),
    );
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('--office');
  });
});

// ---------------------------------------------------------------------------------------------

interface HistoryExpectation extends Expectation {
  via: 'load' | 'audit';
}

describe('corrupt history files: `hwc audit <file>` exits 2 naming what is wrong', () => {
  const files = filesWithExpectations<HistoryExpectation>('histories');
  /** The base64 payloads of a history file (encoded claimant data): none may be echoed either. */
  const payloads = (path: string): string[] => {
    const text: string = readFileSync(path, 'utf8');
    return [...text.matchAll(/"data":"([A-Za-z0-9+/=]{16,})"/g)].map((m) => m[1]);
  };

  it.each(files.map((f) => [`${f.file} (${f.expect.via})`, f] as const))('%s', async (_n, f) => {
    const { error } = await refused(() => (f.expect.via === 'load' ? loadHistoryFile(f.path) : audit(f.path)));
    expect(error.exitCode).toBe(2);
    expectClean(error.message, { ...f.expect, personal: [...(f.expect.personal ?? []), ...payloads(f.path)] });
  });
});

// ---------------------------------------------------------------------------------------------

describe('through bin/hwc.js: one line on stderr, exit 2, nothing on stdout', () => {
  const cases: { args: string[]; problem: string; personal: string[] }[] = [
    {
      args: ['simulate', corpusPath('scenarios/not-json-csv.json')],
      problem: '/not valid JSON/',
      personal: ['Janet Okon', '1971-03-14', '07700900461'],
    },
    {
      args: ['simulate', corpusPath('scenarios/event-follow-up-in-the-past.json')],
      problem: 'followUp: must be after',
      personal: ['1971-03-14', '07700900461'],
    },
    {
      args: ['report', corpusPath('report-files/headerless.csv')],
      problem: '/unknown column/',
      personal: ['1971-03-14'],
    },
    {
      args: ['audit', corpusPath('histories/payload-decoded-in-place.json')],
      problem: 'expected base64 string',
      personal: ['1980-04-02', '07700900123'],
    },
    {
      args: ['event', 'JG103759A', 'ATTENDED', '--as', 'WC-01:work_coach'],
      problem: 'National Insurance',
      personal: ['JG103759A'],
    },
  ];
  it.each(cases.map((c) => [c.args.map((a) => a.replace(corpusPath(), '')).join(' '), c] as const))(
    'hwc %s',
    (_n, c) => {
      const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin/hwc.js'), ...c.args], {
        cwd: PROJECT_ROOT,
        env: { ...process.env },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(r.status, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^hwc: [^\n]+\n$/);
      expectClean(r.stderr, c);
    },
  );
});

// ---------------------------------------------------------------------------------------------
// Issue 11 §6: the rest of the bad input. Each is refused with exit 2 naming the field, and nothing is
// started or stored.

describe('reports too big to take: refused whole before anything starts', () => {
  const header = 'claimantRef,office,dateOfBirth,claimStartDate,claimStatus,inPayment,weeklyRate';
  const rowsStored = async () => {
    const s = await StubStore.open(process.env.HWC_DB!, { keys: null });
    try {
      return (await s.reports()).length;
    } finally {
      await s.close();
    }
  };

  it.each(['csv', 'json'] as const)('a 300,000-row %s report', async (kind) => {
    const n = 300_000;
    const path = join(dir, `huge.${kind}`);
    if (kind === 'csv') {
      const lines = [header];
      for (let i = 0; i < n; i++) lines.push(`C-${i},LEEDS,1980-04-02,2026-01-05,built,true,91.15`);
      writeFileSync(path, lines.join('\n'));
    } else {
      // Small rows, so that the file is within the size cap and the row count is what refuses it.
      const row = (i: number) =>
        `{"claimantRef":"C-${i}","office":"LEEDS","dateOfBirth":"1980-04-02","claim":{"startDate":"2026-01-05","status":"built","inPayment":true,"weeklyRate":91.15}}`;
      writeFileSync(path, `[${Array.from({ length: n }, (_, i) => row(i)).join(',')}]`);
    }
    const before = await rowsStored();

    // TEMPORAL_ADDRESS is a dead port: reaching it would be exit 1, so exit 2 means it was never tried.
    const { error, stdout } = await refused(() => report(path, {}));
    const jsaps = await refused(() => report(path, { toJsaps: true }));

    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/the report has (more than 50000|300000) rows; at most 50000 rows .* are accepted/);
    expect(error.message).toContain('Nothing was started');
    expect(stdout).toBe('');
    expect(jsaps.error.exitCode).toBe(2);
    expect(await rowsStored()).toBe(before);
  });

  it('a file over 64 MiB is refused by its size, without being read', async () => {
    const path = join(dir, 'sparse.csv');
    writeFileSync(path, '');
    truncateSync(path, 65 * 1024 * 1024); // a sparse file: nothing to read, only a size

    const { error } = await refused(() => report(path, {}));

    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/the report is 65 MiB; at most 64 MiB/);
  });

  it('startReport refuses more rows than the limit and an office that is not a mnemonic, starting nothing', async () => {
    const started: unknown[] = [];
    const client = { workflow: { start: async (...a: unknown[]) => started.push(a) } } as never;
    const rows = Array.from({ length: 50_001 }, (_, i) => ({ row: i + 1, record: baseClaimant() }));

    await expect(startReport({ client, taskQueue: 'q', trust: testIdentity.trust, rows })).rejects.toThrow(
      /at most 50000 are accepted/,
    );
    await expect(
      startReport({ client, taskQueue: 'q', trust: testIdentity.trust, office: 'leeds', rows: rows.slice(0, 1) }),
    ).rejects.toThrow(/office: must be an office mnemonic/);
    expect(started).toEqual([]);
  });
});

describe('a claimant record is stored only once its journey has started', () => {
  it('a start the server never receives stores nothing', async () => {
    // A real client whose server is not there: the start fails, and JSAPS must not hold the record.
    const connection = Connection.lazy({ address: '127.0.0.1:1', connectTimeout: '1s' });
    const client = new Client({ connection });
    const stored: string[] = [];

    await expect(
      startReport({
        client,
        taskQueue: 'q',
        trust: testIdentity.trust,
        rows: [{ row: 1, record: baseClaimant() }],
        putClaimant: (ref) => void stored.push(ref),
      }),
    ).rejects.toThrow();
    await connection.close().catch(() => undefined);

    expect(stored).toEqual([]);
  });

  it('the record is put after the start, for a rerun only when it changed, naming the changed fields', async () => {
    const calls: string[] = [];
    const held = new Map<string, unknown>();
    let exists = false;
    const client = {
      workflow: {
        start: async (_wf: unknown, o: { workflowId: string }) => {
          calls.push(`start ${o.workflowId}`);
          if (exists) throw new WorkflowExecutionAlreadyStartedError('exists', o.workflowId, 'hwcJourney');
        },
      },
    } as never;
    const io = {
      client,
      taskQueue: 'q',
      trust: testIdentity.trust,
      putClaimant: (ref: string, r: unknown) => void (calls.push(`put ${ref}`), held.set(ref, r)),
      getClaimant: (ref: string) => held.get(ref) ?? null,
    };
    const record = baseClaimant() as {
      claimantRef: string;
      claim: Record<string, unknown>;
      lms: Record<string, unknown>;
    };

    const first = await startReport({ ...io, rows: [{ row: 1, record }] });
    exists = true;
    const same = await startReport({ ...io, rows: [{ row: 1, record }] });
    const changed = await startReport({
      ...io,
      rows: [
        {
          row: 1,
          record: {
            ...record,
            claim: { ...record.claim, inPayment: false },
            lms: { ...record.lms, mobile: '07700900999' },
          },
        },
      ],
    });

    expect(calls).toEqual(['start hwc-C-7301', 'put C-7301', 'start hwc-C-7301', 'start hwc-C-7301', 'put C-7301']);
    expect(first.started).toEqual(['C-7301']);
    expect(same.changed).toEqual([]);
    expect(changed.alreadyRunning).toEqual(['C-7301']);
    expect(changed.changed).toEqual([{ claimantRef: 'C-7301', fields: ['claim.inPayment', 'lms.mobile'] }]);
    expect(JSON.stringify(changed.changed)).not.toContain('07700900999');
  });
});

describe('office mnemonics and staff ids: one pattern everywhere', () => {
  it.each([
    [
      'hwc report --office',
      () => report(corpusPath('report-rows.csv'), { office: 'leeds', toJsaps: true }),
      '--office',
    ],
    ['hwc cases --office', () => casesCommand({ office: 'Leeds', query: true }), '--office'],
    ['hwc cases --coach', () => casesCommand({ coach: 'Jane Smith', query: true }), '--coach: must be a staff id'],
    ['hwc cases --waiting-on-me', () => casesCommand({ waitingOnMe: 'WC 01', query: true }), '--waiting-on-me'],
  ])('%s', async (_n, run, problem) => {
    const { error, stdout } = await refused(run);
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain(problem);
    expect(stdout).toBe('');
  });

  it('the staff directory refuses an office that is not a mnemonic and a staff id that is a name', () => {
    expect(() =>
      parseStaffDirectory({ version: 1, staff: [{ staffId: 'WC-01', roles: ['work_coach'], office: 'leeds' }] }, 'f'),
    ).toThrow(/staff\[0\]\.office: must be an office mnemonic/);
    expect(() =>
      parseStaffDirectory({ version: 1, staff: [{ staffId: 'Jane Smith', roles: ['work_coach'] }] }, 'f'),
    ).toThrow(/staff\[0\]\.staffId: must be a staff id/);
  });

  it('accepts every staff id the scenarios, the demo and the default scenario identity use', () => {
    const ids = new Set<string>(['scenario', 'WC-01', 'WC-DEMO', 'TL-DEMO', 'SDS-7', 'DM-7', 'TL.leeds', 'wc_17']);
    const scenarios = join(PROJECT_ROOT, 'test/scenarios');
    const files = readdirSync(scenarios, { recursive: true, encoding: 'utf8' }).filter((n) => n.endsWith('.json'));
    expect(files.length).toBeGreaterThan(50);
    for (const f of files)
      for (const m of readFileSync(join(scenarios, f), 'utf8').matchAll(/"(?:staffId|workCoach)":\s*"([^"]*)"/g))
        ids.add(m[1]);
    expect([...ids]).toEqual(expect.arrayContaining(['DM-7', 'TL-3', 'WC-17']));
    for (const id of ids) expect(StaffId.safeParse(id).success, id).toBe(true);
    for (const bad of ['Jane Smith', ' WC-01', '-x', 'WC/01', 'a'.repeat(41), '', 'WC\u202e10'])
      expect(StaffId.safeParse(bad).success, bad).toBe(false);
    for (const ok of ['LEEDS', 'MAN01', 'A', 'X'.repeat(12)])
      expect(OfficeMnemonic.safeParse(ok).success, ok).toBe(true);
    for (const bad of ['leeds', 'Leeds', 'LEEDS ', 'MAN-01', 'X'.repeat(13), ''])
      expect(OfficeMnemonic.safeParse(bad).success, bad).toBe(false);
  });
});

describe('control characters never reach the terminal', () => {
  const nasty = `C-1\u001b[2J\u001b]0;title\u0007\r\u202e\u2066x\u0085`;

  it('terminalSafe escapes every control and bidi character, keeping the text readable', () => {
    expect(terminalSafe(nasty)).toBe('C-1\\u001b[2J\\u001b]0;title\\u0007\\u000d\\u202e\\u2066x\\u0085');
    expect(terminalSafe('Line one\nline two\tend')).toBe('Line one\\u000aline two\\u0009end');
    expect(terminalSafeLines('one\ntwo\u001b')).toBe('one\ntwo\\u001b');
    expect(terminalSafe('Ünïcödé text, £91.15 — fine')).toBe('Ünïcödé text, £91.15 — fine');
  });

  it('tables, timelines and JSON output of values from the server are escaped', () => {
    const printed = [
      table(['A', 'B'], [[nasty, 'ok']]),
      prettyTrace({
        claimantRef: nasty,
        office: 'LEEDS',
        workCoach: nasty,
        claimStartDate: '2026-01-05',
        deferrals: [],
        contacts: [],
        status: 'running',
        stage: nasty,
        outcome: null,
        reason: null,
        dmDecision: null,
        easementUsed: false,
        appointments: [{ kind: 'HWC', at: '2026-02-02T10:00:00.000Z', workCoach: nasty, status: 'booked' }],
        letters: [],
        notifications: [],
        markers: [],
        doubts: [],
        referredToDmAt: null,
        escalations: [{ reason: nasty, at: '2026-02-03T17:00:00.000Z' }],
        transitions: [{ at: '2026-02-01T10:00:00.000Z', event: 'START', from: 'new', to: nasty, by: nasty }],
        endedAt: null,
      }),
      jsonText({ note: nasty }),
    ];
    for (const out of printed) expect(unsafeCharIn(out.replace(/[\n]/g, ''))).toBeNull();
    expect(JSON.parse(jsonText({ note: nasty })).note).toBe(nasty); // the data itself is unchanged
  });

  it('an error from elsewhere is printed as its reason: no stack, no source path, no escapes', () => {
    const e = new Error('BOOKING_CALL rejected: slot: must be after\u001b[2J');
    e.message +=
      '\n    at check (/srv/hwc/workflows/journey.ts:81:13)\n    at Object.validator (file:///srv/hwc/x.js:1:2)';
    const reason = reasonOnly(`${e.message} (at /srv/hwc/machines/step.ts:120:7)`);

    expect(reason).toBe('BOOKING_CALL rejected: slot: must be after\\u001b[2J');
    expect(reasonOnly('validator failed at /home/u/sdk/lib/worker.js:44:9 while handling')).toBe(
      'validator failed at while handling',
    );
    expect(reasonOnly('report.csv: unknown column "x"')).toBe('report.csv: unknown column "x"');
  });
});
