// `hwc dev`: the whole system on one machine — Temporal dev server (Web UI, SQLite file), the Hwc*
// search attributes, one worker — until Ctrl-C. `--demo` seeds a caseload to look at. The data folder is
// locked for the server's lifetime (cli/data-lock.ts); the server's and the SDK's chatter goes to
// `<data>/dev.log` (cli/dev-server.ts, worker/runtime.ts) and the terminal shows hwc's own lines.
import { createWriteStream, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
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
import { acquireDataLock, DataDirLockedError } from '../data-lock';
import { DevServerError, startDevServer } from '../dev-server';
import { seedDemo } from '../demo';
import { DEMO_STAFF, ensureDemoStaff } from '../demo-staff';
import { identityKeyPath, liveTrustedKeys, requireStaffDirectory, staffFilePath } from '../identity';
import { signerFor } from '../../client/journeys';
import { findStaff } from '../../domain/staff';
import { ensureDevIdentityKeys, type IdentityKeys } from '../../identity/keys';
import { issueCredential } from '../../identity/signer';
import type { HwcConfig } from '../../worker/config';
import { CliError, reasonOnly } from '../errors';
import { assertPortFree } from '../ports';
import { startWebServer, type WebServer } from '../../web/server';

/** The log file of `hwc dev`, in the data folder; the previous one is kept as `dev.log.1` past this size. */
export const DEV_LOG = 'dev.log';
const ROTATE_AT = 20 * 1024 * 1024;

export interface DevOptions {
  demo?: boolean;
  port?: string;
  uiPort?: string;
  webPort?: string;
  verbose?: boolean;
}

function openLog(dataDir: string) {
  const path = resolve(dataDir, DEV_LOG);
  if (existsSync(path) && statSync(path).size > ROTATE_AT) renameSync(path, `${path}.1`);
  const stream = createWriteStream(path, { flags: 'a', mode: 0o600 });
  stream.write(`--- hwc dev started ${new Date().toISOString()} (pid ${process.pid}) ---\n`);
  return { path, write: (line: string) => stream.write(line + '\n'), close: () => stream.end() };
}

const port = (value: string | undefined, fallback: number, flag: string) => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d{1,5}$/.test(value) || n < 1 || n > 65535) throw new CliError(`${flag}: a port number from 1 to 65535`, 2);
  return n;
};

export async function dev(opts: DevOptions) {
  const cfg = config();
  staffDirectory(cfg); // a malformed staff file stops the start, not the first event
  const grpcPort = port(opts.port, cfg.devPort, '--port');
  const uiPort = port(opts.uiPort, cfg.uiPort, '--ui-port');
  const webPort = port(opts.webPort, cfg.webPort, '--web-port');
  const log = (line: string) => process.stderr.write(`hwc dev: ${line}\n`);
  mkdirSync(cfg.dataDir, { recursive: true });
  // The folder first: a second server on the same SQLite file is the harm; its ports are a symptom.
  let lock;
  try {
    lock = acquireDataLock(cfg.dataDir, { onTakeover: log });
  } catch (e) {
    if (e instanceof DataDirLockedError) throw new CliError(e.message, 2);
    throw e;
  }
  await assertPortFree(grpcPort, 'Temporal gRPC', 'HWC_DEV_PORT or --port');
  await assertPortFree(uiPort, 'Temporal Web UI', 'HWC_UI_PORT or --ui-port');
  // A port chosen on purpose must be free; the default (3000) is often taken, and then the front door waits.
  if (opts.webPort !== undefined || process.env.HWC_WEB_PORT !== undefined)
    await assertPortFree(webPort, 'web front door', 'HWC_WEB_PORT or --web-port');
  const codecPort = opts.uiPort ? uiPort + 1 : cfg.codecPort;
  if (cfg.encryption) await assertPortFree(codecPort, 'codec server', 'HWC_CODEC_PORT');
  // hwc dev is the one command that creates keys: an identity key for one machine and, with --demo, demo staff.
  // After the port checks: a start that cannot happen creates nothing.
  const identity = devIdentity(cfg, log);
  if (opts.demo) await demoStaff(cfg, log);
  let executable;
  try {
    executable = devServerExecutable();
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  const binary = resolveTemporalCli();
  const file = openLog(cfg.dataDir);
  const debug = cfg.logLevel === 'debug' || cfg.logLevel === 'trace';
  // The SDK's INFO lines (worker state, polling) are for the log file; its warnings and errors are hwc's
  // own problems and stay on the terminal.
  installRuntime(debug ? 'DEBUG' : 'INFO', {
    terminal: opts.verbose ? undefined : 'WARN',
    file: (line) => file.write(`worker | ${line}`),
    metricsPort: cfg.metricsPort ?? undefined,
  });
  log(`starting Temporal dev server (${binary.source}${binary.path ? `: ${binary.path}` : ''}) …`);
  log(
    `server and worker logs: ${file.path}${opts.verbose ? ' (and here: --verbose)' : ' (--verbose shows them here)'}`,
  );
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
  // Staff only: a session certificate (the web front door's hwc_cert cookie, or a bearer token) verified
  // against this machine's identity keys; each decode is a line in dev.log.
  const codecServer = codec
    ? await startCodecServer({
        codec,
        port: codecPort,
        allowedOrigins: [`http://localhost:${uiPort}`, `http://127.0.0.1:${uiPort}`],
        trust: liveTrustedKeys(cfg),
        log: (line) => file.write(`codec | ${line}`),
      })
    : null;
  const dataConverter = keys ? { payloadCodecs: [new AesGcmCodec(keys, 'refuse')] } : undefined;
  const workerDataConverter = keys ? { payloadCodecs: [new AesGcmCodec(keys, 'marker')] } : undefined;
  const server = {
    ip: '127.0.0.1',
    port: grpcPort,
    uiPort,
    namespace: cfg.namespace,
    dbFilename: resolve(cfg.dataDir, 'temporal.sqlite'),
    searchAttributes: HWC_SEARCH_ATTRIBUTES,
    extraArgs: codecServer ? ['--ui-codec-endpoint', `http://localhost:${codecPort}`] : [],
  };
  let stopServer: () => Promise<void>;
  let address: string;
  try {
    if (binary.path) {
      const s = await startDevServer({
        ...server,
        executable: binary.path,
        verbose: !!opts.verbose,
        log: (line) => file.write(`temporal | ${line}`),
        show: (line) => process.stderr.write(line + '\n'),
      });
      lock.setServerPid(s.pid);
      ({ address, stop: stopServer } = s);
    } else {
      // No binary of our own (the SDK downloads one): its launcher, whose output cannot be sorted.
      const env = await TestWorkflowEnvironment.createLocal({
        server: { ...server, executable, ui: true, log: { format: 'pretty', level: 'warn' } },
      });
      address = env.address;
      stopServer = () => env.teardown();
    }
  } catch (e) {
    codecServer?.close();
    const why = e instanceof DevServerError ? e.message : (e as Error).message.split(/[:\n]/)[0];
    throw new CliError(
      `the Temporal dev server (${binary.path ?? 'SDK download'}) did not start (${why}): run \`bash scripts/setup.sh\`, or point HWC_TEMPORAL_CLI at a working temporal binary (details in ${file.path})`,
    );
  }
  const nativeConnection = await NativeConnection.connect({ address });
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace: cfg.namespace, dataConverter });
  const worker = await createHwcWorker({
    connection: nativeConnection,
    namespace: cfg.namespace,
    taskQueue: cfg.taskQueue,
    store,
    stubLatencyMs: cfg.stubLatencyMs,
    dataConverter: workerDataConverter,
    // Read again when the key file changes: journeys started after `hwc keys rotate` trust the new key.
    trust: liveTrustedKeys(cfg),
    maxCachedWorkflows: cfg.maxCachedWorkflows,
    maxConcurrentActivities: cfg.maxConcurrentActivities,
    maxConcurrentWorkflowTasks: cfg.maxConcurrentWorkflowTasks,
  });
  const running = worker.run();
  const web = await startFrontDoor(cfg, client, identity, webPort, `http://localhost:${uiPort}`, log, file.write);
  log(`Temporal at ${address} (namespace ${cfg.namespace}), data in ${cfg.dataDir}`);
  log(`Web UI: http://localhost:${uiPort}/namespaces/${cfg.namespace}/workflows`);
  if (codecServer)
    log(
      `payloads encrypted (AES-256-GCM); Web UI decrypts through http://localhost:${codecPort} for signed-in auditors and managers (the hwc_cert cookie; in the Web UI's codec settings, include cross-origin credentials)`,
    );
  log('worker polling task queue ' + cfg.taskQueue + '; press Ctrl-C to stop');
  if (opts.demo) {
    seedDemo({
      client,
      taskQueue: cfg.taskQueue,
      putClaimant: (ref: string, r: unknown) => store.putClaimant(ref, r),
      log,
      trust: identity.trusted,
      signerFor: demoSigner(cfg, identity),
    }).catch((e) => log(`demo seeding failed: ${reasonOnly((e as Error).message)}`));
  }
  // The SDK runtime turns SIGINT/SIGTERM into a graceful worker shutdown; then the server goes.
  await running;
  log('worker stopped; stopping the dev server …');
  await web?.close().catch(() => undefined);
  await connection.close().catch(() => undefined);
  await nativeConnection.close().catch(() => undefined);
  await stopServer();
  codecServer?.close();
  await store.close();
  lock.release();
  log('stopped');
  file.close();
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
    .option('--web-port <port>', 'staff web front door port (default HWC_WEB_PORT or 3000)')
    .option('--verbose', "show the server's and the SDK's log lines here too (they always go to <data>/dev.log)")
    .addHelpText(
      'after',
      `
The data folder (HWC_DATA_DIR, default ./data) holds the server's SQLite file, the stub systems, the
codec keys and dev.log; one hwc dev at a time may use it (a second one exits 2 naming the first). To
run two, give each its own folder and ports: HWC_DATA_DIR=./data-2 npx hwc dev --port 7243 --ui-port 8243`,
    )
    .action(dev);
}

/** The staff front door (web/), when there is a staff directory to sign people in with. */
async function startFrontDoor(
  cfg: HwcConfig,
  client: Client,
  keys: IdentityKeys,
  webPort: number,
  temporalUi: string,
  log: (line: string) => void,
  logFile: (line: string) => void,
): Promise<WebServer | null> {
  if (!keys.issuer || !existsSync(staffFilePath(cfg))) {
    log(`web front door not started: no staff directory at ${staffFilePath(cfg)} (use --demo, or set HWC_STAFF_FILE)`);
    return null;
  }
  try {
    const web = await startWebServer({
      cfg: { ...cfg, webPort },
      client,
      staff: () => requireStaffDirectory(cfg),
      issuer: keys.issuer,
      temporalUi,
      log: (line) => logFile(`web | ${line}`),
    });
    log(`staff front door: ${web.url}`);
    return web;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
    log(`web front door not started: port ${webPort} is in use (set HWC_WEB_PORT or --web-port)`);
    return null;
  }
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
