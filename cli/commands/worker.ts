// `hwc worker`: one more worker process against any cluster (run several for more load).
import type { Command } from 'commander';
import { installRuntime } from '../../worker/runtime';
import { connectWorker, UnreachableError } from '../../worker/connection';
import { createHwcWorker } from '../../worker/worker';
import { dataConverterFor } from '../../worker/data-converter';
import { config, staffDirectory, store } from '../context';
import { CliError } from '../errors';
import { KeyError } from '../../worker/codec';
import { existsSync } from 'node:fs';
import { identityKeyPath, liveTrustedKeys } from '../identity';

export function register(program: Command) {
  program
    .command('worker')
    .description('run a worker against TEMPORAL_ADDRESS (more processes = more capacity) until SIGTERM/Ctrl-C')
    .action(async () => {
      const cfg = config();
      staffDirectory(cfg); // a malformed staff file stops the start, not the first event
      installRuntime(cfg.logLevel === 'debug' || cfg.logLevel === 'trace' ? 'DEBUG' : 'INFO');
      const dataConverter = (() => {
        try {
          return dataConverterFor(cfg, 'worker');
        } catch (e) {
          throw e instanceof KeyError ? new CliError(e.message, 2) : e;
        }
      })();
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
        maxCachedWorkflows: cfg.maxCachedWorkflows,
        maxConcurrentActivities: cfg.maxConcurrentActivities,
        maxConcurrentWorkflowTasks: cfg.maxConcurrentWorkflowTasks,
        // Journeys this worker starts from the weekly report trust the deployment's keys (read again after
        // `hwc keys rotate`); without a key file it starts none.
        trust: existsSync(identityKeyPath(cfg)) ? liveTrustedKeys(cfg) : undefined,
      });
      process.stderr.write(`hwc worker: polling ${cfg.taskQueue} on ${cfg.address}/${cfg.namespace}\n`);
      await worker.run();
      await connection.close();
      await stubs.close();
    });
}
