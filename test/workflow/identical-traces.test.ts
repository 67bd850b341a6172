// Issue 4, done-when 1: for every scenario of the suite, the Temporal engine prints exactly the trace
// the pure engine prints.
import { basename } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PureEngine } from '../../simulator/pure-engine';
import { runScenario } from '../../simulator/runner';
import { TemporalSimulator } from '../../simulator/temporal-engine';
import { loadScenarioFile, scenarioFiles } from '../helpers/scenarios';

let sim: TemporalSimulator;
beforeAll(async () => {
  sim = await TemporalSimulator.create();
});
afterAll(async () => {
  await sim?.close();
});

describe('both engines print identical traces', () => {
  for (const file of scenarioFiles()) {
    it(basename(file), async () => {
      const scenario = loadScenarioFile(file);
      const pure = await runScenario(scenario, new PureEngine(scenario));

      const temporal = await sim.run(scenario);

      expect(temporal).toEqual(pure);
    });
  }
});
