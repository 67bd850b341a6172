// Baseline (b) of `npm run bench`: the engine floor. The same shape as the measured part of a journey
// (start, one activity, a timer racing the booking call Update, three activities, the pre-call timer,
// two search-attribute upserts, a patch marker) with no-op activities and no logic: what Temporal itself
// costs for it.
import * as wf from '@temporalio/workflow';
import { eventUpdate } from '../../workflows/messages';
import { HwcStage } from '../../workflows/search-attributes';

export interface FloorActivities {
  noop(): Promise<void>;
}

const { noop } = wf.proxyActivities<FloorActivities>({ startToCloseTimeout: '30s' });

export async function floorJourney(_input: unknown): Promise<string> {
  let booked = false;
  // The same commands in the same order as hwc's journey (so the same history events): a stage upsert
  // at the start, the patch marker hwc's journeys carry, and a stage upsert when the Update is applied.
  wf.setHandler(eventUpdate, () => {
    booked = true;
    wf.upsertSearchAttributes([{ key: HwcStage, value: 'awaitingPreCallTime' }]);
    return { stage: 'awaitingPreCallTime', status: 'running' as const, outcome: null };
  });
  wf.upsertSearchAttributes([{ key: HwcStage, value: 'awaitingBookingCall' }]);
  wf.patched('deadlines-through-timers');
  await noop();
  if (!booked) await wf.condition(() => booked, '2 days');
  await noop();
  await noop();
  await noop();
  await wf.condition(() => false, '20 days');
  return 'done';
}
