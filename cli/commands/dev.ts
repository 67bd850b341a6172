// `hwc dev`: the whole system on one machine — Temporal dev server (Web UI, SQLite file), the Hwc*
// search attributes, one worker — until Ctrl-C. `--demo` seeds a caseload to look at.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { StubStore } from '../../activities/store';
import { devServerExecutable, resolveTemporalCli } from '../../worker/binaries';
import { installRuntime } from '../../worker/runtime';
import { createHwcWorker } from '../../worker/worker';
import { HWC_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { AesGcmCodec, KeyError, type CodecKeys } from '../../worker/codec';
import { startCodecServer } from '../../worker/codec-server';
import { codecKeys } from '../../worker/data-converter';
import { config, staffDirectory } from '../context';
import { seedDemo } from '../demo';
import { DEMO_STAFF, ensureDemoStaff } from '../demo-staff';
import { identityKeyPath, requireStaffDirectory, staffFilePath } from '../identity';
import { signerFor } from '../../client/journeys';
import { findStaff } from '../../domain/staff';
import { ensureDevIdentityKeys, type IdentityKeys } from '../../identity/keys';
import { issueCredential } from '../../identity/signer';
import type { HwcConfig } from '../../worker/config';
import { CliError } from '../errors';
import { assertPortFree } from '../ports';

export interface DevOptions {
  demo?: boolean;
  port?: string;
  uiPort?: string;
}

export async function dev(opts: DevOptions) {
  const log = (line: string) => process.stderr.write(`hwc dev: ${line}\n`);
  const cfg = config();
  staffDirectory(cfg); // a malformed staff file stops the start, not the first event
  const port = opts.port ? Number(opts.port) : cfg.devPort;
  const uiPort = opts.uiPort ? Number(opts.uiPort) : cfg.uiPort;
  await assertPortFree(port, 'Temporal gRPC', 'HWC_DEV_PORT or --port');
  await assertPortFree(uiPort, 'Temporal Web UI', 'HWC_UI_PORT or --ui-port');
  const codecPort = opts.uiPort ? uiPort + 1 : cfg.codecPort;
  if (cfg.encryption) await assertPortFree(codecPort, 'codec server', 'HWC_CODEC_PORT');
  let executable;
  try {
    executable = devServerExecutable();
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  const binary = resolveTemporalCli();
  mkdirSync(cfg.dataDir, { recursive: true });
  // hwc dev is the one command that creates keys: an identity key for one machine and, with --demo, demo staff.
  const identity = devIdentity(cfg, log);
  if (opts.demo) await demoStaff(cfg, log);
  installRuntime(cfg.logLevel === 'debug' || cfg.logLevel === 'trace' ? 'DEBUG' : 'WARN');
  log(`starting Temporal dev server (${binary.source}${binary.path ? `: ${binary.path}` : ''}) …`);
  // Payloads are encrypted; the Web UI decrypts them through the local codec server.
  // Only here are keys created (the default key file of this data folder); a custom path must exist.
  const keys: CodecKeys | null = (() => {
    try {
      return cfg.encryption ? codecKeys(cfg, { createForDev: true }) : null;
    } catch (e) {
      throw e instanceof KeyError ? new CliError(e.message, 2) : e;
    }
  })();
  // The Web UI's codec server shows payloads as they are; the worker turns unencrypted ones into a marker
  // its Update validator refuses; this process's client refuses them.
  const codec = keys ? new AesGcmCodec(keys, 'pass') : null;
  const store = await StubStore.open(cfg.dbPath, { keys }).catch((e: Error) => {
    throw new CliError(e.message);
  });
  const codecServer = codec
    ? await startCodecServer(codec, codecPort, [`http://localhost:${uiPort}`, `http://127.0.0.1:${uiPort}`])
    : null;
  const dataConverter = keys ? { payloadCodecs: [new AesGcmCodec(keys, 'refuse')] } : undefined;
  const workerDataConverter = keys ? { payloadCodecs: [new AesGcmCodec(keys, 'marker')] } : undefined;
  let env: TestWorkflowEnvironment;
  try {
    env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable,
        ip: '127.0.0.1',
        port,
        ui: true,
        uiPort,
        namespace: cfg.namespace,
        dbFilename: resolve(cfg.dataDir, 'temporal.sqlite'),
        searchAttributes: HWC_SEARCH_ATTRIBUTES,
        log: { format: 'pretty', level: 'warn' },
        extraArgs: codecServer ? ['--ui-codec-endpoint', `http://localhost:${codecPort}`] : [],
      },
      client: { dataConverter },
    });
  } catch (e) {
    const why = (e as Error).message.split(/[:\n]/)[0];
    throw new CliError(
      `the Temporal dev server (${binary.path ?? 'SDK download'}) did not start (${why}): run \`bash scripts/setup.sh\`, or point HWC_TEMPORAL_CLI at a working temporal binary`,
    );
  }
  const worker = await createHwcWorker({
    connection: env.nativeConnection,
    namespace: cfg.namespace,
    taskQueue: cfg.taskQueue,
    store,
    stubLatencyMs: cfg.stubLatencyMs,
    dataConverter: workerDataConverter,
    trust: identity.trusted,
    maxCachedWorkflows: cfg.maxCachedWorkflows,
    maxConcurrentActivities: cfg.maxConcurrentActivities,
    maxConcurrentWorkflowTasks: cfg.maxConcurrentWorkflowTasks,
  });
  const running = worker.run();
  log(`Temporal at 127.0.0.1:${port} (namespace ${cfg.namespace}), data in ${cfg.dataDir}`);
  log(`Web UI: http://localhost:${uiPort}/namespaces/${cfg.namespace}/workflows`);
  if (codecServer) log(`payloads encrypted (AES-256-GCM); Web UI decrypts through http://localhost:${codecPort}`);
  log('worker polling task queue ' + cfg.taskQueue + '; press Ctrl-C to stop');
  if (opts.demo) {
    seedDemo({
      client: env.client,
      taskQueue: cfg.taskQueue,
      putClaimant: (ref: string, r: unknown) => store.putClaimant(ref, r),
      log,
      trust: identity.trusted,
      signerFor: demoSigner(cfg, identity),
    }).catch((e) => log(`demo seeding failed: ${(e as Error).message}`));
  }
  // The SDK runtime turns SIGINT/SIGTERM into a graceful worker shutdown; then the server goes.
  await running;
  log('worker stopped; stopping the dev server …');
  await env.teardown();
  codecServer?.close();
  await store.close();
  log('stopped');
  // Requests still in flight (demo seeding) must not outlive the server they talk to.
  process.exit(0);
}

export function register(program: Command) {
  program
    .command('dev')
    .description('run Temporal (dev server with Web UI, SQLite file) and a worker until Ctrl-C')
    .option('--demo', 'seed a demo caseload of about 20 journeys')
    .option('--port <port>', 'Temporal gRPC port (default HWC_DEV_PORT or 7233)')
    .option('--ui-port <port>', 'Web UI port (default HWC_UI_PORT or 8233)')
    .action(dev);
}

function devIdentity(cfg: HwcConfig, log: (line: string) => void): IdentityKeys {
  const path = identityKeyPath(cfg);
  const keys = ensureDevIdentityKeys(path);
  if (keys.created) log(`created an identity key for this machine: ${path} (keep it private; other hosts need it too)`);
  return keys;
}

async function demoStaff(cfg: HwcConfig, log: (line: string) => void) {
  const path = staffFilePath(cfg);
  const made = await ensureDemoStaff(path).catch((e: Error) => {
    throw new CliError(e.message, 2);
  });
  if (!made.created) return;
  log(`created demo staff in ${path}: ${DEMO_STAFF.map((s) => `${s.staffId} (${s.roles.join('+')})`).join(', ')}`);
  log(
    made.generatedPassword
      ? `demo staff password: ${made.generatedPassword} (set HWC_DEMO_PASSWORD to choose one)`
      : 'demo staff password: the value of HWC_DEMO_PASSWORD',
  );
}

/** The demo caseload is recorded by demo staff, signed in by hwc dev itself with the machine's issuer key. */
function demoSigner(cfg: HwcConfig, keys: IdentityKeys) {
  const dir = requireStaffDirectory(cfg);
  return (staffId: string) => {
    const member = findStaff(dir, staffId);
    if (!member || !keys.issuer) throw new CliError(`demo: ${staffId} is not in the staff directory`, 2);
    return signerFor(issueCredential(keys.issuer, member, { lifetimeMs: 60 * 60_000 }));
  };
}
