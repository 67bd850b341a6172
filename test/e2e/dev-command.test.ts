// `hwc dev --demo` as a newcomer runs it: the Web UI answers, a worker is connected, demo journeys are
// listed, and the terminal shows hwc's own lines only (the server's and the SDK's go to dev.log); a second
// `hwc dev` on the same data folder exits 2 naming the first, on the same port says what to do in one line,
// and on another folder with other ports runs; Ctrl-C stops each cleanly.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { PROJECT_ROOT } from '../../worker/config';
import { createKeyFile } from '../../worker/codec';
import { freePort } from '../helpers/ports';

const HWC = join(PROJECT_ROOT, 'bin/hwc.js');
const dir = mkdtempSync(join(tmpdir(), 'hwc-dev-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hwc dev', () => {
  it('serves the Web UI with a worker and demo journeys, refuses a busy port, stops on Ctrl-C', async () => {
    const port = await freePort();
    const uiPort = await freePort();
    const env = { ...process.env, HWC_DATA_DIR: dir, VITEST: '' };
    const dev = spawn(process.execPath, [HWC, 'dev', '--demo', '--port', String(port), '--ui-port', String(uiPort)], {
      env,
    });
    let stderr = '';
    dev.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((r) => dev.once('exit', (code) => r(code)));
    try {
      await waitFor(() => stderr.includes('press Ctrl-C'), 90_000);

      const ui = await fetch(`http://127.0.0.1:${uiPort}/`);
      expect(ui.status).toBe(200);

      // The same data folder, even on free ports: refused before anything starts, naming the holder.
      const [p2, u2] = [await freePort(), await freePort()];
      const second = spawnSync(process.execPath, [HWC, 'dev', '--port', String(p2), '--ui-port', String(u2)], {
        env,
        encoding: 'utf8',
      });
      expect(second.status).toBe(2);
      expect(second.stderr.trim().split('\n')).toHaveLength(1);
      expect(second.stderr).toContain(`the data folder ${dir} is in use by another hwc dev (pid ${dev.pid}, `);
      expect(second.stderr).toContain('HWC_DATA_DIR=');

      // Another folder, the same port: the port is named.
      const otherDir = mkdtempSync(join(tmpdir(), 'hwc-dev-2-'));
      const busy = spawnSync(process.execPath, [HWC, 'dev', '--port', String(port), '--ui-port', String(uiPort)], {
        env: { ...env, HWC_DATA_DIR: otherDir },
        encoding: 'utf8',
      });
      expect(busy.status).toBe(1);
      expect(busy.stderr.trim().split('\n')).toHaveLength(1);
      expect(busy.stderr).toMatch(/port \d+ .* is already in use/);
      rmSync(otherDir, { recursive: true, force: true });

      const client = new Client({ connection: await Connection.connect({ address: `127.0.0.1:${port}` }) });
      await waitFor(() => stderr.includes('demo: 21 journeys started'), 60_000);
      const listed: string[] = [];
      for await (const wf of client.workflow.list({ query: "HwcOffice = 'LEEDS'" })) listed.push(wf.workflowId);
      expect(listed.filter((id) => id.startsWith('hwc-DEMO-')).length).toBeGreaterThanOrEqual(15);
      const pollers = await client.workflowService.describeTaskQueue({
        namespace: 'default',
        taskQueue: { name: 'hwc' },
        taskQueueType: 1,
      });
      expect(pollers.pollers?.length).toBeGreaterThan(0);
      await client.connection.close();
    } finally {
      dev.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    expect(stderr).toContain('hwc dev: stopped');
    // Quiet: hwc's own lines only; the server's warnings and the SDK's INFO lines are in the log file.
    expect(stderr.split('\n').filter((l) => l && !l.startsWith('hwc dev: '))).toEqual([]);
    expect(stderr).toContain(`server and worker logs: ${join(dir, 'dev.log')}`);
    const logged = readFileSync(join(dir, 'dev.log'), 'utf8');
    expect(logged).toMatch(/^temporal \| Temporal CLI /m);
    expect(logged).toMatch(/^worker \| .* INFO Worker state changed/m);
    expect(existsSync(join(dir, 'hwc-dev.lock'))).toBe(false);
  });

  it('runs on another data folder while one runs; --verbose shows the logs', async () => {
    const [a, b] = [mkdtempSync(join(tmpdir(), 'hwc-dev-a-')), mkdtempSync(join(tmpdir(), 'hwc-dev-b-'))];
    const started = [];
    try {
      for (const [folder, verbose] of [
        [a, false],
        [b, true],
      ] as const) {
        const args = [HWC, 'dev', '--port', String(await freePort()), '--ui-port', String(await freePort())];
        const p = spawn(process.execPath, verbose ? [...args, '--verbose'] : args, {
          env: { ...process.env, HWC_DATA_DIR: folder, VITEST: '' },
        });
        const run = { p, err: '', exited: new Promise<number | null>((r) => p.once('exit', (c) => r(c))) };
        p.stderr.on('data', (d) => (run.err += d));
        started.push(run);
        await waitFor(() => run.err.includes('press Ctrl-C') || p.exitCode !== null, 90_000);
        expect(run.err, run.err).toContain('press Ctrl-C');
      }
    } finally {
      for (const r of started) r.p.kill('SIGINT');
    }
    for (const r of started) expect(await r.exited).toBe(0);
    expect(started[1].err).toMatch(/^temporal: Temporal CLI /m);
    expect(started[1].err).toMatch(/INFO Worker state changed/);
    expect(started[0].err).not.toMatch(/^temporal: /m);
    rmSync(a, { recursive: true, force: true });
    rmSync(b, { recursive: true, force: true });
  });
});

async function waitFor(ok: () => boolean, ms: number) {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('one-line errors that say what to do', () => {
  const run = (args: string[], env: Record<string, string>) =>
    spawnSync(process.execPath, [HWC, ...args], {
      env: { ...process.env, HWC_DATA_DIR: dir, VITEST: '', ...env },
      encoding: 'utf8',
    });

  it('a broken Temporal binary', async () => {
    const r = run(['dev', '--port', String(await freePort()), '--ui-port', String(await freePort())], {
      HWC_TEMPORAL_CLI: '/bin/false',
    });

    expect(r.status).toBe(1);
    expect(
      r.stderr
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('hwc:')),
    ).toHaveLength(1);
    expect(r.stderr).toMatch(/hwc: the Temporal dev server \(\/bin\/false\) did not start .* HWC_TEMPORAL_CLI/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('a missing Temporal binary', () => {
    const r = run(['dev'], { HWC_TEMPORAL_CLI: '/nonexistent/temporal' });

    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toMatch(/^hwc: HWC_TEMPORAL_CLI=\/nonexistent\/temporal is not an executable file: .*$/);
  });

  it('an unreachable server', () => {
    const r = run(['cases'], { TEMPORAL_ADDRESS: '127.0.0.1:1' });

    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toMatch(/^hwc: cannot reach Temporal at 127\.0\.0\.1:1 .* Start one with `npx hwc dev`/);
  });

  it('a worker without codec keys, or without identity keys', () => {
    // A fresh folder: no key files at all, so nothing is taken from an earlier hwc dev of this file.
    const empty = mkdtempSync(join(tmpdir(), 'hwc-worker-keys-'));
    try {
      const noCodec = run(['worker'], { HWC_DATA_DIR: empty, TEMPORAL_ADDRESS: '127.0.0.1:1' });
      expect(noCodec.status).toBe(2);
      expect(noCodec.stderr).toMatch(/^hwc: codec keys: no key file at [^\n]+: set HWC_CODEC_KEY_FILE [^\n]+\n$/);

      const codecKeys = join(empty, 'codec.json');
      createKeyFile(codecKeys);
      const noIdentity = run(['worker'], {
        HWC_DATA_DIR: empty,
        HWC_CODEC_KEY_FILE: codecKeys,
        TEMPORAL_ADDRESS: '127.0.0.1:1',
      });
      expect(noIdentity.status).toBe(2);
      expect(noIdentity.stderr).toMatch(
        /^hwc: identity keys: no key file at [^\n]+; set HWC_IDENTITY_KEY_FILE [^\n]+\n$/,
      );
      // Nothing was made in the data folder: keys are created by hwc dev only, and no store was opened.
      expect(readdirSync(empty).sort()).toEqual(['codec.json']);

      const badBuild = run(['worker', '--build-id', 'build 1'], { HWC_DATA_DIR: empty });
      expect(badBuild.status).toBe(2);
      expect(badBuild.stderr).toMatch(/^hwc: --build-id: letters, digits, [^\n]+\n$/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('every command has --help', () => {
    const top = run(['--help'], {});
    const commands = [...top.stdout.matchAll(/^ {2}([a-z-]+)/gm)].map((m) => m[1]).filter((c) => c !== 'help');

    expect(commands).toEqual(
      expect.arrayContaining([
        'dev',
        'worker',
        'simulate',
        'diagram',
        'report',
        'cases',
        'show',
        'event',
        'outbox',
        'audit',
      ]),
    );
    for (const c of commands) expect(run([c, '--help'], {}).status, c).toBe(0);
  });
});
