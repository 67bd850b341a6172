// The MI projection table: a row only moves forward (the higher version wins, whatever order writes
// arrive in, however often they are retried), filters by office, coach and reporting day, and `hwc mi`
// refuses bad options with exit 2.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProjectionStore, type ProjectionRow } from '../../activities/projection';
import { checkMiOptions } from '../../cli/commands/mi';
import { miFigures } from '../../client/mi';
import { CliError } from '../../cli/errors';
import { openDb, type Db } from '../../db';
import type { Scenario, Trace } from '../../domain/schemas';
import { PureEngine } from '../../simulator/pure-engine';
import { runScenario } from '../../simulator/runner';
import { loadScenarioFile, scenarioFiles } from '../helpers/scenarios';

const dir = mkdtempSync(join(tmpdir(), 'hwc-projection-'));
let db: Db;
let store: ProjectionStore;
beforeAll(async () => {
  db = await openDb(join(dir, 'hwc.sqlite'));
  store = new ProjectionStore(db);
});
afterAll(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

const trace = (s: Scenario) => runScenario(s, new PureEngine(s));
const row = (workflowId: string, version: number, t: Trace): ProjectionRow => ({
  workflowId,
  version,
  nextDeadline: null,
  trace: t,
});

describe('ProjectionStore', () => {
  it('keeps the highest version: an older or repeated write changes nothing', async () => {
    const [a, b] = scenarioFiles().slice(0, 2).map(loadScenarioFile);
    const ta = await trace(a);
    const tb = await trace(b);
    expect(await store.write(row('hwc-X', 5, ta))).toBe(true);
    expect(await store.write(row('hwc-X', 5, tb))).toBe(false); // a retry of the same version
    expect(await store.write(row('hwc-X', 3, tb))).toBe(false); // a late write of an older state
    expect((await store.row('hwc-X'))?.trace).toEqual(ta);
    expect(await store.write(row('hwc-X', 9, tb))).toBe(true);
    expect(await store.row('hwc-X')).toMatchObject({ version: 9, trace: tb });
  });

  it('selects by office, coach and the London day a journey was reported', async () => {
    const traces = await Promise.all(scenarioFiles().map((f) => trace(loadScenarioFile(f))));
    for (const [i, t] of traces.entries()) await store.write(row(`hwc-S${i}`, 1, t));
    const all = await store.traces();
    expect(all.length).toBe(traces.length + 1);
    const leeds = await store.traces({ office: 'LEEDS' });
    expect(leeds.every((t) => t.office === 'LEEDS')).toBe(true);
    const wc2 = await store.traces({ coach: 'WC-02' });
    expect(wc2.length).toBeGreaterThan(0);
    expect(wc2.every((t) => t.workCoach === 'WC-02')).toBe(true);
    // The SQL pre-filter is wide by a day; the figures narrow it to the London day exactly.
    const { figures } = await miFigures(store, { from: '2026-01-20', to: '2026-01-20' });
    const started = [...traces, (await store.row('hwc-X'))!.trace].filter(
      (t) => t.transitions[0].at.slice(0, 10) === '2026-01-20',
    ).length;
    expect(figures.journeys).toBe(started);
    expect(await store.freshness()).toMatchObject({ journeys: traces.length + 1 });
  });
});

describe('hwc mi options', () => {
  it.each([
    [{ office: 'leeds' }, /^--office: not an office mnemonic/],
    [{ coach: 'WC 01' }, /^--coach: not a work coach id/],
    [{ from: '2026-02-30' }, /^--from: must be a calendar date YYYY-MM-DD$/],
    [{ from: '2026-03-01', to: '2026-02-01' }, /^--from 2026-03-01 is after --to 2026-02-01$/],
    [{ json: true, csv: true }, /^--json and --csv: choose one$/],
  ])('%j is refused with exit 2', (o, message) => {
    let error: unknown;
    try {
      checkMiOptions(o);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(2);
    expect((error as CliError).message).toMatch(message);
  });
});
