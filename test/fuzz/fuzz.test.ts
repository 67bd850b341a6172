// The fuzz harness itself (`npm run fuzz` runs 10,000+ sequences; the suite's own 300-run property test is
// test/unit/invariants.test.ts): a short clean run, and a deliberately broken rule to show that a violation
// is found, shrunk, and reported with its seed, its readable inputs and the command that replays it.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../worker/config';
import { runFuzz } from './run';
import { SELF_TEST_RULE, defaultChecker } from './walk';

describe('fuzz harness', () => {
  it('a short run of random sequences finds no violation and says what it covered', () => {
    const r = runFuzz({ runs: 25, seed: 7 });
    expect(r.failed, r.report).toBe(false);
    expect(r.report).toMatch(/^fuzz: 25 sequences, no A6 violation \(seed 7, /);
    expect(r.report).toMatch(/ended: .+; still waiting: \d+/);
  });

  it('a broken rule is reported with the seed, the shrunk counterexample and how to replay it', () => {
    const check = (w: Parameters<typeof defaultChecker>[0]) => [...defaultChecker(w), ...SELF_TEST_RULE(w)];
    // Short sequences keep the shrinking quick (each candidate is a whole walk).
    const r = runFuzz({ runs: 2000, seed: 42, maxSteps: 12, check });
    expect(r.failed).toBe(true);
    expect(r.report).toContain('fuzz: A6 VIOLATION');
    expect(r.report).toContain('seed 42');
    expect(r.report).toContain('SELF-TEST: a journey had a failed attendance');
    expect(r.report).toMatch(/replay: npm run fuzz -- --seed=42 --path=[\d:]+ --runs=2000 --max-steps=12/);
    // Shrunk: the inputs that reach it end with the failed attendance, and there are few of them.
    const trail = r.counterexample!.trail;
    expect(trail.at(-1)).toMatch(/FAILED_TO_ATTEND/);
    expect(trail.length).toBeLessThanOrEqual(8);

    // The replay command finds the same counterexample at once.
    const path = /--path=([\d:]+)/.exec(r.report)![1];
    const again = runFuzz({ runs: 2000, seed: 42, maxSteps: 12, path, check });
    expect(again.failed).toBe(true);
    expect(again.counterexample!.trail).toEqual(trail);
  });

  it('npm run fuzz exits 1 on a violation and 2 on a bad argument', () => {
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'scripts/fuzz.ts'), ...args], {
        cwd: PROJECT_ROOT,
        encoding: 'utf8',
        timeout: 120_000,
      });
    const broken = run('--runs=500', '--seed=42', '--max-steps=8', '--self-test', '--quiet');
    expect(broken.status, broken.stderr).toBe(1);
    expect(broken.stdout).toContain('SELF-TEST: a journey had a failed attendance');
    expect(broken.stdout).toContain('shrunk counterexample:');
    const bad = run('--runs=ten');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--runs: a whole number');
  });
});
