// The phases of `npm run bench`, in the order they run. A new phase: a module exporting a `Phase`
// (bench/phases/types.ts), added here. Replay runs before the Update phases, so that the histories it
// compares are those of the start-throughput journeys alone (same shape for every variant).
import { deadlineBurst } from './deadline-burst';
import { mi } from './mi';
import { replay } from './replay';
import { simulator } from './simulator';
import { startThroughput } from './start-throughput';
import type { Phase } from './types';
import { updateLatency } from './update-latency';
import { web } from './web';

export const PHASES: Phase<never>[] = [
  simulator,
  mi,
  startThroughput,
  replay,
  updateLatency,
  deadlineBurst,
  web,
] as Phase<never>[];
