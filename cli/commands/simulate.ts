// `hwc simulate`: run a scenario file (B4) and print its trace (B5); `--temporal` runs it as a real
// workflow on the time-skipping test server and must print the identical trace.
import type { Command } from 'commander';
import { Scenario, type Trace } from '../../domain/schemas';
import { PureEngine } from '../../simulator/pure-engine';
import { runScenario, ScenarioError } from '../../simulator/runner';
import { badInput } from '../errors';
import { parseWith, readJsonFile } from '../files';
import { prettyTrace } from '../pretty';

export function loadScenario(path: string): Scenario {
  return parseWith(Scenario, readJsonFile(path), path);
}

export async function simulate(path: string, opts: { temporal?: boolean }): Promise<Trace> {
  const scenario = loadScenario(path);
  try {
    if (opts.temporal) {
      const { simulateOnTemporal } = await import('../../simulator/temporal-engine');
      return await simulateOnTemporal(scenario);
    }
    return await runScenario(scenario, new PureEngine(scenario));
  } catch (e) {
    if (e instanceof ScenarioError) throw badInput(`${path}: ${e.message}`);
    throw e;
  }
}

export function register(program: Command) {
  program
    .command('simulate')
    .description('run a scenario file through the journey and print its trace as JSON')
    .argument('<scenario.json>', 'scenario file (docs/scenarios.md)')
    .option('--temporal', 'run it as a real workflow on the time-skipping test server')
    .option('--pretty', 'print a readable timeline instead of JSON')
    .action(async (path: string, opts: { temporal?: boolean; pretty?: boolean }) => {
      const trace = await simulate(path, opts);
      process.stdout.write(opts.pretty ? prettyTrace(trace) : JSON.stringify(trace, null, 2) + '\n');
    });
}
