// The Temporal dev server of `hwc dev`, run as our own child process so that its output can be sorted:
// every line goes to the log file under the data folder, and only what a user must act on (errors while
// running) reaches the terminal; `--verbose` shows everything. (The SDK's own launcher hands the server
// the process's stdout and stderr, so its warnings, e.g. `GetHistory page size is larger than threshold`
// dozens of times a session, would land between hwc's lines.) The arguments are those the SDK passes.
import { spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import { createInterface } from 'node:readline';
import { Connection } from '@temporalio/client';
import { TypedSearchAttributes, type SearchAttributeType } from '@temporalio/common';
import { terminalSafe } from './terminal';

export interface DevServerOptions {
  executable: string;
  ip: string;
  port: number;
  uiPort: number;
  namespace: string;
  dbFilename: string;
  searchAttributes: readonly { name: string; type: SearchAttributeType }[];
  extraArgs?: string[];
  /** Every line the server prints, with its stream. */
  log: (line: string) => void;
  /** Lines shown on the terminal: all of them with --verbose, else only errors while running. */
  verbose: boolean;
  show: (line: string) => void;
  /** How long to wait for the server to answer. */
  readyTimeoutMs?: number;
}

export interface DevServer {
  address: string;
  pid: number;
  /** Stops the server (SIGTERM, then SIGKILL after a grace period) and waits for it to exit. */
  stop(): Promise<void>;
}

export class DevServerError extends Error {}

/** A server line a user must see: an error or a crash, not a warning about page sizes or shards. */
const MATTERS = /\blevel=(error|fatal|dpanic|panic)\b|^\s*(panic|fatal error|error):/i;
/** Logged at ERROR by the server when a client stops waiting for an Update (a worker or CLI exiting): nothing failed. */
const CLIENT_GAVE_UP = /\blevel=error\b.*\berror="context canceled"/i;

export function devServerArgs(o: DevServerOptions): string[] {
  return [
    'server',
    'start-dev',
    '--port',
    String(o.port),
    '--namespace',
    o.namespace,
    '--ip',
    o.ip,
    '--log-format',
    'pretty',
    '--log-level',
    'warn',
    '--dynamic-config-value',
    'frontend.enableServerVersionCheck=false',
    '--dynamic-config-value',
    'frontend.enableUpdateWorkflowExecution=true',
    '--dynamic-config-value',
    'frontend.enableUpdateWorkflowExecutionAsyncAccepted=true',
    '--db-filename',
    o.dbFilename,
    '--ui-port',
    String(o.uiPort),
    ...o.searchAttributes.flatMap((k) => [
      '--search-attribute',
      `${k.name}=${TypedSearchAttributes.toMetadataType(k.type)}`,
    ]),
    ...(o.extraArgs ?? []),
  ];
}

export async function startDevServer(o: DevServerOptions): Promise<DevServer> {
  // Its own process group: Ctrl-C in the terminal reaches hwc, which drains the worker first and then
  // stops the server, instead of both stopping at once. An exit of hwc takes the server with it.
  const child = spawn(o.executable, devServerArgs(o), { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const killOnExit = () => child.kill('SIGKILL');
  const hangUp = () => {
    child.kill('SIGTERM');
    process.exit(129);
  };
  process.once('exit', killOnExit);
  process.once('SIGHUP', hangUp);
  let stopping = false;
  let lastProblem = '';
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => {
      process.off('exit', killOnExit);
      process.off('SIGHUP', hangUp);
      resolve(code ?? (signal ? 128 : null));
    });
    child.once('error', (e) => {
      lastProblem = e.message;
      resolve(null);
    });
  });
  let exitCode: number | null | undefined;
  void exited.then((c) => (exitCode = c));
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream! }).on('line', (line) => {
      o.log(line);
      const matters = MATTERS.test(line) && !CLIENT_GAVE_UP.test(line);
      if (matters) lastProblem = line;
      if (o.verbose || (matters && !stopping)) o.show(`temporal: ${terminalSafe(line)}`);
    });
  }
  const address = `${o.ip}:${o.port}`;
  const stop = async () => {
    stopping = true;
    if (exitCode !== undefined) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitReady(address, o.namespace, o.readyTimeoutMs ?? 90_000, () => exitCode !== undefined);
  } catch (e) {
    await stop();
    const why = lastProblem ? terminalSafe(lastProblem).slice(0, 300) : (e as Error).message;
    throw new DevServerError(why);
  }
  return { address, pid: child.pid!, stop };
}

/** The server is up when it accepts connections and knows the namespace. */
async function waitReady(address: string, namespace: string, timeoutMs: number, gone: () => boolean) {
  const [host, port] = [
    address.slice(0, address.lastIndexOf(':')),
    Number(address.slice(address.lastIndexOf(':') + 1)),
  ];
  const end = Date.now() + timeoutMs;
  const pause = () => new Promise((r) => setTimeout(r, 200));
  while (!(await accepts(host, port))) {
    if (gone()) throw new Error('the server exited while starting');
    if (Date.now() > end) throw new Error(`no answer on ${address} after ${timeoutMs / 1000} s`);
    await pause();
  }
  for (;;) {
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address, connectTimeout: '2s' });
      await connection.workflowService.describeNamespace({ namespace });
      return;
    } catch (e) {
      if (gone()) throw new Error('the server exited while starting', { cause: e });
      if (Date.now() > end)
        throw new Error(`namespace ${namespace} not ready after ${timeoutMs / 1000} s`, { cause: e });
      await pause();
    } finally {
      await connection?.close().catch(() => undefined);
    }
  }
}

const accepts = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
