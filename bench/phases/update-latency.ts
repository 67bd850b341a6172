// Phase: the round trip of a person's event (the `event` Update, as `hwc event` sends it) at steady
// rates, on a fresh worker, to hwc journeys waiting for their pre-call. The targets are first loaded into
// the new worker's cache (a query each), so that a step measures Updates, not the replay of histories
// the previous worker held. `busy` refusals (the journey was mid-step; the client sends again) are
// counted, with what they add to the tail.
import { viewQuery, type EventRequest } from '../../workflows/messages';
import { COACH, VARIANTS } from '../harness';
import { distribution, markdownTable, round, sleep, type Distribution } from '../lib';
import type { StartThroughput } from './start-throughput';
import { NoData, type Phase } from './types';

interface Step {
  rate: number;
  sent: number;
  answered: number;
  errors: number;
  firstError: string | null;
  achievedRate: number;
  latencyMs: Distribution;
  /** Updates that were refused as busy at least once, and the refusals in all. */
  updatesSentAgain: number;
  busyRefusals: number;
  /** p99 of the Updates answered at the first attempt: the tail without the busy ones. */
  p99FirstAttemptMs: number;
  workerCpuMsPerUpdate: number;
  serverCpuMsPerUpdate: number;
}

export interface UpdateLatency {
  event: string;
  targets: number;
  warmSeconds: number;
  stepSeconds: number;
  steps: Step[];
}

const FAR_WCA_DATE = `${new Date().getUTCFullYear() + 6}-06-01`;

export const updateLatency: Phase<UpdateLatency> = {
  id: 'updateLatency',
  title: 'Update latency',
  server: true,
  freshWorker: true,
  needs: ['startThroughput'],
  async run({ h, S, log, earlier, budgetLeft, quick }) {
    const st = earlier.startThroughput as StartThroughput;
    const targets = st.refsOf.hwc.slice(-S.latencyTargets);
    if (!targets.length) throw new NoData('no hwc journeys from the start-throughput phase to send events to');
    const handles = targets.map((ref) => h.client.workflow.getHandle(VARIANTS.hwc.idFor(ref)));
    const t0 = performance.now();
    let i = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (i < handles.length) await handles[i++].query(viewQuery);
      }),
    );
    const warmSeconds = round((performance.now() - t0) / 1000, 1);
    log(`update latency: ${targets.length} journeys loaded into the fresh worker's cache in ${warmSeconds} s`);
    await sleep(1000);

    const steps: Step[] = [];
    let next = 0;
    for (const rate of S.rates) {
      if (budgetLeft() < (quick ? 100 : 300)) {
        log(`update latency: no time left in the budget for ${rate}/s`);
        break;
      }
      const latencies: number[] = [];
      const firstAttempt: number[] = [];
      let errors = 0;
      let sent = 0;
      let sentAgain = 0;
      let busy = 0;
      let firstError = '';
      const inflight = new Set<Promise<void>>();
      const before = h.snap();
      const start = performance.now();
      const duration = S.stepSeconds * 1000;
      const interval = 1000 / rate;
      while (performance.now() - start < duration) {
        const wait = start + sent * interval - performance.now();
        if (wait > 0) {
          await sleep(Math.min(wait, 50));
          continue;
        }
        const handle = handles[next++ % handles.length];
        const event: EventRequest = { type: 'WCA_SCHEDULED', date: FAR_WCA_DATE, by: COACH };
        const counter = { busy: 0 };
        const sentAt = performance.now();
        sent++;
        const p: Promise<void> = h
          .send(handle, event, counter)
          .then(() => {
            const ms = performance.now() - sentAt;
            latencies.push(ms);
            if (counter.busy) sentAgain++;
            else firstAttempt.push(ms);
          })
          .catch((e) => {
            errors++;
            firstError ||= (e as Error).message.split('\n')[0];
          })
          .finally(() => {
            busy += counter.busy;
            inflight.delete(p);
          });
        inflight.add(p);
      }
      await Promise.race([Promise.all(inflight), sleep(30_000)]);
      const after = h.snap();
      const d = distribution(latencies, 1);
      const n = Math.max(1, latencies.length);
      steps.push({
        rate,
        sent,
        answered: latencies.length,
        errors,
        firstError: firstError || null,
        achievedRate: round(latencies.length / (duration / 1000), 1),
        latencyMs: d,
        updatesSentAgain: sentAgain,
        busyRefusals: busy,
        p99FirstAttemptMs: distribution(firstAttempt, 1).p99,
        workerCpuMsPerUpdate: round(((after.worker - before.worker) / n) * 1000, 2),
        serverCpuMsPerUpdate: round(((after.server - before.server) / n) * 1000, 2),
      });
      log(
        `update latency at ${rate}/s: p50 ${d.p50} ms, p95 ${d.p95} ms, p99 ${d.p99} ms, ${latencies.length}/${sent} answered, ${sentAgain} sent again after busy (${busy} refusals)${errors ? `, ${errors} errors (${firstError})` : ''}`,
      );
      if (errors > sent / 10 || d.p99 > 2000) break; // the next rate would only be worse
      await sleep(1000);
    }
    if (!steps.some((s) => s.answered > 0))
      throw new NoData(
        steps.length
          ? `no Update was answered (${steps[0].firstError ?? 'timed out'})`
          : 'no rate step fitted in the time budget',
      );
    return {
      event: `WCA_SCHEDULED (date ${FAR_WCA_DATE}) as an Update to hwc journeys waiting for their pre-call`,
      targets: targets.length,
      warmSeconds,
      stepSeconds: S.stepSeconds,
      steps,
    };
  },
  summary(r) {
    return [
      `${r.event}, ${r.stepSeconds} s per rate, ${r.targets} journeys loaded into a fresh worker's cache first (${r.warmSeconds} s). ` +
        `"sent again": Updates refused as \`busy\` (the journey was mid-step) at least once and sent again by the client; their latency includes the wait.`,
      '',
      markdownTable(
        [
          'rate/s',
          'answered/s',
          'p50 ms',
          'p95 ms',
          'p99 ms',
          'max ms',
          'sent again (refusals)',
          'p99 first attempt ms',
          'errors',
          'worker CPU ms/update',
        ],
        r.steps.map((s) => [
          s.rate,
          s.achievedRate,
          s.latencyMs.p50,
          s.latencyMs.p95,
          s.latencyMs.p99,
          s.latencyMs.max,
          `${s.updatesSentAgain} (${s.busyRefusals})`,
          s.p99FirstAttemptMs,
          s.errors,
          s.workerCpuMsPerUpdate,
        ]),
      ),
      '',
    ];
  },
};
