// Baseline (b) of `npm run bench`: the engine floor. The same shape as the measured part of a journey
// (start, one activity, a timer racing the booking call Update, three activities, the pre-call timer,
// two search-attribute upserts) with no-op activities and no logic: what Temporal itself costs for it.
import * as wf from '@temporalio/workflow';
import { eventUpdate } from '../../workflows/messages';
import { HwcStage } from '../../workflows/search-attributes';

export interface FloorActivities {
  noop(): Promise<void>;
}

const { noop } = wf.proxyActivities<FloorActivities>({ startToCloseTimeout: '30s' });

export async function floorJourney(_input: unknown): Promise<string> {
  let booked = false;
  wf.setHandler(eventUpdate, () => {
    booked = true;
    return { stage: 'awaitingPreCallTime', status: 'running' as const, outcome: null };
  });
  wf.upsertSearchAttributes([{ key: HwcStage, value: 'awaitingBookingCall' }]);
  await noop();
  if (!booked) await wf.condition(() => booked, '2 days');
  await noop();
  await noop();
  await noop();
  // Upserted after the activities (hwc upserts when the Update is applied): the driver counts this
  // stage to know the floor journeys are done, as it counts stub-store rows for the other two.
  wf.upsertSearchAttributes([{ key: HwcStage, value: 'awaitingPreCallTime' }]);
  await wf.condition(() => false, '20 days');
  return 'done';
}
