// Case inspection in the Temporal Web UI, as a manager does it, in a real browser (Debian's Chromium through
// playwright-core): `hwc dev --demo`, the workflow list filtered by a search attribute shows the expected
// demo cases, and a case's page shows its activity summaries ("LMS diary: book HWC", "Letter ESAHWC1") and
// its current details ("Waiting for: …"), decrypted by the codec server for a signed-in manager (the hwc_cert
// cookie the web front door sets, sent because the UI's codec settings include credentials); an anonymous
// request to the codec server is refused. Screenshots go to test-output/web-ui/ (git-ignored).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { PROJECT_ROOT } from '../../worker/config';
import { freePortPair } from '../helpers/ports';
import { deploymentIdentity } from '../helpers/identity';
import { CERT_COOKIE, certToken } from '../../identity/cert-token';

// Debian's package (scripts/setup.sh installs it as root); HWC_CHROMIUM only to point the test elsewhere.
const CHROMIUM = process.env.HWC_CHROMIUM || '/usr/bin/chromium';
const HWC = join(PROJECT_ROOT, 'bin/hwc.js');
const SHOTS = join(PROJECT_ROOT, 'test-output', 'web-ui');
const dir = mkdtempSync(join(tmpdir(), 'hwc-webui-'));
let dev: ChildProcess | undefined;
let devLog = '';
let browser: BrowserContext | undefined;
let page: Page;
let ui: string;
let codec: string;

async function waitForLog(text: string, ms: number) {
  const end = Date.now() + ms;
  while (!devLog.includes(text)) {
    if (dev?.exitCode !== null && dev?.exitCode !== undefined)
      throw new Error(`hwc dev exited (${dev.exitCode}):\n${devLog}`);
    if (Date.now() > end) throw new Error(`timed out waiting for "${text}" from hwc dev:\n${devLog}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `chromium is missing (${CHROMIUM}): the Web UI test drives Debian's Chromium. Install it with ` +
        '`apt-get update && apt-get install -y chromium` (as root), or run `bash scripts/setup.sh` as root, which does.',
    );
  mkdirSync(SHOTS, { recursive: true });
  const port = await freePortPair();
  const uiPort = await freePortPair();
  // localhost, like the codec endpoint hwc dev gives the UI: the same site, so a SameSite=Strict cookie goes along.
  ui = `http://localhost:${uiPort}`;
  codec = `http://localhost:${uiPort + 1}`;
  dev = spawn(process.execPath, [HWC, 'dev', '--demo', '--port', String(port), '--ui-port', String(uiPort)], {
    env: { ...process.env, HWC_DATA_DIR: dir, VITEST: '' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  dev.stderr!.on('data', (d) => (devLog += d));
  await waitForLog('press Ctrl-C', 120_000);
  // Some demo cases pass their HWC time about 25 s in; "caseload ready" comes once their outcomes are in.
  await waitForLog('demo: caseload ready', 150_000);
  browser = await chromium.launchPersistentContext(join(dir, 'chromium-profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1600, height: 1000 },
  });
  // Signed in as a manager: the cookie the web front door sets, for the codec server's host.
  const manager = deploymentIdentity(dir).credentialFor('MGR-01', { roles: ['manager'], offices: ['LEEDS'] });
  await browser.addCookies([
    {
      name: CERT_COOKIE,
      value: certToken(manager.cert),
      domain: 'localhost',
      path: '/',
      httpOnly: true,
      sameSite: 'Strict',
      expires: Math.floor(Date.parse(manager.cert.exp) / 1000),
    },
  ]);
  // The UI's own codec settings ("Codec Server" in its settings): this endpoint, with cross-origin credentials.
  await browser.addInitScript((endpoint: string) => {
    // Runs in the page (this file is compiled without the DOM's types).
    const storage = (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage;
    storage.setItem('endpoint', JSON.stringify(endpoint));
    storage.setItem('includeCredentials', 'true');
    storage.setItem('overrideRemoteCodecConfiguration', 'true');
  }, codec);
  page = browser.pages()[0] ?? (await browser.newPage());
}, 300_000);

afterAll(async () => {
  await browser?.close();
  if (dev && dev.exitCode === null) {
    const exited = new Promise((r) => dev!.once('exit', r));
    dev.kill('SIGINT');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('codec server: staff only', () => {
  const decode = (headers: Record<string, string> = {}) =>
    fetch(`${codec}/decode`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify({ payloads: [] }),
    });

  it('refuses an anonymous decode (401), another origin (403) and a role that may not read case data (403)', async () => {
    expect((await decode()).status).toBe(401);
    expect((await decode({ Origin: 'http://evil.example' })).status).toBe(403);
    const coach = deploymentIdentity(dir).credentialFor('WC-01', { roles: ['work_coach'], offices: ['LEEDS'] });
    expect((await decode({ Authorization: `Bearer ${certToken(coach.cert)}` })).status).toBe(403);
    const manager = deploymentIdentity(dir).credentialFor('MGR-01', { roles: ['manager'], offices: ['LEEDS'] });
    expect((await decode({ Authorization: `Bearer ${certToken(manager.cert)}` })).status).toBe(200);
  });
});

describe('Temporal Web UI: case inspection', () => {
  it('lists the demo cases of a stage when filtered by the HwcStage search attribute', async () => {
    const query = encodeURIComponent('HwcStage="awaitingPreCallTime"');
    const expected = ['hwc-DEMO-003', 'hwc-DEMO-004', 'hwc-DEMO-005'];
    const rows = page.getByRole('link', { name: /^hwc-DEMO-\d+$/ });
    // Visibility is eventually consistent: reload until the list has settled.
    const end = Date.now() + 60_000;
    for (;;) {
      await page.goto(`${ui}/namespaces/default/workflows?query=${query}`);
      await page
        .getByRole('link', { name: 'hwc-DEMO-003', exact: true })
        .first()
        .waitFor({ timeout: 15_000 })
        .catch(() => {});
      const ids = [...new Set(await rows.allInnerTexts())].sort();
      if (JSON.stringify(ids) === JSON.stringify(expected)) break;
      if (Date.now() > end) {
        await shot('list-failed');
        expect(ids).toEqual(expected);
      }
      await page.waitForTimeout(1000);
    }
    await page
      .getByText(/^\s*3 Workflows\s*$/)
      .first()
      .waitFor();
    await shot('list-awaitingPreCallTime');
  }, 120_000);

  it("shows a case's activity summaries and its current details", async () => {
    await page.getByRole('link', { name: 'hwc-DEMO-003', exact: true }).first().click();
    await page.getByRole('heading', { name: 'hwc-DEMO-003' }).waitFor();
    const codecDown = page.getByText('Codec Server could not connect').filter({ visible: true }).first();
    // Timeline (the default tab): each activity carries its summary, e.g. "bookAppointment • LMS diary: book HWC …".
    const summaries = [
      page.getByText(/LMS diary: book HWC \(40 min\)/).first(),
      page.getByText('Letter ESAHWC1').first(),
    ];
    try {
      for (const s of summaries) await s.waitFor({ timeout: 30_000 });
    } catch (e) {
      await shot('case-failed');
      if (await codecDown.isVisible())
        throw new Error(
          'the Web UI shows "Codec Server could not connect": summaries and details stay encrypted (see hwc dev and worker/codec-server.ts)',
          { cause: e },
        );
      throw e;
    }
    await shot('case-timeline');

    // Current details (Markdown, set by the workflow on every change) are under "User Metadata".
    await page.getByRole('tab', { name: /User Metadata/ }).click();
    const details = page.frameLocator('iframe#user-metadata-current-details');
    await details.getByText('Waiting for:').waitFor({ timeout: 30_000 });
    await details.getByText('the pre-call time').waitFor();
    await details.getByText(/Next deadline:/).waitFor();
    const summary = page.frameLocator('iframe#user-metadata-summary');
    await summary.getByText('HWC journey DEMO-003 · office LEEDS').waitFor();
    await shot('case-current-details');
    // The codec server knew who read: one line per decode in dev.log, without the payloads.
    expect(readFileSync(join(dir, 'dev.log'), 'utf8')).toMatch(/codec \| decode by MGR-01 \(manager\): \d+ payload/);
  }, 120_000);
});
