// Single sign-on through a real OpenID Connect provider (oidc-provider, in this process, on a free port):
// the web front door sends the browser there (authorization code with PKCE, state and nonce), the person
// signs in at the provider, and comes back signed in as the staff member whose `oidc.subject` matches —
// with the roles and offices of the staff directory. A subject the directory does not know, and a callback
// that does not carry the state of this session's sign-in, are refused.
import { spawn } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import Provider from 'oidc-provider';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_STAFF } from '../../cli/demo-staff';
import type { StaffDirectory } from '../../domain/staff';
import { hashPassword } from '../../identity/password';
import { PROJECT_ROOT } from '../../worker/config';
import { freePort } from '../helpers/ports';
import {
  DEMO_PASSWORD,
  expectAccessible,
  launchChromium,
  screenshots,
  startDevWithWeb,
  type DevWithWeb,
} from '../helpers/web';

const CLIENT_ID = 'hwc-web';
const CLIENT_SECRET = 'a-client-secret-for-the-test-provider';
const SUBJECT = 'sso-7f3a-wc01';
let dev: DevWithWeb;
let provider: Server;
let browser: Browser;
const shot = screenshots('oidc');

beforeAll(async () => {
  const idpPort = await freePort();
  const webPort = await freePort();
  const issuer = `http://localhost:${idpPort}`;
  const oidc = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: [`http://localhost:${webPort}/sign-in/oidc/callback`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    // The provider's own accounts: whatever login is typed at its (development) sign-in page is the subject.
    findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
    cookies: { keys: ['test-provider-cookie-key'] },
  });
  provider = createServer(oidc.callback());
  await new Promise<void>((r) => provider.listen(idpPort, '127.0.0.1', () => r()));
  dev = await startDevWithWeb({
    webPort,
    env: { HWC_OIDC_ISSUER: issuer, HWC_OIDC_CLIENT_ID: CLIENT_ID, HWC_OIDC_CLIENT_SECRET: CLIENT_SECRET },
    // The demo staff, with WC-01 known to the provider by its subject.
    prepare: async (dir) => {
      const hash = await hashPassword(DEMO_PASSWORD);
      const staff: StaffDirectory = {
        version: 2,
        staff: DEMO_STAFF.map((s) => ({
          ...s,
          password: hash,
          ...(s.staffId === 'WC-01' ? { oidc: { subject: SUBJECT, issuer } } : {}),
        })),
      };
      writeFileSync(join(dir, 'staff.json'), JSON.stringify(staff));
      chmodSync(join(dir, 'staff.json'), 0o600);
    },
  });
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await dev?.stop();
  provider?.closeAllConnections();
  await new Promise((r) => provider?.close(r));
});

async function signInAtProvider(page: Page, login: string) {
  await page.goto(`${dev.web}/sign-in`);
  await page.getByRole('link', { name: 'Sign in with your organisation account' }).click();
  // The provider's development sign-in page, then its consent page.
  await page.locator('input[name=login]').fill(login);
  await page.locator('input[name=password]').fill('anything');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
}

describe('web front door: single sign-on (OpenID Connect)', () => {
  it('signs a staff member in through the provider, with the directory’s roles and offices', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${dev.web}/sign-in`);
    await expectAccessible(page);
    await shot(page, 'sign-in-with-sso');
    await signInAtProvider(page, SUBJECT);
    await page.getByRole('heading', { name: 'My work today' }).waitFor();
    expect(new URL(page.url()).origin).toBe(dev.web);
    expect(await page.getByTestId('signed-in-as').innerText()).toContain('(WC-01)');
    const cert = (await page.context().cookies()).find((c) => c.name === 'hwc_cert');
    expect(JSON.parse(Buffer.from(cert!.value, 'base64url').toString())).toMatchObject({
      sub: 'WC-01',
      roles: ['work_coach'],
      offices: ['LEEDS'],
    });
    await expectAccessible(page);
    await shot(page, 'work-today-after-sso');
  });

  it('refuses a subject that is in no staff record', async () => {
    const page = await (await browser.newContext()).newPage();
    await signInAtProvider(page, 'someone-else');
    await page.locator('.govuk-error-summary').waitFor();
    expect(await page.locator('.govuk-error-summary').innerText()).toContain('not in the staff directory');
    expect((await page.context().cookies()).find((c) => c.name === 'hwc_cert')).toBeUndefined();
    await expectAccessible(page);
    await shot(page, 'sso-unknown-subject');
  });

  it('hwc web serves the same front door on its own, against the running Temporal', async () => {
    const port = await freePort();
    const web = spawn(process.execPath, [join(PROJECT_ROOT, 'bin/hwc.js'), 'web', '--port', String(port)], {
      env: { ...process.env, HWC_DATA_DIR: dev.dir, TEMPORAL_ADDRESS: dev.temporal, VITEST: '' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    web.stderr!.on('data', (d) => (err += d));
    try {
      await expect.poll(() => err, { timeout: 60_000 }).toContain(`hwc web: http://localhost:${port}`);
      const page = await (await browser.newContext()).newPage();
      await page.goto(`http://localhost:${port}/sign-in`);
      await page.getByLabel('Staff id').fill('MGR-01');
      await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Caseload', exact: true }).waitFor();
      expect(await page.getByTestId('caseload-total').innerText()).toMatch(/^\d+ journeys/);
    } finally {
      const exited = new Promise((r) => web.once('exit', r));
      web.kill('SIGINT');
      await exited;
    }
  });

  it('refuses a callback that does not belong to this session’s sign-in (state)', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${dev.web}/sign-in/oidc/callback?code=forged&state=forged`);
    expect(await page.locator('.govuk-error-summary').innerText()).toContain('Single sign-on did not finish');
    await page.goto(`${dev.web}/work`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
  });
});
