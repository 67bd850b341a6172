// The MI figures from the projection journeys keep in hwc's database (activities/projection.ts): one function
// for `hwc mi`, the manager's page and the benchmark, so each says exactly the same thing.
import type { ProjectionFilter, ProjectionStore } from '../activities/projection';
import { calendarForTraces } from '../mi/calendar';
import { computeFigures, type Figures } from '../mi/figures';

export async function miFigures(
  projection: ProjectionStore,
  o: ProjectionFilter,
): Promise<{ figures: Figures; source: { journeys: number; updatedAt: string | null } }> {
  const traces = await projection.traces(o);
  const figures = computeFigures(traces, { ...o, calendar: calendarForTraces(traces) });
  return { figures, source: await projection.freshness() };
}
