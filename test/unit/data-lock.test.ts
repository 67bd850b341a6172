// The data folder's lock of `hwc dev` (cli/data-lock.ts), with real processes: a live holder refuses,
// naming itself; a holder that is gone, or whose pid now belongs to another program, is taken over; the
// Temporal server a dead hwc left behind still holds the folder.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DataDirLockedError, LOCK_FILE, acquireDataLock } from '../../cli/data-lock';
import { PROJECT_ROOT } from '../../worker/config';

const root = mkdtempSync(join(tmpdir(), 'hwc-lock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const folder = () => mkdtempSync(join(root, `d${++n}-`));

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

/** A process that stays alive until killed; its command line is what /proc shows. */
function longRunning(command: string, args: string[]): Promise<ChildProcess> {
  const c = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(c);
  return new Promise((resolve) => setTimeout(() => resolve(c), 300));
}

const cmdline = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');

/** The pid of a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe('hwc dev data-folder lock', () => {
  it('a live hwc dev holds it: a second one is refused with its pid, command and start time', async () => {
    const dir = folder();
    // Another process takes the lock through the same module, then waits.
    const holder = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `import('${join(PROJECT_ROOT, 'cli/data-lock.ts')}').then((m) => { m.acquireDataLock(${JSON.stringify(dir)}); console.log('locked'); setInterval(() => {}, 1000); })`,
      ],
      { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    children.push(holder);
    await new Promise<void>((resolve) => holder.stdout!.on('data', (d) => String(d).includes('locked') && resolve()));

    let error: unknown;
    try {
      acquireDataLock(dir);
    } catch (e) {
      error = e;
    }

    expect(error).toBeInstanceOf(DataDirLockedError);
    const message = (error as Error).message;
    expect(message).toContain(`pid ${holder.pid}`);
    expect(message).toContain(cmdline(holder.pid!));
    expect(message).toMatch(/since \d{4}-\d\d-\d\dT/);
    expect(message).toContain('HWC_DATA_DIR=');
    // The lock is still the holder's.
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(holder.pid);
  });

  it('a holder that is gone: the lock is taken over, with a line saying so', () => {
    const dir = folder();
    const pid = deadPid();
    writeFileSync(
      join(dir, LOCK_FILE),
      JSON.stringify({ pid, command: 'node bin/hwc.js dev', since: '2026-01-01T00:00:00Z' }),
    );
    const lines: string[] = [];

    const lock = acquireDataLock(dir, { onTakeover: (l) => lines.push(l) });

    expect(lines).toEqual([
      `took over the lock on ${dir}: its holder (pid ${pid}, since 2026-01-01T00:00:00Z) is no longer running`,
    ]);
    expect(JSON.parse(readFileSync(lock.path, 'utf8')).pid).toBe(process.pid);
    lock.release();
    expect(existsSync(lock.path)).toBe(false);
  });

  it('a pid now used by another program does not hold the lock', async () => {
    const dir = folder();
    const other = await longRunning('sleep', ['30']);
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: other.pid, command: 'node bin/hwc.js dev', since: 'x' }));
    const lines: string[] = [];

    const lock = acquireDataLock(dir, { onTakeover: (l) => lines.push(l) });

    expect(lines[0]).toContain(`pid ${other.pid}`);
    lock.release();
  });

  it('the Temporal server of an hwc dev that was killed still holds the folder', async () => {
    const dir = folder();
    // A process that shows as `temporal server start-dev …` (bash's exec -a sets its argv[0]).
    const server = await longRunning('bash', ['-c', 'exec -a "temporal server start-dev --port 1" sleep 30']);
    writeFileSync(
      join(dir, LOCK_FILE),
      JSON.stringify({ pid: deadPid(), command: 'node bin/hwc.js dev', since: 'x', serverPid: server.pid }),
    );

    expect(() => acquireDataLock(dir)).toThrow(new RegExp(`pid ${server.pid}, \`temporal server start-dev`));
  });

  it('an unreadable lock file is taken over; release leaves another process’s lock alone', () => {
    const dir = folder();
    writeFileSync(join(dir, LOCK_FILE), '{"pid": ');
    const lines: string[] = [];

    const lock = acquireDataLock(dir, { onTakeover: (l) => lines.push(l) });
    expect(lines[0]).toContain('unreadable lock file');
    // Someone took it over meanwhile (we hung, they found us gone): our release must not undo theirs.
    writeFileSync(lock.path, JSON.stringify({ pid: 1, command: 'init', since: 'x' }));
    lock.release();

    expect(existsSync(lock.path)).toBe(true);
  });
});
