// Management information reconciles with the journeys: a real `hwc dev` (server, worker, encrypted
// payloads), a seeded caseload driven through many stages (booking, pre-call, attendance, completion, FTA,
// FTP, contact window, easement, deferral, reassignment, exemption, a case moved to another work coach),
// then `hwc mi` (a separate process reading the durable projection) must print exactly the figures computed
// from every journey's own `journey` query, for the whole caseload and for an office, a coach and a day.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { StubStore } from '../../activities/store';
import { sendEvent } from '../../client/journeys';
import { demoCaseload, seedDemo } from '../../cli/demo';
import type { Trace } from '../../domain/schemas';
import { calendarForTraces } from '../../mi/calendar';
import { computeFigures, type FigureOptions } from '../../mi/figures';
import { PROJECT_ROOT, loadConfig } from '../../worker/config';
import { connectClient } from '../../worker/connection';
import { journeyQuery, viewQuery, workflowIdFor, type EventRequest } from '../../workflows/messages';
import { freePortPair } from '../helpers/ports';
import { deploymentIdentity } from '../helpers/identity';
import { codecKeys } from '../../worker/data-converter';

const HWC = join(PROJECT_ROOT, 'bin/hwc.js');
const dir = mkdtempSync(join(tmpdir(), 'hwc-mi-'));
const prefix = `MI${process.pid}`;
let dev: ChildProcess;
let devLog = '';
let env: NodeJS.ProcessEnv;
let client: Client;
let store: StubStore;

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, ms = 90_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

function hwc(...args: string[]) {
  const r = spawnSync(process.execPath, [HWC, ...args], { env, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const coach = { staffId: 'WC-E2E', role: 'work_coach' } as const;
const teamLeader = { staffId: 'TL-E2E', role: 'team_leader' } as const;
const ref = (n: number) => `${prefix}-${String(n).padStart(3, '0')}`;
const send = (n: number, event: { type: string } & Record<string, unknown>) =>
  sendEvent(
    client,
    ref(n),
    { by: coach, ...event } as EventRequest,
    identity().signerFor(String((event.by as { staffId?: string } | undefined)?.staffId ?? coach.staffId)),
  );
const identity = () => deploymentIdentity(dir);

beforeAll(async () => {
  const port = await freePortPair();
  const uiPort = await freePortPair();
  env = {
    ...process.env,
    TEMPORAL_ADDRESS: `127.0.0.1:${port}`,
    HWC_DATA_DIR: dir,
    HWC_DB: join(dir, 'stubs.sqlite'),
    VITEST: '',
  };
  dev = spawn(process.execPath, [HWC, 'dev', '--port', String(port), '--ui-port', String(uiPort)], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  dev.stderr!.on('data', (d) => (devLog += d));
  await until('hwc dev to start', async () => devLog.includes('press Ctrl-C'), 120_000).catch((e) => {
    throw new Error(`${(e as Error).message}\n${devLog}`);
  });
  client = await connectClient(loadConfig(env));
  store = await StubStore.open(join(dir, 'stubs.sqlite'), { keys: codecKeys(loadConfig(env)) });
}, 180_000);

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

/** Every journey's trace once it has settled (no effect pending), and the projection has caught up. */
async function settledTraces(refs: string[]): Promise<Trace[]> {
  const traces: Trace[] = [];
  for (const r of refs) {
    const handle = client.workflow.getHandle(workflowIdFor(r));
    await until(`${r} to settle`, async () => (await handle.query(viewQuery)).pendingEffects === 0);
    traces.push(await handle.query(journeyQuery));
  }
  return traces;
}

describe('hwc mi', () => {
  it('equals the figures computed from every journey’s own trace', async () => {
    const before = hwc('mi');
    expect(before.code, before.stderr).toBe(0);

    // The demo caseload: 21 journeys in the stages of a normal week (some pass their HWC time in ~25 s).
    await seedDemo({
      client,
      taskQueue: 'hwc',
      prefix,
      putClaimant: (r: string, rec: unknown) => store.putClaimant(r, rec),
      trust: identity().trust,
      signerFor: (staffId: string) => identity().signerFor(staffId),
    });
    // Further along: a contact with good cause in the contact window (rebooked), an easement after an FTA
    // without good cause, an exemption learned after the pre-call, a deferral decided, a case reassigned, a
    // case moved to another work coach with its appointments, and one whose claim closed.
    await send(19, { type: 'CLAIMANT_CONTACT', goodCause: true });
    await send(18, { type: 'FTA_CALL', contacted: true, goodCause: false, willRebook: true });
    await send(13, { type: 'EXEMPTION_IDENTIFIED', category: 'IN_HOSPITAL' });
    await send(9, { type: 'PROCEED' });
    await send(12, { type: 'CASE_REASSIGNED' });
    await send(3, { type: 'WORK_COACH_CHANGED', workCoach: 'WC-09', by: teamLeader });
    await send(4, { type: 'CLAIM_CLOSED' });

    const refs = demoCaseload(prefix).map((c) => c.record.claimantRef);
    const traces = await settledTraces(refs);
    const stages = new Set(traces.map((t) => t.stage));
    expect(stages.size).toBeGreaterThanOrEqual(10);

    const figuresOf = (o: Omit<FigureOptions, 'calendar'> = {}) =>
      JSON.parse(JSON.stringify(computeFigures(traces, { ...o, calendar: calendarForTraces(traces) })));
    const printed = async (...args: string[]) => {
      // The projection is written by the journeys' last activity of each step: wait for it, then compare.
      let last = '';
      await until(
        `hwc mi ${args.join(' ')} to match`,
        async () => {
          const r = hwc('mi', '--json', ...args);
          expect(r.code, r.stderr).toBe(0);
          const { source: _source, ...f } = JSON.parse(r.stdout);
          last = JSON.stringify(f);
          return last === JSON.stringify(figuresOf(optionsOf(args))) ? f : false;
        },
        30_000,
      ).catch((e) => {
        throw new Error(
          `${(e as Error).message}\nprinted:  ${last}\nexpected: ${JSON.stringify(figuresOf(optionsOf(args)))}`,
        );
      });
    };
    const optionsOf = (args: string[]) => {
      const o: Record<string, string> = {};
      for (let i = 0; i < args.length; i += 2) o[args[i].slice(2)] = args[i + 1];
      return o;
    };

    const whole = figuresOf();
    expect(whole.journeys).toBe(refs.length);
    expect(whole.hwc.attended).toBeGreaterThan(0);
    expect(whole.hwc.fta).toBeGreaterThan(0);
    expect(whole.easementUsed).toBe(1);
    expect(whole.doubtsRaised).toBeGreaterThan(0);
    await printed();
    await printed('--office', 'LEEDS', '--coach', 'WC-01');
    await printed('--coach', 'WC-09');
    const today = new Date().toISOString().slice(0, 10);
    await printed('--from', today, '--to', today);

    // The plain-text and CSV views carry the same numbers.
    const text = hwc('mi', '--office', 'LEEDS');
    expect(text.stdout).toMatch(new RegExp(`journeys reported\\s+${figuresOf({ office: 'LEEDS' }).journeys}\\n`));
    const csv = hwc('mi', '--csv');
    expect(csv.stdout).toContain(`hwc.attended,HWC appointments,attended,${whole.hwc.attended}\n`);
  });

  it('refuses bad options with exit 2 and one line', () => {
    const r = hwc('mi', '--from', 'yesterday');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('hwc: --from: must be a calendar date YYYY-MM-DD\n');
  });
});
