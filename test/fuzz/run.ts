// The fuzz run behind `npm run fuzz` (scripts/fuzz.ts), as a function so the harness test can run it small
// and with a deliberately broken rule: runs the walk property, reports progress, and on failure returns the
// seed, the shrunk counterexample, the readable trail that breaks the rule, and the replay command.
import fc from 'fast-check';
import { endOf, fixtureOf, walk, walkProperty, type Checker, type FuzzFixture, type StepInput } from './walk';

export interface FuzzOptions {
  runs: number;
  seed?: number;
  /** fast-check's replay path (with the seed of the failing run: replays just the counterexample). */
  path?: string;
  maxSteps?: number;
  check?: Checker;
  /** Only to print the replay command: the check includes the --self-test rule. */
  selfTest?: boolean;
  progress?: (line: string) => void;
  /** How often to report progress, in runs (default: about every 5% or 1000 runs). */
  progressEvery?: number;
}

export interface FuzzResult {
  failed: boolean;
  runs: number;
  seed: number;
  ms: number;
  /** What to print: a summary line, or the counterexample with how to replay it. */
  report: string;
  counterexample?: { fixture: FuzzFixture; inputs: StepInput[]; violations: string[]; trail: string[] };
}

export function runFuzz(o: FuzzOptions): FuzzResult {
  const seed = o.seed ?? (Date.now() ^ (Math.random() * 0x100000000)) | 0;
  const every = o.progressEvery ?? Math.max(100, Math.min(1000, Math.round(o.runs / 20)));
  const began = Date.now();
  let done = 0;
  let steps = 0;
  const ends = new Map<string, number>();
  o.progress?.(`${o.runs} random sequences (up to ${o.maxSteps ?? 60} inputs each), seed ${seed}`);
  const details = fc.check(
    walkProperty({
      maxSteps: o.maxSteps,
      check: o.check,
      onRun: (r) => {
        done++;
        steps += r.trail.length;
        const end = endOf(r.world);
        ends.set(end, (ends.get(end) ?? 0) + 1);
        if (done % every === 0 && done < o.runs) {
          const s = (Date.now() - began) / 1000;
          o.progress?.(`${done}/${o.runs} sequences, ${s.toFixed(1)} s (${Math.round(done / s)}/s)`);
        }
      },
    }),
    { numRuns: o.runs, seed, ...(o.path ? { path: o.path } : {}) },
  );
  const ms = Date.now() - began;
  if (!details.failed) {
    const ran = details.numRuns;
    const outcomes = [...ends].filter(([k]) => !k.startsWith('waiting:')).sort((a, b) => b[1] - a[1]);
    const waiting = [...ends].filter(([k]) => k.startsWith('waiting:')).reduce((n, [, v]) => n + v, 0);
    const report = [
      `fuzz: ${ran} sequences, no A6 violation (seed ${seed}, ${(ms / 1000).toFixed(1)} s, ${steps} inputs accepted or moved)`,
      `  ended: ${outcomes.map(([k, v]) => `${k} ${v}`).join(', ')}; still waiting: ${waiting}`,
    ].join('\n');
    return { failed: false, runs: ran, seed, ms, report };
  }
  if (!details.counterexample) {
    // Not a counterexample: the run itself failed (an exception escaping the property, or an interruption).
    const err: unknown = (details as { errorInstance?: unknown }).errorInstance;
    const why = err instanceof Error ? err.message : details.interrupted ? 'interrupted' : String(err);
    return {
      failed: true,
      runs: details.numRuns,
      seed,
      ms,
      report: `fuzz: FAILED without a counterexample (seed ${seed}): ${why}`,
    };
  }
  const [f, inputs] = details.counterexample as [FuzzFixture, StepInput[]];
  const replay = walk(fixtureOf(f), inputs, o.check);
  const fixture = fixtureOf(f);
  const report = [
    `fuzz: A6 VIOLATION after ${details.numRuns} sequences (seed ${seed}, ${details.numShrinks} shrinks)`,
    `violations:`,
    ...replay.violations.map((v) => `  ${v}`),
    `claimant: ${fixture.name}, start ${fixture.start}`,
    `  ${JSON.stringify(fixture.claimant)}`,
    `inputs that reach it (${replay.trail.length}):`,
    ...replay.trail.map((t, i) => `  ${i + 1}. ${t}`),
    `shrunk counterexample: ${fc.stringify(details.counterexample)}`,
    `replay: npm run fuzz -- --seed=${seed} --path=${details.counterexamplePath} --runs=${o.runs}${o.maxSteps !== undefined && o.maxSteps !== 60 ? ` --max-steps=${o.maxSteps}` : ''}${o.selfTest ? ' --self-test' : ''}`,
  ].join('\n');
  return {
    failed: true,
    runs: details.numRuns,
    seed,
    ms,
    report,
    counterexample: { fixture: f, inputs, violations: replay.violations, trail: replay.trail },
  };
}
