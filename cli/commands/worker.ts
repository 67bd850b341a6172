// `hwc worker`: one more worker process against any cluster (run several for more load). It refuses to
// start without the deployment's codec keys (payloads it could not read) and identity keys (journeys its
// weekly-report schedule starts would trust no one), each with one line saying what to set.
import type { Command } from 'commander';
import { installRuntime } from '../../worker/runtime';
import { connectWorker, UnreachableError } from '../../worker/connection';
import { createHwcWorker } from '../../worker/worker';
import { dataConverterFor } from '../../worker/data-converter';
import { config, staffDirectory, store } from '../context';
import { CliError } from '../errors';
import { trustedKeys } from '../identity';
import { KeyError } from '../../worker/codec';

export function register(program: Command) {
  program
    .command('worker')
    .description('run a worker against TEMPORAL_ADDRESS (more processes = more capacity) until SIGTERM/Ctrl-C')
    .addHelpText(
      'after',
      `
Every worker of a deployment needs the same codec keys (HWC_CODEC_KEY_FILE or HWC_CODEC_KEYS), the same
identity keys (HWC_IDENTITY_KEY_FILE; public halves suffice) and, on more than one host, one shared
stub store (HWC_DB=postgres://…).`,
    )
    .action(async () => {
      const cfg = config();
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
      installRuntime(cfg.logLevel === 'debug' || cfg.logLevel === 'trace' ? 'DEBUG' : 'INFO');
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
        maxCachedWorkflows: cfg.maxCachedWorkflows,
        maxConcurrentActivities: cfg.maxConcurrentActivities,
        maxConcurrentWorkflowTasks: cfg.maxConcurrentWorkflowTasks,
      });
      process.stderr.write(`hwc worker: polling ${cfg.taskQueue} on ${cfg.address}/${cfg.namespace}\n`);
      await worker.run();
      await connection.close();
      await stubs.close();
    });
}
