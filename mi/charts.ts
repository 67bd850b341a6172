// The manager's page, server-rendered: the attendance funnel and the outcomes per week as inline SVG
// charts (each with a title, a description saying what it shows in words, and the same numbers as a data
// table right after it), and every figure as GOV.UK-style tables. Plain HTML strings with GOV.UK Frontend
// classes: no JavaScript, nothing to load; the web front door puts `managerSection()` inside its layout,
// and `previewPage()` wraps it in a page of its own (tests, or a file to open in a browser).
import type { Figures } from './figures';
import { figureRows } from './report';

const OUTCOME_COLOURS: Record<'HWC_COMPLETED' | 'EXEMPT' | 'NOT_REQUIRED' | 'SANCTION_REFERRED', string> = {
  // GOV.UK colour palette; each has at least 3:1 contrast against white (WCAG 1.4.11 for graphics).
  HWC_COMPLETED: '#00703c',
  EXEMPT: '#1d70b8',
  NOT_REQUIRED: '#505a5f',
  SANCTION_REFERRED: '#d4351c',
};
const OUTCOME_WORDS: Record<keyof typeof OUTCOME_COLOURS, string> = {
  HWC_COMPLETED: 'HWC completed',
  EXEMPT: 'Exempt',
  NOT_REQUIRED: 'Not required',
  SANCTION_REFERRED: 'Sanction referred',
};
const FONT = `font-family="'GDS Transport', arial, sans-serif"`;
const TEXT = '#0b0c0c';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function table(caption: string, head: string[], rows: (string | number)[][], numericFrom = 1): string {
  const th = head
    .map(
      (h, i) =>
        `<th scope="col" class="govuk-table__header${i >= numericFrom ? ' govuk-table__header--numeric' : ''}">${escapeHtml(h)}</th>`,
    )
    .join('');
  const body = rows
    .map(
      (r) =>
        `<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">${escapeHtml(String(r[0]))}</th>${r
          .slice(1)
          .map((c) => `<td class="govuk-table__cell govuk-table__cell--numeric">${escapeHtml(String(c))}</td>`)
          .join('')}</tr>`,
    )
    .join('');
  return (
    `<table class="govuk-table"><caption class="govuk-table__caption govuk-table__caption--s">${escapeHtml(caption)}</caption>` +
    `<thead class="govuk-table__head"><tr class="govuk-table__row">${th}</tr></thead>` +
    `<tbody class="govuk-table__body">${body}</tbody></table>`
  );
}

/** An accessible inline chart: role img, named by its title, described in words, followed by its data. */
function chart(
  id: string,
  title: string,
  description: string,
  svgBody: string,
  width: number,
  height: number,
  data: string,
) {
  return (
    `<figure class="hwc-chart" id="${id}">` +
    `<svg role="img" aria-labelledby="${id}-title ${id}-desc" viewBox="0 0 ${width} ${height}" width="100%" style="max-width:${width}px" xmlns="http://www.w3.org/2000/svg">` +
    `<title id="${id}-title">${escapeHtml(title)}</title><desc id="${id}-desc">${escapeHtml(description)}</desc>` +
    svgBody +
    `</svg>` +
    `<figcaption class="govuk-body-s">${escapeHtml(title)}. The numbers are in the table below.</figcaption>` +
    `</figure>` +
    data
  );
}

/** Reported → screened out → booked → pre-call reached → attended → completed, as horizontal bars. */
export function funnelChart(f: Figures, id = 'mi-funnel'): string {
  const steps = f.funnel;
  const max = Math.max(1, ...steps.map((s) => s.journeys));
  const labelWidth = 170;
  const barArea = 420;
  const rowHeight = 40;
  const width = labelWidth + barArea + 70;
  const height = steps.length * rowHeight + 10;
  const bars = steps
    .map((s, i) => {
      const y = 5 + i * rowHeight;
      const w = Math.round((s.journeys / max) * barArea);
      const colour = s.step === 'screenedOut' ? '#505a5f' : s.step === 'completed' ? '#00703c' : '#1d70b8';
      return (
        `<text x="${labelWidth - 10}" y="${y + 24}" text-anchor="end" font-size="16" fill="${TEXT}" ${FONT}>${escapeHtml(s.label)}</text>` +
        `<rect x="${labelWidth}" y="${y + 6}" width="${Math.max(w, 1)}" height="${rowHeight - 12}" fill="${colour}"/>` +
        `<text x="${labelWidth + Math.max(w, 1) + 8}" y="${y + 24}" font-size="16" font-weight="bold" fill="${TEXT}" ${FONT}>${s.journeys}</text>`
      );
    })
    .join('');
  const by = Object.fromEntries(steps.map((s) => [s.step, s.journeys]));
  const description =
    `Of ${plural(by.reported ?? 0, 'journey')} reported, ${by.screenedOut ?? 0} were screened out before booking, ` +
    `${by.booked ?? 0} had an HWC booked, ${by.preCallReached ?? 0} were reached at a pre-call, ` +
    `${by.attended ?? 0} attended and ${by.completed ?? 0} completed the HWC.`;
  const data = table(
    'Attendance funnel: journeys reaching each step',
    ['Step', 'Journeys'],
    steps.map((s) => [s.label, s.journeys]),
  );
  return chart(id, 'Attendance funnel', description, bars, width, height, data);
}

/** Outcomes reached each week (week starting Monday), stacked by outcome. */
export function weeklyOutcomesChart(f: Figures, id = 'mi-weekly'): string {
  const kinds = Object.keys(OUTCOME_COLOURS) as (keyof typeof OUTCOME_COLOURS)[];
  const weeks = f.weekly;
  const total = (w: (typeof weeks)[number]) => kinds.reduce((a, k) => a + w[k], 0);
  const max = Math.max(1, ...weeks.map(total));
  const left = 50;
  const plotHeight = 220;
  const top = 30;
  const barWidth = 34;
  const gap = 22;
  const width = Math.max(420, left + weeks.length * (barWidth + gap) + 20);
  const legendY = top + plotHeight + 60;
  const height = legendY + kinds.length * 24 + 10;
  const y = (v: number) => top + plotHeight - Math.round((v / max) * plotHeight);
  let body =
    `<line x1="${left}" y1="${top + plotHeight}" x2="${width - 10}" y2="${top + plotHeight}" stroke="${TEXT}"/>` +
    `<text x="${left - 8}" y="${top + plotHeight + 5}" text-anchor="end" font-size="14" fill="${TEXT}" ${FONT}>0</text>` +
    `<text x="${left - 8}" y="${top + 5}" text-anchor="end" font-size="14" fill="${TEXT}" ${FONT}>${max}</text>`;
  weeks.forEach((w, i) => {
    const x = left + gap / 2 + i * (barWidth + gap);
    let acc = 0;
    for (const k of kinds) {
      if (!w[k]) continue;
      const y0 = y(acc + w[k]);
      body += `<rect x="${x}" y="${y0}" width="${barWidth}" height="${y(acc) - y0}" fill="${OUTCOME_COLOURS[k]}"/>`;
      acc += w[k];
    }
    body +=
      `<text x="${x + barWidth / 2}" y="${y(acc) - 6}" text-anchor="middle" font-size="14" font-weight="bold" fill="${TEXT}" ${FONT}>${acc}</text>` +
      `<text x="${x + barWidth / 2}" y="${top + plotHeight + 20}" text-anchor="middle" font-size="13" fill="${TEXT}" ${FONT}>${w.weekStarting.slice(5)}</text>`;
  });
  if (!weeks.length)
    body += `<text x="${left + 10}" y="${top + plotHeight / 2}" font-size="16" fill="${TEXT}" ${FONT}>No outcomes yet</text>`;
  body += `<text x="${left}" y="${top + plotHeight + 40}" font-size="14" fill="${TEXT}" ${FONT}>Week starting (month-day)</text>`;
  kinds.forEach((k, i) => {
    const ly = legendY + i * 24;
    body +=
      `<rect x="${left}" y="${ly - 13}" width="16" height="16" fill="${OUTCOME_COLOURS[k]}"/>` +
      `<text x="${left + 24}" y="${ly}" font-size="15" fill="${TEXT}" ${FONT}>${escapeHtml(OUTCOME_WORDS[k])}</text>`;
  });
  const sum = (k: keyof typeof OUTCOME_COLOURS) => weeks.reduce((a, w) => a + w[k], 0);
  const description = weeks.length
    ? `Outcomes in ${plural(weeks.length, 'week')} from the week starting ${weeks[0].weekStarting} to the week starting ${weeks.at(-1)!.weekStarting}: ` +
      kinds.map((k) => `${sum(k)} ${OUTCOME_WORDS[k].toLowerCase()}`).join(', ') +
      '.'
    : 'No journey has reached an outcome yet.';
  const data = table(
    'Outcomes per week',
    ['Week starting', ...kinds.map((k) => OUTCOME_WORDS[k]), 'All'],
    weeks.map((w) => [w.weekStarting, ...kinds.map((k) => w[k]), total(w)]),
  );
  return chart(id, 'Outcomes per week', description, body, width, height, data);
}

/** Every figure, one GOV.UK table per section (the weekly outcomes are the chart's table). */
export function figuresTables(f: Figures): string {
  const sections = new Map<string, [string, string | number][]>();
  for (const r of figureRows(f)) {
    if (r.section === 'Outcomes per week' || r.section === 'Attendance funnel') continue;
    if (!sections.has(r.section)) sections.set(r.section, []);
    sections.get(r.section)!.push([r.label, r.value ?? '—']);
  }
  return [...sections.entries()].map(([section, rows]) => table(section, ['Figure', 'Number'], rows)).join('');
}

const selectionWords = (f: Figures) => {
  const s = f.selection;
  return [
    s.office ? `Office ${s.office}` : 'All offices',
    s.coach ? `work coach ${s.coach}` : 'all work coaches',
    s.from || s.to ? `journeys reported from ${s.from ?? 'the start'} to ${s.to ?? 'today'}` : 'all journeys reported',
  ].join(', ');
};

/** The figures part of the manager's page: what the web front door mounts inside its layout. */
export function managerSection(f: Figures, o: { heading?: string; asOf?: string | null } = {}): string {
  return (
    `<h1 class="govuk-heading-l">${escapeHtml(o.heading ?? 'Health and Work Conversations: figures')}</h1>` +
    `<p class="govuk-body">${escapeHtml(selectionWords(f))}.${o.asOf ? ` Figures as of ${escapeHtml(o.asOf)}.` : ''}</p>` +
    `<div class="govuk-grid-row"><div class="govuk-grid-column-full">` +
    `<h2 class="govuk-heading-m">Attendance</h2>${funnelChart(f)}` +
    `<h2 class="govuk-heading-m">Outcomes</h2>${weeklyOutcomesChart(f)}` +
    `<h2 class="govuk-heading-m">All figures</h2>${figuresTables(f)}` +
    `</div></div>`
  );
}

/** A page of its own around `managerSection`, with just enough style to read without GOV.UK Frontend. */
export function previewPage(f: Figures, o: { title?: string; asOf?: string | null } = {}): string {
  const title = o.title ?? 'Health and Work Conversations: figures';
  return `<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body { font-family: arial, sans-serif; color: #0b0c0c; margin: 0; }
.govuk-width-container { max-width: 960px; margin: 0 auto; padding: 0 15px; }
.govuk-heading-l { font-size: 2.25rem; margin: 30px 0 20px; }
.govuk-heading-m { font-size: 1.5rem; margin: 30px 0 15px; }
.govuk-body, .govuk-body-s { font-size: 1.1875rem; line-height: 1.3; }
.govuk-body-s { font-size: 1rem; }
.govuk-table { border-collapse: collapse; width: 100%; margin-bottom: 30px; font-size: 1.1875rem; }
.govuk-table__caption { font-weight: bold; text-align: left; margin-bottom: 10px; }
.govuk-table__header, .govuk-table__cell { border-bottom: 1px solid #b1b4b6; padding: 10px 20px 10px 0; text-align: left; }
.govuk-table__header--numeric, .govuk-table__cell--numeric { text-align: right; }
.hwc-chart { margin: 0 0 20px; }
</style>
</head>
<body>
<main class="govuk-width-container" id="main-content">
${managerSection(f, { heading: title, asOf: o.asOf })}
</main>
</body>
</html>
`;
}
