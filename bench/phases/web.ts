// Phase: the staff front door under a caseload. N hwc journeys run (started as `hwc report` starts them, each
// sent its BOOKING_CALL, all waiting for their pre-call), most of them assigned to other work coaches and 50
// to the bench coach; the web front door (web/server.ts) runs in this process against the same client, the
// bench coach signs in over HTTP like a browser, and then: response times of "My work today" (a visibility
// list of the coach's cases) and of case pages (describe + two queries to the journey), one request at a
// time and a few at once. Every response must be 200 with the page's expected content, or the phase has no
// data: a fast error page is not a measurement.
import { readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { startReport } from '../../client/report';
import { parseStaffDirectory } from '../../domain/staff';
import { hashPassword } from '../../identity/password';
import { loadConfig } from '../../worker/config';
import { startWebServer, type WebServer } from '../../web/server';
import { SESSION_COOKIE } from '../../web/app';
import { STAGE_WORDS } from '../../web/words';
import {
  COACH,
  CONCURRENCY,
  EFFECTS_TO_PRE_CALL,
  OFFICE,
  VARIANTS,
  benchIdentity,
  futureSlot,
  recordFor,
  refsFor,
} from '../harness';
import { distribution, markdownTable, round, sleep, type Distribution } from '../lib';
import { NoData, type Phase } from './types';

export const WEB_JOURNEYS = { full: 5000, quick: 500 };
/** Cases of the signed-in coach: a heavy day's list ("My work today" shows all that wait on them). */
const MINE = 50;
/** The other coaches of the office share the rest. */
const OTHER_COACHES = 40;
const WARMUP = 10;
const REQUESTS = 200;
const CONCURRENT = 4;
/** Case pages measured in rotation (half the coach's, half others'), and cases viewed once each (cold). */
const CASE_PAGES = 10;
const FIRST_VIEWS = 20;

export interface WebSeries {
  requests: number;
  concurrency: number;
  latencyMs: Distribution;
  requestsPerSecond: number;
  /** CPU per request: this process (web app, its Temporal client and the HTTP client), worker, server. */
  cpuMsPerRequest: { driver: number; worker: number; server: number };
  bytesPerResponse: number;
}

export interface WebPhase {
  journeys: number;
  quick: boolean;
  mine: number;
  otherCoaches: number;
  setupSeconds: number;
  runningOnServer: number;
  signInMs: number;
  workToday: { sequential: WebSeries; concurrent: WebSeries };
  casePage: { sequential: WebSeries; concurrent: WebSeries; firstView: WebSeries };
}

/** A signed-in browser, reduced to what the front door needs: its session cookie. */
class Browser {
  private cookie = '';
  constructor(readonly base: string) {}

  private take(res: Response) {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      if (pair.startsWith(`${SESSION_COOKIE}=`)) this.cookie = pair;
    }
  }

  async get(path: string): Promise<{ status: number; body: string; location: string | null }> {
    const res = await fetch(this.base + path, { headers: { cookie: this.cookie }, redirect: 'manual' });
    this.take(res);
    return { status: res.status, body: await res.text(), location: res.headers.get('location') };
  }

  /** GET the sign-in page (session cookie and CSRF token), POST the credentials, expect the redirect. */
  async signIn(staffId: string, password: string) {
    const page = await this.get('/sign-in');
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)?.[1];
    if (page.status !== 200 || !csrf || !this.cookie)
      throw new NoData(`the sign-in page answered ${page.status} without a session cookie and CSRF token`);
    const res = await fetch(this.base + '/sign-in', {
      method: 'POST',
      headers: { cookie: this.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf, staffId, password, next: '/work' }).toString(),
      redirect: 'manual',
    });
    const before = this.cookie;
    this.take(res);
    await res.text();
    if (res.status !== 303 || res.headers.get('location') !== '/work' || this.cookie === before)
      throw new NoData(
        `signing in as ${staffId} answered ${res.status} (location ${res.headers.get('location')}), not a new session and a redirect to /work`,
      );
  }
}

export const web: Phase<WebPhase> = {
  id: 'web',
  title: 'Web front door',
  server: true,
  freshWorker: true,
  async run({ h, quick, log }) {
    const n = quick ? WEB_JOURNEYS.quick : WEB_JOURNEYS.full;
    const v = VARIANTS.hwc;
    // The coach's own cases wait for their booking call (a new report's journeys, on the coach's list); the
    // others were booked (BOOKING_CALL) and wait for their pre-call time five weeks ahead, like the rest of
    // the bench's journeys. The case pages read both kinds.
    const mine = refsFor('W2', MINE);
    const others = refsFor('W1', n - MINE);
    const coachByRef = new Map<string, string>([
      ...mine.map((r) => [r, COACH.staffId] as const),
      ...others.map((r, i) => [r, `WC-${String((i % OTHER_COACHES) + 1).padStart(2, '0')}`] as const),
    ]);
    const stageByRef = new Map<string, string>([
      ...mine.map((r) => [r, 'awaitingBookingCall'] as const),
      ...others.map((r) => [r, 'awaitingPreCallTime'] as const),
    ]);
    const record = (ref: string) => recordFor(ref, coachByRef.get(ref));

    log(`web: starting ${n} hwc journeys (${MINE} for ${COACH.staffId}, the rest for ${OTHER_COACHES} others)`);
    const t0 = performance.now();
    const res = await h.runReport(v, others, futureSlot(), [], record);
    if (res.started < others.length || res.errors.length)
      throw new NoData(`${res.started}/${others.length} journeys started: ${res.errors[0] ?? 'some did not start'}`);
    const own = await startReport({
      client: h.client,
      taskQueue: v.taskQueue,
      office: OFFICE,
      rows: mine.map((ref, i) => ({ row: i + 1, record: record(ref) })),
      putClaimant: (ref, r) => h.store.putClaimant(ref, r),
      trust: benchIdentity.trust,
      concurrency: CONCURRENCY,
    });
    if (own.started.length < MINE)
      throw new NoData(
        `${own.started.length}/${MINE} of the coach's journeys started (${own.rejected.length} rows rejected)`,
      );
    const reached = await h.waitReached(v, 'W1', others.length, EFFECTS_TO_PRE_CALL, Math.max(120_000, n * 500));
    if (reached === null) throw new NoData(`not all ${others.length} booked journeys reached their pre-call wait`);
    // "My work today" reads visibility: wait until it lists every one of the coach's cases.
    const waitingQuery = `WorkflowType = '${v.workflowType}' AND HwcWorkCoach = '${COACH.staffId}' AND HwcStage = 'awaitingBookingCall' AND ExecutionStatus = 'Running'`;
    for (const until = Date.now() + 120_000; ; await sleep(200)) {
      if ((await h.client.workflow.count(waitingQuery)).count >= MINE) break;
      if (Date.now() > until)
        throw new NoData(`visibility did not list the coach's ${MINE} cases as awaiting their booking call in 120 s`);
    }
    const setupSeconds = round((performance.now() - t0) / 1000, 1);
    const runningOnServer = (
      await h.client.workflow.count(`WorkflowType = '${v.workflowType}' AND ExecutionStatus = 'Running'`)
    ).count;
    log(`web: ${n} journeys waiting after ${setupSeconds} s (${runningOnServer} hwc journeys running on the server)`);

    const dir = h.subdir('web');
    const password = `bench-${Math.random().toString(36).slice(2)}-password`;
    const staffFile = join(dir, 'staff.json');
    writeFileSync(
      staffFile,
      JSON.stringify({
        version: 2,
        staff: [
          {
            staffId: COACH.staffId,
            roles: [COACH.role],
            offices: [OFFICE],
            displayName: 'Bench coach',
            password: await hashPassword(password),
          },
        ],
      }),
    );
    const cfg = loadConfig({ HWC_DATA_DIR: dir, HWC_DB: join(dir, 'web.sqlite'), HWC_STAFF_FILE: staffFile });
    let server: WebServer | null = null;
    try {
      server = await startWebServer({
        cfg,
        client: h.client,
        // Read again at each sign-in, as `hwc web` does.
        staff: () => parseStaffDirectory(JSON.parse(readFileSync(staffFile, 'utf8')), staffFile),
        issuer: benchIdentity.issuer,
        port: 0,
        log: (line) => log(`web server: ${line}`),
      });
      const base = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
      const browser = new Browser(base);
      const ts = performance.now();
      await browser.signIn(COACH.staffId, password);
      const signInMs = round(performance.now() - ts, 1);

      const workOk = (body: string) =>
        body.includes('<h1 class="govuk-heading-l">My work today</h1>') &&
        body.includes(`${MINE} cases waiting on you`) &&
        mine.every((r) => body.includes(`href="/cases/${r}"`));
      const caseOk = (ref: string) => (body: string) =>
        body.includes(`<h1 class="govuk-heading-l">${ref}</h1>`) &&
        body.includes(STAGE_WORDS[stageByRef.get(ref)!]) &&
        body.includes(coachByRef.get(ref)!);
      // Case pages in rotation: half the coach's own, half other coaches' (same office, so visible).
      const spreadOf = (list: string[], k: number) =>
        Array.from({ length: k }, (_, i) => list[Math.floor((i * list.length) / k)]);
      const rotation = [...spreadOf(mine, CASE_PAGES / 2), ...spreadOf(others, CASE_PAGES / 2)];
      // Viewed once each, none of them in the rotation: the first view of a case (the journey may have to be
      // loaded into the worker's cache for its queries).
      const firstViews = spreadOf(
        others.filter((r) => !rotation.includes(r)),
        FIRST_VIEWS,
      );

      const series = async (
        what: string,
        requests: { path: string; ok: (body: string) => boolean }[],
        concurrency: number,
      ): Promise<WebSeries> => {
        const latencies: number[] = [];
        let bytes = 0;
        let next = 0;
        const before = h.snap();
        await Promise.all(
          Array.from({ length: concurrency }, async () => {
            while (next < requests.length) {
              const r = requests[next++];
              const t = performance.now();
              const got = await browser.get(r.path);
              latencies.push(performance.now() - t);
              bytes += got.body.length;
              if (got.status !== 200)
                throw new NoData(
                  `${what}: GET ${r.path} answered ${got.status}${got.location ? ` → ${got.location}` : ''}`,
                );
              if (!r.ok(got.body)) throw new NoData(`${what}: GET ${r.path} answered 200 without the expected content`);
            }
          }),
        );
        const after = h.snap();
        const perRequest = (a: number, b: number) => round(((b - a) / requests.length) * 1000, 2);
        return {
          requests: requests.length,
          concurrency,
          latencyMs: distribution(latencies, 1),
          requestsPerSecond: round(requests.length / ((after.t - before.t) / 1000), 1),
          cpuMsPerRequest: {
            driver: perRequest(before.driver, after.driver),
            worker: perRequest(before.worker, after.worker),
            server: perRequest(before.server, after.server),
          },
          bytesPerResponse: Math.round(bytes / requests.length),
        };
      };
      const times = <T>(k: number, f: (i: number) => T) => Array.from({ length: k }, (_, i) => f(i));
      const work = { path: '/work', ok: workOk };
      const casePages = (k: number) =>
        times(k, (i) => ({
          path: `/cases/${rotation[i % rotation.length]}`,
          ok: caseOk(rotation[i % rotation.length]),
        }));

      log(`web: signed in as ${COACH.staffId} in ${signInMs} ms; measuring ${base}`);
      const firstView = await series(
        'first view of a case',
        firstViews.map((r) => ({ path: `/cases/${r}`, ok: caseOk(r) })),
        1,
      );
      await series('warm-up', [...times(WARMUP, () => work), ...casePages(Math.max(WARMUP, rotation.length))], 1);
      const workSeq = await series(
        'My work today',
        times(REQUESTS, () => work),
        1,
      );
      const workConc = await series(
        'My work today',
        times(REQUESTS, () => work),
        CONCURRENT,
      );
      const caseSeq = await series('case page', casePages(REQUESTS), 1);
      const caseConc = await series('case page', casePages(REQUESTS), CONCURRENT);
      log(
        `web: My work today p95 ${workSeq.latencyMs.p95} ms (${CONCURRENT} at once: ${workConc.latencyMs.p95} ms); case page p95 ${caseSeq.latencyMs.p95} ms (${caseConc.latencyMs.p95} ms)`,
      );
      return {
        journeys: n,
        quick,
        mine: MINE,
        otherCoaches: OTHER_COACHES,
        setupSeconds,
        runningOnServer,
        signInMs,
        workToday: { sequential: workSeq, concurrent: workConc },
        casePage: { sequential: caseSeq, concurrent: caseConc, firstView },
      };
    } finally {
      await server?.close();
    }
  },
  summary(w) {
    const row = (what: string, s: WebSeries) => [
      what,
      s.concurrency,
      s.requests,
      s.latencyMs.p50,
      s.latencyMs.p95,
      s.latencyMs.p99,
      s.latencyMs.max,
      s.requestsPerSecond,
      `${s.cpuMsPerRequest.driver} · ${s.cpuMsPerRequest.worker} · ${s.cpuMsPerRequest.server}`,
      round(s.bytesPerResponse / 1024, 1),
    ];
    return [
      `${w.journeys} running hwc journeys${w.quick ? ` (a quick run: a full run has ${WEB_JOURNEYS.full})` : ''}, in LEEDS: ` +
        `${w.mine} for the signed-in work coach, waiting for their booking call (on "My work today"), and the rest for ${w.otherCoaches} other coaches, booked and waiting for their pre-call time (${w.runningOnServer} hwc journeys running on the server; set up in ${w.setupSeconds} s on a fresh worker). ` +
        `The web front door in the bench process, against the dev server; the coach signed in over HTTP (${w.signInMs} ms, scrypt included) and sent GETs after ${WARMUP} warm-up requests. ` +
        `"My work today": **p95 ${w.workToday.sequential.latencyMs.p95} ms** one at a time; a case page: **p95 ${w.casePage.sequential.latencyMs.p95} ms** (${CASE_PAGES} cases in rotation). Every response 200 with its expected content.`,
      '',
      markdownTable(
        [
          'page',
          'at once',
          'requests',
          'p50 ms',
          'p95 ms',
          'p99 ms',
          'max ms',
          'requests/s',
          'CPU ms/request: bench process · worker · server',
          'KiB',
        ],
        [
          row('My work today', w.workToday.sequential),
          row('My work today', w.workToday.concurrent),
          row('case page', w.casePage.sequential),
          row('case page', w.casePage.concurrent),
          row(`case page, first view (${w.casePage.firstView.requests} cases once each)`, w.casePage.firstView),
        ],
      ),
      '',
    ];
  },
};
