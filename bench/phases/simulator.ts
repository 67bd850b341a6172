// Phase: the pure simulator and the pure core of the bench journey, before any server runs (one core,
// nothing else of ours running). The functions are in bench/pure.ts.
import { futureSlot, recordFor } from '../harness';
import { pureCostOfBenchJourney, simulatorThroughput } from '../pure';
import { NoData, type Phase } from './types';

export interface Simulator {
  throughput: Awaited<ReturnType<typeof simulatorThroughput>>;
  pureCore: ReturnType<typeof pureCostOfBenchJourney>;
}

export const simulator: Phase<Simulator> = {
  id: 'simulator',
  title: 'Pure simulator',
  server: false,
  freshWorker: false,
  async run({ S }) {
    const throughput = await simulatorThroughput(S.simSeconds);
    if (!throughput.runs) throw new NoData('no scenario ran (test/scenarios is empty?)');
    return { throughput, pureCore: pureCostOfBenchJourney(recordFor('P-00001'), futureSlot()) };
  },
  summary({ throughput: s, pureCore }) {
    return [
      `${s.scenarios} scenarios of test/scenarios, ${s.runs} runs in ${s.seconds} s on one thread: **${s.scenariosPerSecond} scenarios/s** (${s.msPerScenario} ms each). ` +
        `Pure core of the bench journey (record parse, start, 2 validations, 1 step, trace, timers): ${pureCore.workflowPureCostPerJourneyUs} µs.`,
      '',
    ];
  },
};
