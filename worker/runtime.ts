// The SDK runtime's logging: everything to stderr (stdout carries traces and JSON other programs read),
// at the configured level. Native core logs are forwarded to the same logger.
import { DefaultLogger, Runtime, makeTelemetryFilterString, type LogLevel } from '@temporalio/worker';

let installed = false;

export function installRuntime(level: LogLevel = 'WARN') {
  if (installed) return;
  installed = true;
  const logger = new DefaultLogger(level, ({ level: l, message, meta }) => {
    // Workflow and activity logs carry ids and types only; claimant data is never logged.
    process.stderr.write(
      `${new Date().toISOString()} ${l} ${message}${meta && Object.keys(meta).length ? ' ' + safeMeta(meta) : ''}\n`,
    );
  });
  if (process.env.VITEST) return; // tests keep the SDK's default runtime (one per process, set on first use)
  Runtime.install({
    logger,
    telemetryOptions: {
      logging: {
        filter: makeTelemetryFilterString({ core: level === 'DEBUG' || level === 'TRACE' ? level : 'ERROR' }),
        forward: {},
      },
    },
  });
}

function safeMeta(meta: Record<string, unknown>): string {
  try {
    return JSON.stringify(meta);
  } catch {
    return '';
  }
}
