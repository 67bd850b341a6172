// `hwc worker`: one more worker process against any cluster (run several for more load). It refuses to
// start without the deployment's codec keys (payloads it could not read) and identity keys (journeys its
// weekly-report schedule starts would trust no one), each with one line saying what to set.
import type { Command } from 'commander';
import { installRuntime } from '../../worker/runtime';
import { connectWorker, UnreachableError } from '../../worker/connection';
import { createHwcWorker, type WorkerDeployment } from '../../worker/worker';
import { dataConverterFor } from '../../worker/data-converter';
import { config, staffDirectory, store } from '../context';
import { CliError } from '../errors';
import { trustedKeys } from '../identity';
import { assertPortFree } from '../ports';
import { KeyError } from '../../worker/codec';
import { BuildId, type HwcConfig } from '../../worker/config';

export function register(program: Command) {
  program
    .command('worker')
    .description('run a worker against TEMPORAL_ADDRESS (more processes = more capacity) until SIGTERM/Ctrl-C')
    .option('--build-id <id>', 'serve this build of the worker deployment (default HWC_BUILD_ID; docs/deploys.md)')
    .addHelpText(
      'after',
      `
With a build id (--build-id or HWC_BUILD_ID) the worker serves that build of the worker deployment
HWC_DEPLOYMENT_NAME (default hwc); journeys keep the build they started on (HWC_VERSIONING_BEHAVIOR=pinned,
the default) until moved. Make a build current with
  temporal worker deployment set-current-version --deployment-name hwc --build-id <id>

Every worker of a deployment needs the same codec keys (HWC_CODEC_KEY_FILE or HWC_CODEC_KEYS), the same
identity keys (HWC_IDENTITY_KEY_FILE; public halves suffice) and, on more than one host, one shared
stub store (HWC_DB=postgres://…).`,
    )
    .action(async (opts: { buildId?: string }) => {
      const cfg = config();
      const deployment = deploymentOf(cfg, opts.buildId);
      staffDirectory(cfg); // a malformed staff file stops the start, not the first event
      const dataConverter = (() => {
        try {
          return dataConverterFor(cfg, 'worker');
        } catch (e) {
          throw e instanceof KeyError ? new CliError(e.message, 2) : e;
        }
      })();
      // Journeys this worker starts (the weekly-report schedule) trust the deployment's keys, as hwc dev's do.
      const trust = trustedKeys(cfg);
      if (cfg.metricsPort) await assertPortFree(cfg.metricsPort, 'metrics', 'HWC_METRICS_PORT');
      installRuntime(cfg.logLevel === 'debug' || cfg.logLevel === 'trace' ? 'DEBUG' : 'INFO', {
        metricsPort: cfg.metricsPort ?? undefined,
      });
      const stubs = await store(cfg);
      const connection = await connectWorker(cfg).catch((e) => {
        throw e instanceof UnreachableError ? new CliError(e.message) : e;
      });
      const worker = await createHwcWorker({
        connection,
        namespace: cfg.namespace,
        taskQueue: cfg.taskQueue,
        store: stubs,
        stubLatencyMs: cfg.stubLatencyMs,
        dataConverter,
        trust,
        deployment: deployment ?? undefined,
        maxCachedWorkflows: cfg.maxCachedWorkflows,
        maxConcurrentActivities: cfg.maxConcurrentActivities,
        maxConcurrentWorkflowTasks: cfg.maxConcurrentWorkflowTasks,
      });
      if (cfg.metricsPort) process.stderr.write(`hwc worker: metrics on http://0.0.0.0:${cfg.metricsPort}/metrics\n`);
      const build = deployment
        ? ` as build ${deployment.buildId} of deployment ${deployment.name} (${deployment.behavior.toLowerCase()})`
        : '';
      process.stderr.write(`hwc worker: polling ${cfg.taskQueue} on ${cfg.address}/${cfg.namespace}${build}\n`);
      await worker.run();
      await connection.close();
      await stubs.close();
    });
}

/** The build this worker serves: --build-id, else HWC_BUILD_ID; none: an unversioned worker. */
function deploymentOf(cfg: HwcConfig, flag: string | undefined): WorkerDeployment | null {
  const parsed = flag === undefined ? null : BuildId.safeParse(flag);
  if (parsed && !parsed.success) throw new CliError(`--build-id: ${parsed.error.issues[0].message}`, 2);
  const buildId = parsed?.data ?? cfg.buildId;
  return buildId ? { name: cfg.deploymentName, buildId, behavior: cfg.versioningBehavior } : null;
}
