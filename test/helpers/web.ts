// The web front door under test: `hwc dev --demo` in a fresh data folder on free ports (Temporal, Web UI,
// web front door), Debian's Chromium through playwright-core, and an axe check of each page.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { PROJECT_ROOT } from '../../worker/config';
import { freePort, freePortPair } from './ports';

export const CHROMIUM = process.env.HWC_CHROMIUM || '/usr/bin/chromium';
export const DEMO_PASSWORD = 'demo-password-for-tests';
const HWC = join(PROJECT_ROOT, 'bin/hwc.js');

export interface DevWithWeb {
  dir: string;
  web: string;
  temporal: string;
  log: () => string;
  waitForLog: (text: string, ms: number) => Promise<void>;
  stop: () => Promise<void>;
}

export async function startDevWithWeb(
  o: { env?: Record<string, string>; webPort?: number; prepare?: (dataDir: string) => Promise<void> } = {},
): Promise<DevWithWeb> {
  const dir = mkdtempSync(join(tmpdir(), 'hwc-web-'));
  await o.prepare?.(dir);
  const port = await freePortPair();
  const uiPort = await freePortPair();
  const webPort = o.webPort ?? (await freePort());
  const env = o.env ?? {};
  let devLog = '';
  const dev: ChildProcess = spawn(
    process.execPath,
    [HWC, 'dev', '--demo', '--port', String(port), '--ui-port', String(uiPort), '--web-port', String(webPort)],
    {
      env: { ...process.env, HWC_DATA_DIR: dir, HWC_DEMO_PASSWORD: DEMO_PASSWORD, VITEST: '', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  dev.stderr!.on('data', (d) => (devLog += d));
  const waitForLog = async (text: string, ms: number) => {
    const end = Date.now() + ms;
    while (!devLog.includes(text)) {
      if (dev.exitCode !== null) throw new Error(`hwc dev exited (${dev.exitCode}):\n${devLog}`);
      if (Date.now() > end) throw new Error(`timed out waiting for "${text}" from hwc dev:\n${devLog}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  await waitForLog('press Ctrl-C', 120_000);
  return {
    dir,
    web: `http://localhost:${webPort}`,
    temporal: `127.0.0.1:${port}`,
    log: () => devLog,
    waitForLog,
    stop: async () => {
      if (dev.exitCode === null) {
        const exited = new Promise((r) => dev.once('exit', r));
        dev.kill('SIGINT');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `chromium is missing (${CHROMIUM}): install it with \`apt-get update && apt-get install -y chromium\` (as root), or run \`bash scripts/setup.sh\` as root.`,
    );
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'],
  });
}

/** No serious or critical accessibility violation on the page (WCAG 2.2 A and AA rules of axe-core). */
export async function expectAccessible(page: Page) {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  const bad = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(bad, `axe on ${page.url()}`).toEqual([]);
}

export function screenshots(folder: string) {
  const dir = join(PROJECT_ROOT, 'test-output', 'web', folder);
  mkdirSync(dir, { recursive: true });
  return (page: Page, name: string) => page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

export async function signIn(page: Page, web: string, staffId: string, password = DEMO_PASSWORD) {
  await page.goto(`${web}/sign-in`);
  await page.getByLabel('Staff id').fill(staffId);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}
