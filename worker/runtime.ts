// The SDK runtime's logging. The SDK's own default writes INFO lines (worker state, polling) straight to
// stderr, where they drown what hwc itself says; so every process routes them: a CLI command to stderr at
// its level (stdout carries traces and JSON other programs read), `hwc dev` to its log file and only
// warnings and errors to the terminal, and the test suite to `console`, which vitest shows for a failing
// test only (`silent: 'passed-only'`). Native core logs are forwarded to the same logger.
import { DefaultLogger, Runtime, makeTelemetryFilterString, type LogLevel } from '@temporalio/worker';

let installed = false;

const RANK: Record<LogLevel, number> = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4 };

/** Where a formatted log line goes (it ends without a newline); `core`: from the SDK's native core. */
export type LogSink = (line: string, level: LogLevel, core: boolean) => void;

export interface RuntimeLogOptions {
  /** Lines at this level or above go to the terminal (stderr). */
  terminal?: LogLevel;
  /** Every line at `level` or above also goes here (e.g. `hwc dev`'s log file). */
  file?: LogSink;
  /**
   * The SDK's metrics for Prometheus at `http://<host>:<port>/metrics` (HWC_METRICS_PORT; docs/production.md
   * lists the ones to watch). Labels carry namespaces, task queues and workflow and activity types: no
   * personal data.
   */
  metricsPort?: number;
}

const stderrSink: LogSink = (line) => process.stderr.write(line + '\n');

function logger(level: LogLevel, sink: LogSink) {
  return new DefaultLogger(level, ({ level: l, message, meta, timestampNanos }) => {
    // Workflow and activity logs carry ids and types only; claimant data is never logged.
    const at = new Date(Number(timestampNanos / 1_000_000n)).toISOString();
    const line = `${at} ${l} ${message}${meta && Object.keys(meta).length ? ' ' + safeMeta(meta) : ''}`;
    sink(line, l, meta?.sdkComponent === 'core');
  });
}

/** The native core's own threshold: its warnings only where there is a log file to keep them. */
const coreFilter = (level: LogLevel, keepWarnings = true) =>
  makeTelemetryFilterString({ core: level === 'DEBUG' || level === 'TRACE' ? level : keepWarnings ? 'WARN' : 'ERROR' });

/**
 * Installs the process's SDK runtime with hwc's logger: lines at `level` or above are written, to stderr
 * when they reach `o.terminal` (default: all of them) and to `o.file` when given.
 */
export function installRuntime(level: LogLevel = 'WARN', o: RuntimeLogOptions = {}) {
  if (installed) return;
  installed = true;
  if (process.env.VITEST) return; // the suite's logger is set once per test file (installTestLogger)
  const terminal = RANK[o.terminal ?? level];
  const sink: LogSink = (line, l, core) => {
    o.file?.(line, l, core);
    // The native core's warnings (a poll retried, a connection re-established) are for the log file: they
    // mean something to a user only when they become errors.
    const shown = core && o.file && terminal >= RANK.WARN ? RANK.ERROR : terminal;
    if (RANK[l] >= shown) stderrSink(line, l, core);
  };
  Runtime.install({
    logger: logger(level, sink),
    telemetryOptions: {
      logging: { filter: coreFilter(level, !!o.file), forward: {} },
      ...(o.metricsPort ? { metrics: prometheusOn(o.metricsPort) } : {}),
    },
  });
}

/** Bound on every interface: the scraper is usually on another machine. */
const prometheusOn = (port: number) => ({ prometheus: { bindAddress: `0.0.0.0:${port}` } });

/**
 * For the test suite (a vitest setup file): the SDK's logs through `console`, so vitest attributes them to
 * the running test and prints them only when it fails. Lazy: the runtime is still created on first use,
 * so a file that never touches Temporal pays nothing.
 */
export function installTestLogger(level: LogLevel = 'INFO') {
  const sink: LogSink = (line, l) => (RANK[l] >= RANK.WARN ? console.error(line) : console.log(line));
  Runtime.defaultOptions = {
    ...Runtime.defaultOptions,
    logger: logger(level, sink),
    telemetryOptions: { logging: { filter: coreFilter(level), forward: {} } },
  };
}

/** Writes out the log lines the SDK still buffers (it holds them ~100 ms to order them by time). */
export function flushRuntimeLogs() {
  const logger = (Runtime as unknown as { _instance?: Runtime })._instance?.logger as
    { flush?: () => void } | undefined;
  logger?.flush?.();
}

function safeMeta(meta: Record<string, unknown>): string {
  try {
    return JSON.stringify(meta, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
  } catch {
    return '';
  }
}
