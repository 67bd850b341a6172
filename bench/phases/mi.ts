// Phase: management information (issue 14), no server needed: `hwc mi` over a projection of 10,000
// journeys (in-process and as the CLI people run), and the caseload simulator's journeys per second per
// core. The measurements are in bench/mi.ts (also runnable alone: `npx tsx bench/mi.ts`).
import { miQueryTime, simulatorRate, type MiQueryTime, type SimulatorRate } from '../mi';
import { NoData, type Phase } from './types';

export interface Mi {
  query: MiQueryTime;
  simulator: SimulatorRate;
}

export const mi: Phase<Mi> = {
  id: 'mi',
  title: 'Management information and the caseload simulator',
  server: false,
  freshWorker: false,
  async run({ quick }) {
    // The sizes in both runs (10,000 journeys): the projection is written in a few seconds.
    const query = await miQueryTime({ journeys: 10_000, rounds: quick ? 2 : 3 });
    const simulator = await simulatorRate({ journeys: 10_000, seconds: quick ? 5 : 10 });
    if (!simulator.report.journeys || !simulator.scenarios.runs) throw new NoData('the simulator ran no journey');
    return { query, simulator };
  },
  summary({ query: q, simulator: s }) {
    return [
      `\`hwc mi\` over ${q.journeys.toLocaleString('en-GB')} journeys of the MI projection: **${q.cliMs} ms** as the CLI ` +
        `(\`hwc mi --json\`, Node start-up included; ${q.cliMsOfficeFilter} ms with \`--office\`), ${q.inProcessMs} ms in-process ` +
        `(read every row, compute every figure; best of ${q.rounds}); writing a row ${q.writeMsPerRow} ms.`,
      `Caseload simulator, one thread: a ${s.report.journeys.toLocaleString('en-GB')}-row weekly report through the behaviour model in ` +
        `${s.report.seconds} s, **${s.report.journeysPerCpuSecond} journeys per CPU-second** (${s.report.journeysPerSecond}/s); ` +
        `the scenario files with their events: ${s.scenarios.journeysPerCpuSecond} per CPU-second.`,
      '',
    ];
  },
};
