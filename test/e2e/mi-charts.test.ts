// The manager's page (mi/charts.ts) in a real browser: the attendance funnel and the outcomes per week as
// charts with accessible names and descriptions, their numbers in data tables, no axe-core violations.
// Figures from the scenario files and a simulated weekly report; screenshots in test-output/mi/ (ignored).
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CURRENT_POLICY } from '../../domain/policy';
import { ClaimantRecord } from '../../domain/schemas';
import { previewPage } from '../../mi/charts';
import { calendarForTraces } from '../../mi/calendar';
import { computeFigures, type Figures } from '../../mi/figures';
import { DEFAULT_BEHAVIOUR } from '../../simulator/behaviour';
import { defaultReportStart, runReport } from '../../simulator/caseload';
import { syntheticReport } from '../../simulator/synthetic-report';
import { PROJECT_ROOT } from '../../worker/config';

const CHROMIUM = process.env.HWC_CHROMIUM || '/usr/bin/chromium';
const SHOTS = join(PROJECT_ROOT, 'test-output', 'mi');
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const dir = mkdtempSync(join(tmpdir(), 'hwc-mi-charts-'));
let browser: Browser;
let page: Page;
let figures: Figures;

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `chromium is missing (${CHROMIUM}): this test drives Debian's Chromium. Install it with ` +
        '`apt-get update && apt-get install -y chromium` (as root), or run `bash scripts/setup.sh` as root, which does.',
    );
  mkdirSync(SHOTS, { recursive: true });
  const records = syntheticReport(2000, 11).map((r) => ClaimantRecord.parse(r));
  const { traces } = runReport(records, {
    office: null,
    start: defaultReportStart(records),
    policy: CURRENT_POLICY,
    model: DEFAULT_BEHAVIOUR,
    seed: 1,
  });
  figures = computeFigures(traces, { calendar: calendarForTraces(traces) });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  page = await (await browser.newContext({ viewport: { width: 1100, height: 900 } })).newPage();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("the manager's page", () => {
  it('shows the funnel and the weekly outcomes as charts with their data, and passes axe', async () => {
    const file = join(dir, 'mi.html');
    writeFileSync(file, previewPage(figures, { asOf: '2026-03-31T17:00:00Z' }));
    await page.goto(`file://${file}`);
    await page.screenshot({ path: join(SHOTS, 'manager-page.png'), fullPage: true });
    await page.locator('#mi-funnel').screenshot({ path: join(SHOTS, 'funnel.png') });
    await page.locator('#mi-weekly').screenshot({ path: join(SHOTS, 'weekly-outcomes.png') });

    // Charts are images with a name and a description in words.
    const funnel = page.getByRole('img', { name: 'Attendance funnel' });
    await expect.poll(() => funnel.count()).toBe(1);
    expect(await funnel.evaluate((svg) => svg.querySelector('desc')!.textContent)).toContain(
      `Of ${figures.journeys} journeys reported`,
    );
    expect(await page.getByRole('img', { name: 'Outcomes per week' }).count()).toBe(1);

    // The bars are as long as the numbers say, in funnel order.
    const widths = await page.$$eval('#mi-funnel rect', (rs) => rs.map((r) => Number(r.getAttribute('width'))));
    const counts = figures.funnel.map((s) => s.journeys);
    const max = Math.max(...counts);
    widths.forEach((w, i) => expect(Math.abs(w - (counts[i] / max) * 420)).toBeLessThanOrEqual(1));

    // The same numbers as data tables (the charts' text alternative), and every figure in a table.
    const funnelTable = page.getByRole('table', { name: 'Attendance funnel: journeys reaching each step' });
    for (const s of figures.funnel)
      await expect.poll(() => funnelTable.getByRole('row', { name: `${s.label} ${s.journeys}` }).count()).toBe(1);
    const weeklyRows = await page.getByRole('table', { name: 'Outcomes per week' }).locator('tbody tr').count();
    expect(weeklyRows).toBe(figures.weekly.length);
    expect(figures.weekly.length).toBeGreaterThan(3);
    const hwcTable = page.getByRole('table', { name: 'HWC appointments' });
    expect(await hwcTable.getByRole('row', { name: `attended ${figures.hwc.attended}` }).count()).toBe(1);

    await page.addScriptTag({ path: AXE });
    const violations = await page.evaluate(async () => {
      const axe = (
        globalThis as unknown as {
          axe: { run: (o?: unknown) => Promise<{ violations: { id: string; help: string; nodes: unknown[] }[] }> };
        }
      ).axe;
      const r = await axe.run({ runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa', 'best-practice'] });
      return r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`);
    });
    expect(violations).toEqual([]);
  });

  it('works without JavaScript and says when there is nothing yet', async () => {
    const empty = computeFigures([], { calendar: { holidays: [] } });
    const ctx = await browser.newContext({ javaScriptEnabled: false });
    const p = await ctx.newPage();
    const file = join(dir, 'empty.html');
    writeFileSync(file, previewPage(empty));
    await p.goto(`file://${file}`);
    expect(await p.getByRole('img', { name: 'Outcomes per week' }).textContent()).toContain('No outcomes yet');
    await p.screenshot({ path: join(SHOTS, 'manager-page-empty.png'), fullPage: true });
    expect(await p.locator('script').count()).toBe(0); // nothing to run: server-rendered HTML and SVG
    await ctx.close();
  });
});
