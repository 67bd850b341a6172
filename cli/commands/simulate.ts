// `hwc simulate`: run a scenario file (B4) and print its trace (B5); `--temporal` runs it as a real
// workflow on the time-skipping test server and must print the identical trace. `--policy what-if.json`
// runs it under changed rule parameters (domain/policy.ts).
import type { Command } from 'commander';
import { CURRENT_POLICY, applyOverride, parsePolicyOverride, type Policy } from '../../domain/policy';
import { Scenario, type Trace } from '../../domain/schemas';
import { PureEngine } from '../../simulator/pure-engine';
import { runScenario, ScenarioError } from '../../simulator/runner';
import { badInput } from '../errors';
import { parseWith, readJsonFile } from '../files';
import { prettyTrace } from '../pretty';

export function loadScenario(path: string): Scenario {
  return parseWith(Scenario, readJsonFile(path), path);
}

/** A what-if file applied to `base` (the current policy unless given); bad input names the field. */
export function loadPolicy(path: string | undefined, base: Policy = CURRENT_POLICY): Policy {
  if (!path) return base;
  const checked = parsePolicyOverride(readJsonFile(path));
  if (!checked.ok) throw badInput(`${path}: ${checked.error}`);
  return applyOverride(base, checked.override);
}

export async function simulate(path: string, opts: { temporal?: boolean; policy?: string }): Promise<Trace> {
  const scenario = loadScenario(path);
  const policy = loadPolicy(opts.policy);
  try {
    if (opts.temporal) {
      const { simulateOnTemporal } = await import('../../simulator/temporal-engine');
      return await simulateOnTemporal(scenario, policy);
    }
    return await runScenario(scenario, new PureEngine(scenario, undefined, policy));
  } catch (e) {
    if (e instanceof ScenarioError) throw badInput(`${path}: ${e.message}`);
    throw e;
  }
}

export function register(program: Command) {
  program
    .command('simulate')
    .description('run a scenario file through the journey and print its trace as JSON')
    .argument('<scenario.json>', 'scenario file (journey.md B4)')
    .option('--temporal', 'run it as a real workflow on the time-skipping test server')
    .option('--pretty', 'print a readable timeline instead of JSON')
    .option('--policy <what-if.json>', 'change rule parameters (docs/policy.md), e.g. {"doubtWindowWorkingDays": 10}')
    .action(async (path: string, opts: { temporal?: boolean; pretty?: boolean; policy?: string }) => {
      const trace = await simulate(path, opts);
      process.stdout.write(opts.pretty ? prettyTrace(trace) : JSON.stringify(trace, null, 2) + '\n');
    });
}
