// `npm run fuzz [-- --runs=N --seed=S --path=P --max-steps=K]`: random event sequences (random claimants,
// people's events, garbage, deadlines, days passing) against the A6 invariants, 10,000 by default. Progress
// on stderr; on a violation prints the seed, the shrunk counterexample and the command that replays it, and
// exits 1. Exit 2 for bad arguments. The generators and the walk are test/fuzz/walk.ts.
import { runFuzz } from '../test/fuzz/run';
import { SELF_TEST_RULE, defaultChecker } from '../test/fuzz/walk';

const USAGE =
  'usage: npm run fuzz -- [--runs=N (default 10000)] [--seed=S] [--path=P] [--max-steps=K (default 60)] [--quiet]\n' +
  '  --self-test  add a rule every journey with a failed attendance breaks, to see a failure report';

function parseArgs(argv: string[]) {
  const o: { runs: number; seed?: number; path?: string; maxSteps: number; quiet: boolean; selfTest: boolean } = {
    runs: 10_000,
    maxSteps: 60,
    quiet: false,
    selfTest: false,
  };
  for (const a of argv) {
    const [k, v] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const int = (min: number, max: number) => {
      const n = Number(v);
      if (v === undefined || !Number.isInteger(n) || n < min || n > max)
        bad(`${k}: a whole number from ${min} to ${max}`);
      return n;
    };
    switch (k) {
      case '--runs':
        o.runs = int(1, 10_000_000);
        break;
      case '--seed':
        o.seed = int(-(2 ** 31), 2 ** 31 - 1);
        break;
      case '--path':
        if (!v || !/^\d+(:\d+)*$/.test(v)) bad('--path: the replay path fast-check printed, e.g. 42:3:1');
        o.path = v;
        break;
      case '--max-steps':
        o.maxSteps = int(5, 1000);
        break;
      case '--quiet':
        o.quiet = true;
        break;
      case '--self-test':
        o.selfTest = true;
        break;
      case '--help':
      case '-h':
        process.stdout.write(USAGE + '\n');
        process.exit(0);
      // falls through (exit above)
      default:
        bad(`unknown argument ${a}`);
    }
  }
  return o;
}

function bad(message: string): never {
  process.stderr.write(`fuzz: ${message}\n${USAGE}\n`);
  process.exit(2);
}

const opts = parseArgs(process.argv.slice(2));
const result = runFuzz({
  ...opts,
  check: opts.selfTest ? (w) => [...defaultChecker(w), ...SELF_TEST_RULE(w)] : undefined,
  progress: opts.quiet ? undefined : (line) => process.stderr.write(`fuzz ${line}\n`),
});
process.stdout.write(result.report + '\n');
process.exit(result.failed ? 1 : 0);
