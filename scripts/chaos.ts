// `npm run chaos`: a caseload on the dev server (SQLite file) while things break — the worker is killed
// with SIGKILL three times, the dev server is restarted once, the LMS stub refuses work for a while —
// then every journey is checked against the stub databases. One final line; exit 0 only if all hold.
//
// Outcome mix from the EHD evaluation (seeds/004): 87% attended, 8% unable to attend (good cause,
// rebooked), 5% failed to attend (no good cause, easement, rebooked). Appointments are booked a minute
// or two ahead so the whole caseload completes in real time.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { StubStore } from '../activities/store';
import { sendEvent, startJourney } from '../client/journeys';
import { ephemeralIssuer } from '../identity/ephemeral';
import { ensureDevIdentityKeys } from '../identity/keys';
import { traceViolations } from '../simulator/trace-checks';
import { AesGcmCodec, createKeyFile } from '../worker/codec';
import { resolveTemporalCli } from '../worker/binaries';
import { PROJECT_ROOT } from '../worker/config';
import { decisionsQuery, journeyQuery, viewQuery, workflowIdFor } from '../workflows/messages';
import { HWC_SEARCH_ATTRIBUTES } from '../workflows/search-attributes';

const N = Number(process.argv.find((a) => a.startsWith('--journeys='))?.split('=')[1] ?? 500);
const PORT = 7433;
const TASK_QUEUE = 'hwc-chaos'; // with this run's pid: a stray worker of an earlier run never polls it
const LIMIT_MS = 20 * 60_000;
const log = (s: string) => process.stderr.write(`chaos ${new Date().toISOString().slice(11, 19)} ${s}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const dir = mkdtempSync(join(tmpdir(), 'hwc-chaos-'));
const keyFile = join(dir, 'codec-keys.json');
const keys = createKeyFile(keyFile);
const identityKeyFile = ensureDevIdentityKeys(join(dir, 'identity-keys.json')).path;
const codec = new AesGcmCodec(keys);
const db = join(dir, 'stubs.sqlite');
const store = await StubStore.open(db, { keys });
const coach = { staffId: 'WC-CHAOS', role: 'work_coach' } as const;

// ---- processes -------------------------------------------------------------------------------
const cli = resolveTemporalCli();
if (!cli.path) {
  process.stderr.write('chaos: no Temporal CLI found: run `bash scripts/setup.sh` first\n');
  process.exit(1);
}
let server: ChildProcess | null = null;
function startServer() {
  const sa = HWC_SEARCH_ATTRIBUTES.flatMap((k) => [
    '--search-attribute',
    `${k.name}=${k.type === 'DATETIME' ? 'Datetime' : k.type === 'BOOL' ? 'Bool' : 'Keyword'}`,
  ]);
  server = spawn(
    cli.path!,
    [
      'server',
      'start-dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(PORT),
      '--headless',
      '--db-filename',
      join(dir, 'temporal.sqlite'),
      '--log-level',
      'error',
      ...sa,
    ],
    { stdio: 'ignore' },
  );
}
async function stopServer() {
  const s = server;
  if (!s) return;
  s.kill('SIGTERM');
  await new Promise((r) => s.once('exit', r));
  server = null;
}
let worker: ChildProcess | null = null;
let workerStarts = 0;
function startWorker() {
  workerStarts++;
  worker = spawn(process.execPath, [join(PROJECT_ROOT, 'bin/hwc.js'), 'worker'], {
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: `127.0.0.1:${PORT}`,
      HWC_TASK_QUEUE: `${TASK_QUEUE}-${process.pid}`,
      HWC_DB: db,
      HWC_CODEC_KEY_FILE: keyFile,
      // Workers refuse to start without the deployment's identity keys (the journeys they start trust them).
      HWC_IDENTITY_KEY_FILE: identityKeyFile,
      HWC_LOG_LEVEL: 'warn',
      HWC_STUB_LATENCY_MS: '20',
    },
    stdio: 'ignore',
  });
  // A worker that loses its server exits; bring it back as an operator's supervisor would.
  const me = worker;
  me.once('exit', (_code, signal) => {
    if (signal !== 'SIGKILL' && signal !== 'SIGTERM' && !finished)
      setTimeout(() => worker === me && startWorker(), 1000);
  });
}
async function killWorker() {
  const w = worker;
  if (!w) return;
  w.kill('SIGKILL');
  await new Promise((r) => w.once('exit', r));
}

async function connect(): Promise<Client> {
  for (;;) {
    try {
      const connection = await Connection.connect({ address: `127.0.0.1:${PORT}`, connectTimeout: '2s' });
      return new Client({ connection, dataConverter: { payloadCodecs: [codec] } });
    } catch {
      await sleep(500);
    }
  }
}

// ---- the caseload ---------------------------------------------------------------------------
type Kind = 'attended' | 'unable' | 'failed';
interface Case {
  ref: string;
  kind: Kind;
  done: boolean;
}
const soon = (s: number) => new Date(Date.now() + s * 1000).toISOString();
const completed = () => ({
  type: 'CONVERSATION_COMPLETED',
  myValues: 'completed',
  actions: [{ what: 'Job club', where: 'Library', when: 'Mondays' }],
});

/**
 * What a work coach records next, decided from where the journey is (not from a script position, which a
 * slow round or a lost answer would put out of step): book a slot a little ahead, confirm the pre-call,
 * record attendance by the case's kind (its first appointment is missed by the 13% who do not attend),
 * the FTA call (good cause, or no good cause but prepared to rebook: the easement), and complete.
 */
function nextEvent(
  kind: Kind,
  stage: string,
  failures: number,
  i: number,
): { type: string; [k: string]: unknown } | null {
  const slot = () => soon(30 + (i % 30));
  switch (stage) {
    case 'awaitingBookingCall':
      return { type: 'BOOKING_CALL', contacted: true, slot: slot() };
    case 'awaitingPreCallResult':
      return { type: 'PRE_CALL', result: 'confirmed' };
    case 'awaitingAttendance':
      return kind !== 'attended' && failures === 0 ? { type: 'FAILED_TO_ATTEND' } : { type: 'ATTENDED' };
    case 'inConversation':
      return completed();
    case 'awaitingFtaCall':
      return kind === 'unable'
        ? { type: 'FTA_CALL', contacted: true, goodCause: true, slot: slot() }
        : { type: 'FTA_CALL', contacted: true, goodCause: false, willRebook: true, slot: slot() };
    default:
      return null;
  }
}
const kindOf = (i: number): Kind => (i % 100 < 87 ? 'attended' : i % 100 < 95 ? 'unable' : 'failed');

function record(ref: string) {
  return {
    claimantRef: ref,
    office: 'LEEDS',
    dateOfBirth: '1979-03-14',
    claim: {
      startDate: new Date(Date.now() - 14 * 86_400_000).toISOString().slice(0, 10),
      status: 'built',
      inPayment: true,
      weeklyRate: 91.15,
    },
    lms: { potentiallyViolent: false, staffProtectionList: false, reasonableAdjustments: [], mobile: '07700900000' },
  };
}

let finished = false;
const t0 = Date.now();
// Interrupted (Ctrl-C, kill): take the server and the worker down too, or a stray worker with this run's
// keys would keep polling the next run's server.
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.once(sig, () => {
    finished = true;
    worker?.kill('SIGKILL');
    server?.kill('SIGKILL');
    process.exit(130);
  });

/** Every event is signed and verified, as in production, with a key only this run holds. */
const identity = ephemeralIssuer();
const sign = (wf: string, e: Record<string, unknown> & { type: string }) => identity.sign(wf, e);

async function main() {
  startServer();
  let client = await connect();
  startWorker();
  log(`server on 127.0.0.1:${PORT}, data in ${dir}; starting ${N} journeys`);
  const cases: Case[] = [];
  for (let i = 0; i < N; i++) {
    const ref = `CH-${String(i).padStart(4, '0')}`;
    await retry(() =>
      startJourney({
        client,
        taskQueue: `${TASK_QUEUE}-${process.pid}`,
        office: 'LEEDS',
        record: record(ref),
        putClaimant: (r, rec) => store.putClaimant(r, rec),
        trust: identity.trust,
      }),
    );
    cases.push({ ref, kind: kindOf(i), done: false });
  }
  log(`${N} journeys started in ${Math.round((Date.now() - t0) / 1000)} s`);

  // The faults, on a timeline relative to now.
  const base = Date.now();
  const faults: [number, string, () => Promise<void>][] = [
    [
      10_000,
      'SIGKILL worker (1/3)',
      async () => {
        await killWorker();
        await sleep(1500);
        startWorker();
      },
    ],
    [30_000, 'LMS stub refuses work for 25 s', async () => store.setFault('lms', new Date(Date.now() + 25_000))],
    [
      50_000,
      'SIGKILL worker (2/3)',
      async () => {
        await killWorker();
        await sleep(1500);
        startWorker();
      },
    ],
    [
      75_000,
      'restart the dev server',
      async () => {
        await stopServer();
        await sleep(1000);
        startServer();
        client = await connect();
      },
    ],
    [
      110_000,
      'SIGKILL worker (3/3)',
      async () => {
        await killWorker();
        await sleep(1500);
        startWorker();
      },
    ],
  ];
  const chaos = (async () => {
    for (const [at, what, act] of faults) {
      await sleep(Math.max(0, base + at - Date.now()));
      log(what);
      await act();
    }
  })();

  // People at work: each case gets its next scripted event as soon as its journey accepts it.
  while (cases.some((c) => !c.done)) {
    if (Date.now() - t0 > LIMIT_MS) break;
    let progressed = 0;
    let errors = 0;
    let lastError = '';
    const visit = async (c: Case) => {
      try {
        const handle = client.workflow.getHandle(workflowIdFor(c.ref));
        const view = await handle.query(viewQuery);
        if (view.ended) {
          c.done = true;
          return;
        }
        if (view.pendingEffects > 0) return;
        const trace = await handle.query(journeyQuery);
        const failures = trace.appointments.filter((a) => a.kind === 'HWC' && a.status === 'fta').length;
        const next = nextEvent(c.kind, view.stage, failures, Number(c.ref.slice(3)));
        if (next && view.accepted.includes(next.type as never)) {
          await sendEvent(client, c.ref, { ...next, by: coach }, sign);
          progressed++;
        }
      } catch (e) {
        // Server restarting or worker gone: the next round tries again. Say what went wrong, once a round.
        errors++;
        lastError = (e as Error).message.split('\n')[0].slice(0, 160);
      }
    };
    // A dozen people at work at once.
    const open = cases.filter((x) => !x.done);
    for (let i = 0; i < open.length; i += 12) await Promise.all(open.slice(i, i + 12).map(visit));
    const left = cases.filter((c) => !c.done).length;
    log(
      `${N - left}/${N} journeys ended, ${progressed} events sent this round${errors ? `, ${errors} errors (last: ${lastError})` : ''}`,
    );
    if (!progressed) await sleep(3000);
  }
  await chaos;
  finished = true;
  return { cases, client };
}

async function retry<T>(fn: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await fn();
    } catch (e) {
      if (i > 30) throw e;
      await sleep(1000);
    }
  }
}

async function verify(cases: Case[], client: Client) {
  let completedCount = 0;
  let lost = 0;
  let duplicateLetters = 0;
  let duplicateBookings = 0;
  let invariantViolations = 0;
  for (const c of cases) {
    const wid = workflowIdFor(c.ref);
    try {
      const handle = client.workflow.getHandle(wid);
      const trace = await handle.query(journeyQuery);
      const decisions = await handle.query(decisionsQuery);
      if (trace.outcome === 'HWC_COMPLETED') completedCount++;
      else lost++;
      const rows = await store.outbox({ workflowId: wid });
      const letters = rows.filter((r) => r.kind === 'comms.letter').map((r) => String(r.details.letter));
      const expected = trace.letters.map((l) => l.type);
      if (letters.length > expected.length || letters.join() !== expected.join())
        duplicateLetters += Math.max(1, letters.length - expected.length);
      const booked = await store.diary({ workflowId: wid });
      if (booked.length !== trace.appointments.length)
        duplicateBookings += Math.abs(booked.length - trace.appointments.length);
      const problems = traceViolations(
        trace,
        decisions.rules.map((r) => r.rule),
      );
      if (problems.length) {
        invariantViolations += problems.length;
        log(`${c.ref}: ${problems.join('; ')}`);
      }
    } catch (e) {
      lost++;
      log(`${c.ref}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  return { completed: completedCount, lost, duplicateLetters, duplicateBookings, invariantViolations };
}

let exitCode = 1;
try {
  const { cases, client } = await main();
  const r = await verify(cases, client);
  log(`worker started ${workerStarts} times; ${Math.round((Date.now() - t0) / 1000)} s in all`);
  process.stdout.write(
    `journeys=${N} completed=${r.completed} lost=${r.lost} duplicateLetters=${r.duplicateLetters} duplicateBookings=${r.duplicateBookings} invariantViolations=${r.invariantViolations}\n`,
  );
  exitCode =
    r.lost === 0 && r.completed === N && !r.duplicateLetters && !r.duplicateBookings && !r.invariantViolations ? 0 : 1;
} catch (e) {
  process.stderr.write(`chaos: ${(e as Error).message}\n`);
} finally {
  finished = true;
  (worker as ChildProcess | null)?.kill('SIGTERM');
  await stopServer();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(exitCode);
