// The figures for people: labelled rows (one per number), as a terminal table, CSV, or a baseline/what-if
// comparison. The same rows feed the manager's page (mi/charts.ts), so every output says the same thing.
import { flattenFigures, type Figures } from './figures';

export interface FigureRow {
  /** Stable machine name, e.g. `hwc.attended`, `reasons.PREGNANCY` (CSV column 1, JSON path). */
  key: string;
  section: string;
  label: string;
  value: number | null;
}

const SECTIONS: [prefix: string, section: string, label: (rest: string) => string][] = [
  ['journeys', 'Journeys', () => 'journeys reported'],
  ['outcomes.', 'Outcomes', (k) => (k === 'running' ? 'still running' : k)],
  ['reasons.', 'Outcome reasons', (k) => k],
  ['screenedOut.exempt.', 'Screened out', (k) => `exempt: ${k}`],
  ['screenedOut.notRequired.', 'Screened out', (k) => `not required: ${k}`],
  ['screenedOut.deferred.', 'Screened out', (k) => `deferred: ${k}`],
  ['bookingCalls.', 'Booking calls', (k) => `booking calls ${k}`],
  ['hwc.', 'HWC appointments', (k) => (k === 'booked' ? 'booked (ever)' : k === 'upcoming' ? 'booked now' : k)],
  ['preCalls.', 'Pre-calls', (k) => `pre-calls ${k === 'recorded' ? 'results recorded' : k}`],
  ['reminders.', 'Reminders', (k) => k],
  ['letters.', 'Letters', (k) => k],
  ['easementUsed', 'Failures', () => 'easements used'],
  ['doubtsRaised', 'Failures', () => 'doubts raised'],
  ['doubtsWithdrawn', 'Failures', () => 'doubts withdrawn'],
  ['safeguardVisits.', 'Failures', (k) => `safeguard visits ${k}`],
  ['referredToDm', 'Failures', () => 'referrals to the decision maker'],
  ['dmDecisions.', 'Failures', (k) => `decisions: ${k}`],
  ['escalations', 'Waiting', () => 'escalations to team leaders'],
  [
    'workingDaysToCompletedHwc.',
    'Time to a completed HWC',
    (k) => (k === 'journeys' ? 'completed HWCs measured' : `working days from claim start, ${k}`),
  ],
  ['overdue.total', 'Waiting', () => 'waits overdue now'],
  ['overdue.byStage.', 'Waiting', (k) => `overdue: ${k}`],
  ['funnel.', 'Attendance funnel', (k) => k],
  ['weekly.', 'Outcomes per week', (k) => k.replace('.', ': ')],
];

export function labelFor(key: string): { section: string; label: string } {
  for (const [prefix, section, label] of SECTIONS)
    if (key === prefix || (prefix.endsWith('.') && key.startsWith(prefix)))
      return { section, label: label(key.slice(prefix.length)) };
  return { section: 'Other', label: key };
}

export function figureRows(f: Figures): FigureRow[] {
  return flattenFigures(f).map(([key, value]) => ({ key, value, ...labelFor(key) }));
}

const show = (v: number | null) => (v === null ? '—' : String(v));

function describeSelection(f: Figures): string {
  const s = f.selection;
  const parts = [
    s.office ? `office ${s.office}` : 'all offices',
    s.coach ? `work coach ${s.coach}` : 'all work coaches',
    s.from || s.to ? `reported ${s.from ?? '…'} to ${s.to ?? '…'}` : 'all reported',
  ];
  return parts.join(', ');
}

/** A terminal view: one block per section, label and value in two columns (weekly rows left to --json). */
export function figuresText(f: Figures, title = 'HWC management information'): string {
  const rows = figureRows(f).filter((r) => r.section !== 'Outcomes per week');
  const width = Math.max(...rows.map((r) => r.label.length));
  const out = [`${title}: ${describeSelection(f)}`];
  let section = '';
  for (const r of rows) {
    if (r.section !== section) out.push('', (section = r.section));
    out.push(`  ${r.label.padEnd(width)}  ${show(r.value)}`);
  }
  if (f.weekly.length) {
    out.push('', 'Outcomes per week (week starting)');
    for (const w of f.weekly)
      out.push(
        `  ${w.weekStarting}  completed ${w.HWC_COMPLETED}  exempt ${w.EXEMPT}  not required ${w.NOT_REQUIRED}  sanction referred ${w.SANCTION_REFERRED}`,
      );
  }
  return out.join('\n') + '\n';
}

const csvCell = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export function figuresCsv(f: Figures): string {
  const lines = ['figure,section,label,value'];
  for (const r of figureRows(f)) lines.push([r.key, r.section, r.label, show(r.value)].map(csvCell).join(','));
  return lines.join('\n') + '\n';
}

export interface ComparisonRow extends Omit<FigureRow, 'value'> {
  baseline: number | null;
  whatIf: number | null;
  difference: number | null;
}

/** Baseline and what-if side by side: every figure either side has (a reason only one run saw counts 0). */
export function compareFigures(baseline: Figures, whatIf: Figures): ComparisonRow[] {
  const a = new Map(flattenFigures(baseline));
  const b = new Map(flattenFigures(whatIf));
  const keys = [...a.keys(), ...[...b.keys()].filter((k) => !a.has(k))];
  return keys.map((key) => {
    const x = a.get(key) ?? (a.has(key) ? null : 0);
    const y = b.get(key) ?? (b.has(key) ? null : 0);
    return { key, ...labelFor(key), baseline: x, whatIf: y, difference: x === null || y === null ? null : y - x };
  });
}

export function comparisonText(rows: ComparisonRow[], names: { baseline: string; whatIf: string }): string {
  const shown = rows.filter((r) => r.section !== 'Outcomes per week');
  const width = Math.max(...shown.map((r) => r.label.length));
  const out = [`baseline: ${names.baseline}`, `what-if:  ${names.whatIf}`, ''];
  out.push(`  ${''.padEnd(width)}  ${'baseline'.padStart(9)}  ${'what-if'.padStart(9)}  ${'change'.padStart(8)}`);
  let section = '';
  for (const r of shown) {
    if (r.section !== section) out.push((section = r.section));
    const d =
      r.difference === null || r.difference === 0 ? '' : r.difference > 0 ? `+${r.difference}` : String(r.difference);
    out.push(
      `  ${r.label.padEnd(width)}  ${show(r.baseline).padStart(9)}  ${show(r.whatIf).padStart(9)}  ${d.padStart(8)}`,
    );
  }
  return out.join('\n') + '\n';
}

export function comparisonCsv(rows: ComparisonRow[]): string {
  const lines = ['figure,section,label,baseline,whatIf,difference'];
  for (const r of rows)
    lines.push(
      [r.key, r.section, r.label, show(r.baseline), show(r.whatIf), show(r.difference)].map(csvCell).join(','),
    );
  return lines.join('\n') + '\n';
}
