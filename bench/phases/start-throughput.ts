// Phase: start throughput of a weekly report, for hwc and the two baselines, in interleaved rounds
// (A B C C B A …) so that load from other work on the machine falls on all variants alike; the spread
// over the rounds is reported. On the same fresh worker, around the rounds: the live heap each variant's
// workflow thread keeps per cached journey (memory), and, after the measured rounds, one profiled round
// per variant (the CPU profile is taken apart from the measurements, which it would slow down).
import proto from '@temporalio/proto';
import { EFFECTS_TO_PRE_CALL, VARIANTS, VARIANT_IDS, futureSlot, refsFor, type Harness } from '../harness';
import type { Variant, VariantId } from '../harness';
import { distribution, fmt, markdownTable, round, sleep, spread, withSpread, type Spread } from '../lib';
import { compareProfiles, type ProfileComparison } from '../profile';
import { NoData, type Phase, type PhaseContext } from './types';

const { temporal } = proto;

interface Round {
  variant: VariantId;
  block: number;
  journeys: number;
  seconds: number;
  workerCpu: number;
  serverCpu: number;
  driverCpu: number;
  busy: number;
  errors: string[];
}

export interface VariantFigures {
  journeys: number;
  journeysPerSecond: Spread;
  workerCpuMsPerJourney: Spread;
  serverCpuMsPerJourney: Spread;
  cpuMsPerJourney: Spread;
  driverCpuMsPerJourney: number;
  busyPerJourney: number;
  historyEvents: number;
  historyBytes: number;
  eventTypes: Record<string, number>;
  errors: string[];
}

export interface StartThroughput {
  roundOrder: string;
  journeysPerRound: number;
  rounds: Round[];
  byVariant: Record<VariantId, VariantFigures>;
  /** hwc / baseline, per block of adjacent rounds, then mean and spread over the blocks. */
  ratios: Record<string, Spread>;
  memory: Memory;
  profile: ProfileComparison | { skipped: string };
  /** Claimant refs of each variant's journeys, all waiting for their pre-call (later phases use them). */
  refsOf: Record<VariantId, string[]>;
  bundleKib?: Record<VariantId, number>;
}

interface Memory {
  journeysPerVariant: number;
  /** Live heap after a full GC of the variant's own workflow thread, per journey the round added. */
  liveHeapKibPerCachedJourney: Record<VariantId, number>;
  heapsMiB: { afterWarmUp: Record<string, number>; afterRounds: Record<string, number> };
  ratioHwcToFloor: number;
  ratioHwcToHandWritten: number;
}

/** A B C, then C B A, … */
export const roundOrder = (ids: VariantId[], rounds: number) =>
  Array.from({ length: rounds }, (_, i) => (i % 2 ? [...ids].reverse() : ids)).flat();

type Heaps = Record<'main' | VariantId, { usedBytes: number; totalBytes: number }>;
const heapsMiB = (hs: Heaps) =>
  Object.fromEntries(Object.entries(hs).map(([k, v]) => [k, round(v.usedBytes / 2 ** 20, 1)]));

async function oneRound(h: Harness, v: Variant, prefix: string, n: number, slot: string) {
  await sleep(1000); // let the previous round's tail settle
  const before = h.snap();
  const res = await h.runReport(v, refsFor(prefix, n), slot);
  const reached = await h.waitReached(v, prefix, n, EFFECTS_TO_PRE_CALL, 300_000);
  if (reached === null) res.errors.push('timed out waiting for the journeys to reach awaitingPreCallTime');
  await sleep(500); // the last workflow tasks (the pre-call timers) complete
  const after = h.snap();
  return { res, before, after, seconds: ((reached ?? performance.now()) - before.t) / 1000 };
}

async function historySample(h: Harness, v: Variant, refs: string[]) {
  const events: number[] = [];
  const bytes: number[] = [];
  let types: Record<string, number> = {};
  for (const [i, ref] of refs.entries()) {
    const hist = await h.client.workflow.getHandle(v.idFor(ref)).fetchHistory();
    events.push(hist.events?.length ?? 0);
    bytes.push(temporal.api.history.v1.History.encode(hist).finish().length);
    if (i === 0) {
      types = {};
      for (const e of hist.events ?? []) {
        const t = String(temporal.api.enums.v1.EventType[e.eventType as number] ?? e.eventType);
        types[t.replace(/^EVENT_TYPE_/, '')] = (types[t.replace(/^EVENT_TYPE_/, '')] ?? 0) + 1;
      }
    }
  }
  return {
    events: distribution(events, 1).mean,
    bytes: Math.round(distribution(bytes, 0).mean),
    types,
  };
}

export const startThroughput: Phase<StartThroughput> = {
  id: 'startThroughput',
  title: 'Start throughput',
  server: true,
  freshWorker: true,
  async run(ctx: PhaseContext): Promise<StartThroughput> {
    const { h, S, log } = ctx;
    const slot = futureSlot();
    const refsOf: Record<VariantId, string[]> = { hwc: [], handWritten: [], floor: [] };

    log(`start throughput: warm-up, ${S.warmup} journeys of each variant`);
    for (const v of VARIANT_IDS.map((id) => VARIANTS[id])) {
      const { res } = await oneRound(h, v, `W${v.tag}`, S.warmup, slot);
      if (res.errors.length) throw new NoData(`the warm-up of ${v.label} failed: ${res.errors[0]}`);
      refsOf[v.id].push(...refsFor(`W${v.tag}`, S.warmup));
    }
    const heapsAfterWarmUp = await h.ask<Heaps>({ type: 'heaps' });

    const order = roundOrder(VARIANT_IDS, S.rounds);
    const size = Math.floor(S.journeys / S.rounds);
    log(`start throughput: ${S.rounds} rounds of ${size} journeys per variant: ${order.join(', ')}`);
    const rounds: Round[] = [];
    const roundNo: Record<string, number> = {};
    for (const id of order) {
      const v = VARIANTS[id];
      const r = (roundNo[id] = (roundNo[id] ?? 0) + 1);
      const prefix = `${v.tag}${r}`;
      const { res, before, after, seconds } = await oneRound(h, v, prefix, size, slot);
      refsOf[id].push(...refsFor(prefix, size));
      rounds.push({
        variant: id,
        block: r,
        journeys: size,
        seconds: round(seconds, 2),
        workerCpu: round(after.worker - before.worker, 2),
        serverCpu: round(after.server - before.server, 2),
        driverCpu: round(after.driver - before.driver, 2),
        busy: res.busy,
        errors: res.errors,
      });
      log(
        `start throughput: ${v.label} round ${r}: ${size} in ${seconds.toFixed(1)} s (${(size / seconds).toFixed(1)}/s), worker ${fmt(((after.worker - before.worker) / size) * 1000)} ms CPU/journey, server ${fmt(((after.server - before.server) / size) * 1000)} ms${res.errors.length ? `, ${res.errors.length} errors: ${res.errors[0]}` : ''}`,
      );
    }
    // Each variant's own thread now holds its warm-up and all its rounds (the cache is larger).
    const heapsAfterRounds = await h.ask<Heaps>({ type: 'heaps' });
    const failed = rounds.filter((r) => r.errors.length);
    if (failed.length === rounds.length) throw new NoData(`every round failed: ${failed[0].errors[0]}`);

    const byVariant = {} as Record<VariantId, VariantFigures>;
    for (const id of VARIANT_IDS) {
      const rs = rounds.filter((r) => r.variant === id && !r.errors.length);
      if (!rs.length) throw new NoData(`no round of ${VARIANTS[id].label} completed: ${failed[0]?.errors[0]}`);
      const per = (k: 'workerCpu' | 'serverCpu') => rs.map((r) => (r[k] / r.journeys) * 1000);
      const n = rs.reduce((a, r) => a + r.journeys, 0);
      const hist = await historySample(h, VARIANTS[id], refsOf[id].slice(-S.historySample));
      byVariant[id] = {
        journeys: n,
        journeysPerSecond: spread(
          rs.map((r) => r.journeys / r.seconds),
          2,
        ),
        workerCpuMsPerJourney: spread(per('workerCpu'), 1),
        serverCpuMsPerJourney: spread(per('serverCpu'), 1),
        cpuMsPerJourney: spread(
          rs.map((r) => ((r.workerCpu + r.serverCpu) / r.journeys) * 1000),
          1,
        ),
        driverCpuMsPerJourney: round((rs.reduce((a, r) => a + r.driverCpu, 0) / n) * 1000, 2),
        busyPerJourney: round(rs.reduce((a, r) => a + r.busy, 0) / n, 3),
        historyEvents: hist.events,
        historyBytes: hist.bytes,
        eventTypes: hist.types,
        errors: rounds.filter((r) => r.variant === id).flatMap((r) => r.errors),
      };
    }

    // Ratios per block: the hwc round against the baseline's round of the same block (adjacent in time).
    const ratios: Record<string, Spread> = {};
    const perBlock = (base: VariantId, f: (r: Round) => number) => {
      const out: number[] = [];
      for (let b = 1; b <= S.rounds; b++) {
        const x = rounds.find((r) => r.variant === 'hwc' && r.block === b);
        const y = rounds.find((r) => r.variant === base && r.block === b);
        if (x && y && !x.errors.length && !y.errors.length) out.push(f(x) / f(y));
      }
      return spread(out, 3);
    };
    for (const [name, base] of [
      ['VsHandWritten', 'handWritten'],
      ['VsFloor', 'floor'],
    ] as const) {
      ratios[`workerCpuPerJourney${name}`] = perBlock(base, (r) => r.workerCpu / r.journeys);
      ratios[`cpuPerJourney${name}`] = perBlock(base, (r) => (r.workerCpu + r.serverCpu) / r.journeys);
      ratios[`throughput${name}`] = perBlock(base, (r) => r.journeys / r.seconds);
    }

    const kib = (id: VariantId) =>
      round((heapsAfterRounds[id].usedBytes - heapsAfterWarmUp[id].usedBytes) / (size * S.rounds) / 1024, 1);
    const live = { hwc: kib('hwc'), handWritten: kib('handWritten'), floor: kib('floor') };
    const memory: Memory = {
      journeysPerVariant: size * S.rounds,
      liveHeapKibPerCachedJourney: live,
      heapsMiB: { afterWarmUp: heapsMiB(heapsAfterWarmUp), afterRounds: heapsMiB(heapsAfterRounds) },
      ratioHwcToFloor: round(live.hwc / live.floor, 2),
      ratioHwcToHandWritten: round(live.hwc / live.handWritten, 2),
    };
    log(
      `memory per cached journey (live heap of its workflow thread): hwc ${live.hwc} KiB, (a) ${live.handWritten} KiB, (b) ${live.floor} KiB`,
    );

    let profile: StartThroughput['profile'] = { skipped: 'not asked for (--no-profile)' };
    if (!ctx.noProfile) {
      // Two profiled rounds per variant, in the order (a) hwc hwc (a), so that whatever the profiler
      // costs the first time (code recompiled with source positions) falls on both alike.
      const dir = h.subdir('profile');
      const files: Record<string, { main: string; workflow: string }[]> = { hwc: [], handWritten: [] };
      const journeys: Record<string, number> = { hwc: 0, handWritten: 0 };
      const half = Math.max(10, Math.floor(S.profileJourneys / 2));
      for (const [i, id] of (['handWritten', 'hwc', 'hwc', 'handWritten'] as const).entries()) {
        const v = VARIANTS[id];
        const prefix = `P${v.tag}${i}`;
        await h.ask({ type: 'profile-start', variant: id });
        const { res } = await oneRound(h, v, prefix, half, slot);
        files[id].push(await h.ask({ type: 'profile-stop', variant: id, dir, tag: `${id}-${i}` }));
        journeys[id] += res.started;
        refsOf[id].push(...refsFor(prefix, half));
      }
      log(`profile: ${journeys.hwc} hwc and ${journeys.handWritten} hand-written journeys profiled`);
      profile = compareProfiles(files, journeys, h.o.bundleDir);
    }
    return {
      roundOrder: order.join(', '),
      journeysPerRound: size,
      rounds,
      byVariant,
      ratios,
      memory,
      profile,
      refsOf,
    };
  },

  summary(r, ctx) {
    const out: string[] = [];
    const ids = VARIANT_IDS;
    const b = r.byVariant;
    out.push(
      `A weekly report per variant, started as \`hwc report\` does, each journey sent a BOOKING_CALL, until all wait for their pre-call (4 activities each); ` +
        `${ctx.S.rounds} rounds of ${r.journeysPerRound} journeys per variant in the order ${r.roundOrder}, one fresh worker process. ` +
        `± is the half-width of the 95% confidence interval over the rounds. The driver used ${b.hwc.driverCpuMsPerJourney} ms CPU per hwc journey on the same cores.`,
      '',
      markdownTable(
        [
          'variant',
          'journeys/s',
          'worker CPU ms/journey',
          'server CPU ms/journey',
          'history events',
          'history KiB',
          'busy/journey',
        ],
        ids.map((id) => [
          VARIANTS[id].label,
          withSpread(b[id].journeysPerSecond),
          withSpread(b[id].workerCpuMsPerJourney),
          withSpread(b[id].serverCpuMsPerJourney),
          b[id].historyEvents,
          round(b[id].historyBytes / 1024, 1),
          b[id].busyPerJourney,
        ]),
      ),
      '',
    );
    const rt = r.ratios;
    out.push(
      markdownTable(
        ['hwc / baseline (per block, then mean ±95% CI)', 'vs (a) hand-written', 'vs (b) engine floor'],
        [
          [
            'worker CPU per journey',
            withSpread(rt.workerCpuPerJourneyVsHandWritten),
            withSpread(rt.workerCpuPerJourneyVsFloor),
          ],
          [
            'CPU per journey (worker + server)',
            withSpread(rt.cpuPerJourneyVsHandWritten),
            withSpread(rt.cpuPerJourneyVsFloor),
          ],
          ['throughput', withSpread(rt.throughputVsHandWritten), withSpread(rt.throughputVsFloor)],
        ],
      ),
      '',
    );
    const m = r.memory;
    out.push(
      `**Memory** per cached journey (live heap of the variant's own workflow thread after a full GC, ${m.journeysPerVariant} journeys): ` +
        `hwc **${m.liveHeapKibPerCachedJourney.hwc} KiB**, (a) ${m.liveHeapKibPerCachedJourney.handWritten} KiB, (b) ${m.liveHeapKibPerCachedJourney.floor} KiB; ` +
        `hwc / floor ${m.ratioHwcToFloor}, hwc / hand-written ${m.ratioHwcToHandWritten}.`,
      '',
    );
    if ('skipped' in r.profile) out.push(`Profile: ${r.profile.skipped}.`, '');
    else out.push(...profileSummary(r.profile));
    return out;
  },
};

function profileSummary(p: ProfileComparison): string[] {
  return [
    `**Where hwc's worker spends more than the hand-written workflow** (V8 CPU profile of two rounds per variant, ${p.journeys.hwc} journeys each, in the order (a) hwc hwc (a), main thread and the variant's workflow thread; ` +
      `each sample counted against the nearest project or library frame on its stack; ms per journey; profiling slows both alike):`,
    '',
    markdownTable(
      ['where', 'hwc ms/journey', '(a) ms/journey', 'hwc − (a)'],
      p.byCategory
        .filter((c) => Math.abs(c.difference) >= 0.05 || c.hwc >= 0.5)
        .slice(0, 16)
        .map((c) => [c.category, c.hwc, c.handWritten, c.difference]),
    ),
    '',
    `Total profiled: hwc ${p.totalMsPerJourney.hwc} ms/journey, (a) ${p.totalMsPerJourney.handWritten} ms/journey. Top functions hwc spends more in: ` +
      p.topExtraFunctions
        .slice(0, 6)
        .map((f) => `\`${f.function}\` +${f.difference}`)
        .join(', ') +
      '.',
    '',
  ];
}
