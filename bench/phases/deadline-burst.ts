// Phase: a deadline burst. N hwc journeys are booked for the same slot (each started, sent its
// BOOKING_CALL and its PRE_CALL), so that all wait for HWC_DUE at one instant; then: how long until every
// one of them has applied the deadline (is in awaitingAttendance), and how late each was.
import { startJourney } from '../../client/journeys';
import { COACH, CONCURRENCY, OFFICE, VARIANTS, benchIdentity, recordFor, refsFor, type RunResult } from '../harness';
import { distribution, round, sleep, timestampMs, type Distribution } from '../lib';
import type { StartThroughput } from './start-throughput';
import { NoData, type Phase } from './types';

/** Effects of a burst journey before the slot: readAdjustments, 2 bookings, ESAHWC1, pre-call held, reminder. */
const EFFECTS_BEFORE_SLOT = 6;
export const DRAIN_TARGET_SECONDS = 60;

export interface DeadlineBurst {
  journeys: number;
  planned: number;
  slot: string;
  setupSeconds: number;
  setupErrors: string[];
  setupFinishedSecondsBeforeSlot: number | null;
  waitingAtSlot: number;
  reachedAwaitingAttendance: number;
  drainedSecondsAfterSlot: number | null;
  deadlinesPerSecond: number | null;
  perJourneyMsAfterSlot: Distribution;
  workerCpuMsPerDeadline: number;
  serverCpuMsPerDeadline: number;
}

export const deadlineBurst: Phase<DeadlineBurst> = {
  id: 'deadlineBurst',
  title: 'Deadline burst',
  server: true,
  freshWorker: true,
  needs: ['startThroughput'],
  async run({ h, S, log, earlier, budgetLeft, quick }) {
    const st = earlier.startThroughput as StartThroughput;
    const rate = Math.max(1, st.byVariant.hwc.journeysPerSecond.min);
    // Quick runs fit the burst in what is left of the budget; a full run always does all of it.
    const fit = quick ? Math.floor(((budgetLeft() - 90) * rate) / 3) : S.burst;
    const planned = Math.max(20, Math.min(S.burst, fit));
    if (planned < S.burst) log(`deadline burst: ${planned} journeys instead of ${S.burst}, to fit in the time budget`);
    const v = VARIANTS.hwc;
    const all = refsFor('B1', planned);
    // Far enough ahead for all of them to be set up first: each burst journey also gets a PRE_CALL and has
    // six effects instead of four, so it takes about twice a report journey's time.
    const leadMs = Math.ceil(((planned / rate) * 2.5 + 15) * 1000);
    const slotMs = Math.ceil((Date.now() + leadMs) / 1000) * 1000;
    const slot = new Date(slotMs).toISOString();
    log(`deadline burst: ${planned} journeys booked for ${slot} (in ${(leadMs / 1000).toFixed(0)} s)`);
    const cutoff = slotMs - (quick ? 6000 : 12_000); // none started in the last seconds
    const refs: string[] = [];
    const res: RunResult = { started: 0, events: 0, busy: 0, errors: [] };
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < all.length && Date.now() < cutoff) {
          const ref = all[next++];
          try {
            await startJourney({
              client: h.client,
              taskQueue: v.taskQueue,
              office: OFFICE,
              record: recordFor(ref),
              putClaimant: (r, rec) => h.store.putClaimant(r, rec),
              trust: benchIdentity.trust,
            });
            const handle = h.client.workflow.getHandle(v.idFor(ref));
            await h.send(handle, { type: 'BOOKING_CALL', contacted: true, slot, by: COACH }, res);
            await h.send(handle, { type: 'PRE_CALL', result: 'confirmed', by: COACH }, res);
            refs.push(ref);
          } catch (e) {
            if (res.errors.length < 20) res.errors.push((e as Error).message.split('\n')[0]);
          }
        }
      }),
    );
    const m = refs.length;
    if (!m) throw new NoData(`no burst journey could be set up before the slot: ${res.errors[0] ?? 'too slow'}`);
    const ready = await h.waitReached(v, 'B1', m, EFFECTS_BEFORE_SLOT, Math.max(2000, slotMs - Date.now() - 500));
    const setupSeconds = round(((ready ?? performance.now()) - t0) / 1000, 1);
    const readyWall = ready === null ? null : Date.now() - (performance.now() - ready);
    const beforeSlot = readyWall === null ? null : round((slotMs - readyWall) / 1000, 1);
    const waiting = await h.countStage(v.workflowType, 'awaitingHwc');
    log(
      beforeSlot === null || beforeSlot < 0
        ? `deadline burst: the set-up was not finished before the slot (${res.errors[0] ?? 'slow'})`
        : `deadline burst: ${m} set up in ${setupSeconds} s, ${beforeSlot} s before the slot; ${waiting} in awaitingHwc`,
    );
    if (beforeSlot === null || beforeSlot < 0)
      throw new NoData(`the set-up of ${m} journeys did not finish before their slot: the burst would be smeared`);
    await sleep(Math.max(0, slotMs - Date.now() - 1000));
    const before = h.snap();
    await sleep(Math.max(0, slotMs - Date.now()));
    let drainMs: number | null = null;
    let seen = 0;
    while (Date.now() < slotMs + 180_000) {
      seen = await h.countStage(v.workflowType, 'awaitingAttendance');
      if (seen >= m) {
        drainMs = Date.now() - slotMs;
        break;
      }
      await sleep(100);
    }
    await sleep(500);
    const after = h.snap();
    // Per journey, from a sample of histories: from the slot to the end of the workflow task that applied
    // HWC_DUE (its search-attribute upsert to awaitingAttendance is in that task).
    const lateness: number[] = [];
    for (const ref of refs.filter((_, i) => i % Math.max(1, Math.floor(m / 50)) === 0)) {
      const evs = (await h.client.workflow.getHandle(v.idFor(ref)).fetchHistory()).events ?? [];
      const fired = evs.findLastIndex((e) => e.timerFiredEventAttributes);
      const upsert = evs.findIndex((e, i) => i > fired && e.upsertWorkflowSearchAttributesEventAttributes);
      if (fired >= 0 && upsert > fired) lateness.push(timestampMs(evs[upsert].eventTime) - slotMs);
    }
    const d = distribution(lateness, 0);
    log(
      `deadline burst: ${seen}/${m} in awaitingAttendance ${drainMs === null ? 'not all within 180 s' : `${(drainMs / 1000).toFixed(2)} s after the slot`}; per journey p50 ${d.p50} ms, p99 ${d.p99} ms`,
    );
    return {
      journeys: m,
      planned,
      slot,
      setupSeconds,
      setupErrors: res.errors,
      setupFinishedSecondsBeforeSlot: beforeSlot,
      waitingAtSlot: waiting,
      reachedAwaitingAttendance: seen,
      drainedSecondsAfterSlot: drainMs === null ? null : round(drainMs / 1000, 2),
      deadlinesPerSecond: drainMs ? round(m / (drainMs / 1000), 1) : null,
      perJourneyMsAfterSlot: d,
      workerCpuMsPerDeadline: round(((after.worker - before.worker) / m) * 1000, 2),
      serverCpuMsPerDeadline: round(((after.server - before.server) / m) * 1000, 2),
    };
  },
  summary(b) {
    return [
      `${b.journeys} hwc journeys with HWC_DUE at the same instant (set up in ${b.setupSeconds} s, ${b.setupFinishedSecondsBeforeSlot} s before the slot, on a fresh worker): ` +
        `${b.reachedAwaitingAttendance}/${b.journeys} in awaitingAttendance ` +
        `${b.drainedSecondsAfterSlot === null ? '— not all within 180 s' : `**${b.drainedSecondsAfterSlot} s** after the slot (${b.deadlinesPerSecond} deadlines/s; target ${DRAIN_TARGET_SECONDS} s)`}; ` +
        `per journey (sampled histories) p50 ${b.perJourneyMsAfterSlot.p50} ms, p99 ${b.perJourneyMsAfterSlot.p99} ms after the slot; ` +
        `worker ${b.workerCpuMsPerDeadline} ms, server ${b.serverCpuMsPerDeadline} ms CPU per deadline.`,
      '',
    ];
  },
};
