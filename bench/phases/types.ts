// A phase of `npm run bench`. To add one (another engineer's bench module: web page times, `hwc mi`, the
// simulator on every core …), write a module exporting a `Phase` and add it to the list in
// bench/phases/index.ts; run.ts gives it a fresh worker if it asks for one, times it, records the load
// around it, puts its result under `phases.<id>` in the JSON and its `summary` lines in the Markdown.
import type { Harness } from '../harness';
import type { Settings } from '../settings';

export interface PhaseContext {
  /** The dev server, the worker process and the client; null for a run of phases that need no server. */
  h: Harness;
  S: Settings;
  quick: boolean;
  log: (line: string) => void;
  /** Seconds left of the run's time budget (quick runs shrink later work to fit). */
  budgetLeft: () => number;
  /** Results of the phases run before this one (by id), for phases that build on them. */
  earlier: Record<string, unknown>;
  /** `--no-profile`: the start-throughput phase takes no CPU profile. */
  noProfile: boolean;
  /** Where a phase may keep files for the run (histories, profiles). */
  dir: string;
}

export interface Phase<R = unknown> {
  /** Key in the JSON (`phases.<id>`), and the name `--only` selects. */
  id: string;
  title: string;
  /** Needs the dev server (all but the pure ones). */
  server: boolean;
  /** Starts with a new worker process, so that no journey cached by an earlier phase loads it. */
  freshWorker: boolean;
  /** Ids of earlier phases whose results it needs (it is skipped, with the reason, without them). */
  needs?: string[];
  run(ctx: PhaseContext): Promise<R>;
  /** Markdown lines of the summary. */
  summary(result: R, ctx: PhaseContext): string[];
}

/**
 * Thrown (or returned through `run`) by a phase that measured nothing usable: the run says why in the
 * summary and the JSON and exits non-zero. A benchmark that silently measures nothing is a defect.
 */
export class NoData extends Error {}
