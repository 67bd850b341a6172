// One `hwc dev` per data folder. Two Temporal dev servers on one SQLite file corrupt each other's shards
// ("Failed to update shard"), and the second one's port advice does not help, so the folder itself is
// locked: `<dataDir>/hwc-dev.lock`, created exclusively (O_EXCL), holding who took it. A lock whose holder
// is gone (killed, crashed machine) is taken over; a lock whose holder still runs refuses the start.
import { closeSync, openSync, readFileSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';

export const LOCK_FILE = 'hwc-dev.lock';

export interface LockHolder {
  pid: number;
  /** The holder's command line, as `ps` would show it. */
  command: string;
  /** When it took the lock (ISO-8601 UTC). */
  since: string;
  /** The Temporal server process it started, once known: it may outlive its parent. */
  serverPid?: number;
}

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
    readonly holderPid: number,
  ) {
    super(
      `the data folder ${dataDir} is in use by another hwc dev (pid ${holderPid}, \`${holder.command}\`, since ${holder.since}): ` +
        `stop it (Ctrl-C in its terminal, or kill ${holderPid}), or run this one on another folder with other ports, ` +
        `e.g. HWC_DATA_DIR=${dataDir}-2 npx hwc dev --port 7243 --ui-port 8243`,
    );
  }
}

export interface DataLock {
  path: string;
  /** Records the server process in the lock, so a takeover can tell whether it still runs. */
  setServerPid(pid: number): void;
  /** Removes the lock if it is still ours. Safe to call twice. */
  release(): void;
}

export interface AcquireOptions {
  /** Told when a stale lock is taken over. */
  onTakeover?: (line: string) => void;
  /** For tests: who this process says it is. */
  self?: { pid: number; command: string };
}

/** The command line of a running process (Linux /proc), null when it is gone, undefined when unknown. */
function commandOf(pid: number): string | null | undefined {
  try {
    process.kill(pid, 0);
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return null;
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    return process.platform === 'linux' ? null : undefined;
  }
}

/**
 * Whether the holder of a lock still runs: its pid exists and, where the command line can be read, it is
 * still the same program (a pid reused by an unrelated process after a reboot does not hold the lock).
 */
function stillRunning(pid: number, command: string | RegExp): boolean {
  const now = commandOf(pid);
  if (now === null) return false;
  if (now === undefined) return true;
  return typeof command === 'string' ? now === command : command.test(now);
}

function readHolder(path: string): LockHolder | null {
  try {
    const h = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockHolder>;
    if (typeof h.pid !== 'number' || !Number.isInteger(h.pid) || h.pid <= 0) return null;
    return {
      pid: h.pid,
      command: typeof h.command === 'string' ? h.command.slice(0, 300) : '?',
      since: typeof h.since === 'string' ? h.since.slice(0, 40) : '?',
      serverPid: typeof h.serverPid === 'number' && Number.isInteger(h.serverPid) ? h.serverPid : undefined,
    };
  } catch {
    // Unreadable or half-written (a crash between create and write): nobody can be shown to hold it.
    return null;
  }
}

/** Takes the data folder's lock, or throws DataDirLockedError naming the process that holds it. */
export function acquireDataLock(dataDir: string, o: AcquireOptions = {}): DataLock {
  const path = resolve(dataDir, LOCK_FILE);
  // As /proc shows it (node flags included), so that a later start compares like with like.
  const self = o.self ?? { pid: process.pid, command: commandOf(process.pid) ?? process.argv.join(' ') };
  let holder: LockHolder = { pid: self.pid, command: self.command, since: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      try {
        writeSync(fd, JSON.stringify(holder) + '\n');
      } finally {
        closeSync(fd);
      }
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) throw e;
    }
    const other = readHolder(path);
    if (other && other.pid !== self.pid && stillRunning(other.pid, other.command))
      throw new DataDirLockedError(dataDir, other, other.pid);
    // The hwc process is gone, but the Temporal server it started may still hold the SQLite file.
    if (other?.serverPid && stillRunning(other.serverPid, /\btemporal\b.*\bstart-dev\b/))
      throw new DataDirLockedError(
        dataDir,
        { ...other, command: commandOf(other.serverPid) ?? 'temporal server start-dev' },
        other.serverPid,
      );
    o.onTakeover?.(
      other
        ? `took over the lock on ${dataDir}: its holder (pid ${other.pid}, since ${other.since}) is no longer running`
        : `took over an unreadable lock file ${path}`,
    );
    try {
      unlinkSync(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    // Loop: another process may have taken it in between; O_EXCL decides.
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    // Only our own lock: a takeover by another process after we hung must not be undone.
    if (readHolder(path)?.pid === self.pid)
      try {
        unlinkSync(path);
      } catch {
        /* already gone */
      }
  };
  process.once('exit', release);
  return {
    path,
    setServerPid(pid: number) {
      holder = { ...holder, serverPid: pid };
      writeFileSync(path, JSON.stringify(holder) + '\n', { mode: 0o600 });
    },
    release,
  };
}
