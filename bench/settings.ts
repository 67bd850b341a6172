// The sizes of a quick and a full benchmark run.
export interface Settings {
  /** Journeys per variant in the measured start-throughput rounds. */
  journeys: number;
  /** Rounds per variant, interleaved A B C C B A …: the spread is taken over them. */
  rounds: number;
  warmup: number;
  /** Journeys per variant in the profiled round (after the measured ones). */
  profileJourneys: number;
  /** Update rates (per second), each held for `stepSeconds`. */
  rates: number[];
  stepSeconds: number;
  latencyTargets: number;
  /** Journeys whose deadline falls due at one instant. */
  burst: number;
  /** Histories per variant replayed on one thread (CPU per history), and by the pool (`hwc audit --all`). */
  replay: number;
  replayPool: number;
  historySample: number;
  simSeconds: number;
  /** The run's time budget; quick runs shrink later phases to fit in it. */
  budgetMinutes: number;
}

export const QUICK: Settings = {
  journeys: 240,
  rounds: 6,
  warmup: 20,
  profileJourneys: 40,
  rates: [10, 20, 40],
  stepSeconds: 5,
  latencyTargets: 240,
  burst: 80,
  replay: 100,
  replayPool: 600,
  historySample: 10,
  simSeconds: 3,
  budgetMinutes: 7,
};

export const FULL: Settings = {
  journeys: 1200,
  rounds: 8,
  warmup: 30,
  profileJourneys: 100,
  rates: [10, 20, 40, 80, 160],
  stepSeconds: 15,
  latencyTargets: 1200,
  burst: 1000,
  replay: 300,
  replayPool: 3000,
  historySample: 30,
  simSeconds: 10,
  budgetMinutes: 30,
};
