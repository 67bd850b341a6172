// The Temporal engine: the scenario runs as a real `hwcJourney` workflow on the time-skipping test server,
// with a real worker and the SQLite stubs. The workflow's business clock is offset so that it starts at
// the scenario's start; every event carries an explicit `at`; so its trace equals the pure engine's.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { executeEvent, type EventSigner } from '../client/journeys';
import { ephemeralIssuer } from '../identity/ephemeral';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { History } from '@temporalio/common/lib/proto-utils';
import { StubStore } from '../activities/store';
import { holidaysForJourney } from '../domain/bank-holidays';
import { CURRENT_POLICY, type Policy } from '../domain/policy';
import type { JourneyEvent, Scenario, Trace } from '../domain/schemas';
import { testServerExecutable } from '../worker/binaries';
import { installRuntime } from '../worker/runtime';
import { createHwcWorker } from '../worker/worker';
import { journeyQuery, viewQuery, workflowIdFor, type JourneyView } from '../workflows/messages';
import { hwcJourney } from '../workflows/journey';
import type { Engine, EngineView } from './runner';
import { runScenario } from './runner';

const POLL_MS = 20;
const QUIESCE_LIMIT_MS = 60_000;

export class TemporalEngine implements Engine {
  private clock: string;

  constructor(
    private readonly env: TestWorkflowEnvironment,
    private readonly handle: WorkflowHandle<typeof hwcJourney>,
    private readonly offsetMs: number,
    start: string,
    private readonly sign: EventSigner,
  ) {
    this.clock = start;
  }

  /** Wait until the workflow has handled every deadline up to the clock and performed every effect. */
  private async settled(): Promise<JourneyView> {
    const deadline = Date.now() + QUIESCE_LIMIT_MS;
    for (;;) {
      const v = await this.handle.query(viewQuery);
      const timersDone = !v.nextTimer || v.nextTimer.at > this.clock;
      if ((v.ended || timersDone) && v.pendingEffects === 0) return v;
      if (Date.now() > deadline) throw new Error(`workflow did not settle in state ${v.stage}`);
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  async view(): Promise<EngineView> {
    const v = await this.settled();
    return { ...v, now: this.clock };
  }

  async deliver(event: JourneyEvent & { at: string }): Promise<void> {
    await executeEvent(this.handle, event, this.sign);
    await this.settled();
  }

  async advanceTo(at: string): Promise<void> {
    const businessNow = (await this.env.currentTimeMs()) + this.offsetMs;
    const ms = Date.parse(at) - businessNow;
    if (ms > 0) await this.env.sleep(ms);
    if (at > this.clock) this.clock = at;
    await this.settled();
  }

  async trace(): Promise<Trace> {
    return this.handle.query(journeyQuery);
  }
}

/** A reusable harness: one test server and one worker for many scenarios (tests run dozens). */
export class TemporalSimulator {
  private constructor(
    readonly env: TestWorkflowEnvironment,
    private readonly worker: Worker,
    private readonly store: StubStore,
    private readonly dir: string,
    private readonly running: Promise<void>,
  ) {}

  static async create(): Promise<TemporalSimulator> {
    installRuntime('WARN');
    const executable = testServerExecutable();
    const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable } }).catch((e: Error) => {
      const where = executable.type === 'existing-path' ? executable.path : 'SDK download';
      throw new Error(
        `the time-skipping test server (${where}) did not start (${e.message.split(/[:\n]/)[0]}): run \`bash scripts/setup.sh\`, or point HWC_TEST_SERVER at a working temporal-test-server`,
      );
    });
    const dir = mkdtempSync(join(tmpdir(), 'hwc-sim-'));
    const store = await StubStore.open(join(dir, 'stubs.sqlite'));
    const worker = await createHwcWorker({ connection: env.nativeConnection, store, taskQueue: 'hwc-simulate' });
    const running = worker.run();
    return new TemporalSimulator(env, worker, store, dir, running);
  }

  private runs = 0;
  /** Every event is signed, and every journey verifies it, exactly as in production (identity/ephemeral.ts). */
  private readonly identity = ephemeralIssuer();

  async run(scenario: Scenario, policy: Policy = CURRENT_POLICY): Promise<Trace> {
    return (await this.execute(scenario, false, policy)).trace;
  }

  /** Run a scenario and also return the finished workflow's history (golden histories for `hwc audit`). */
  async runWithHistory(scenario: Scenario): Promise<{ trace: Trace; history: History }> {
    const { trace, history } = await this.execute(scenario, true);
    return { trace, history: history! };
  }

  private async execute(
    scenario: Scenario,
    withHistory: boolean,
    policy: Policy = CURRENT_POLICY,
  ): Promise<{ trace: Trace; history?: History }> {
    const ref = scenario.claimant.claimantRef;
    // JSAPS holds the scenario's record: the pre-call check reads it from the stub, as in production.
    await this.store.putClaimant(ref, scenario.claimant);
    const serverNow = await this.env.currentTimeMs();
    const offsetMs = Date.parse(scenario.start) - serverNow;
    const handle = await this.env.client.workflow.start(hwcJourney, {
      taskQueue: 'hwc-simulate',
      workflowId: `${workflowIdFor(ref)}-sim-${++this.runs}-${serverNow}`,
      args: [
        {
          office: scenario.office,
          record: scenario.claimant,
          holidays: holidaysForJourney(scenario.start),
          start: scenario.start,
          policy,
          clockOffsetMs: offsetMs,
          searchAttributes: false,
          trust: this.identity.trust,
        },
      ],
    });
    const sign: EventSigner = async (workflowId, event) =>
      this.identity.sign(workflowId, event, { nowMs: await this.env.currentTimeMs() });
    const engine = new TemporalEngine(this.env, handle, offsetMs, scenario.start, sign);
    try {
      const trace = await runScenario(scenario, engine);
      // Fetched before the terminate below: the history ends where the journey did (no termination event).
      return withHistory ? { trace, history: await handle.fetchHistory() } : { trace };
    } finally {
      await handle.terminate('simulation finished').catch(() => undefined);
    }
  }

  async close() {
    this.worker.shutdown();
    await this.running;
    await this.env.teardown();
    await this.store.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export async function simulateOnTemporal(scenario: Scenario, policy: Policy = CURRENT_POLICY): Promise<Trace> {
  const sim = await TemporalSimulator.create();
  try {
    return await sim.run(scenario, policy);
  } finally {
    await sim.close();
  }
}
