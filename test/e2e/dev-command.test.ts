// `hwc dev --demo` as a newcomer runs it: the Web UI answers, a worker is connected, demo journeys are
// listed; a second `hwc dev` on the same port says what to do in one line; Ctrl-C stops both cleanly.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { PROJECT_ROOT } from '../../worker/config';
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

      const busy = spawnSync(process.execPath, [HWC, 'dev', '--port', String(port), '--ui-port', String(uiPort)], {
        env,
        encoding: 'utf8',
      });
      expect(busy.status).toBe(1);
      expect(busy.stderr.trim().split('\n')).toHaveLength(1);
      expect(busy.stderr).toMatch(/port \d+ .* is already in use/);

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
