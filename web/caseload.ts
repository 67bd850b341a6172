// The manager's caseload: the office's journeys by stage and by outcome, counted from visibility (the Hwc*
// search attributes), so the page costs one list query. `hwc mi` (mi/figures.ts) has the full figures.
import type { CaseRow } from '../client/cases';
import { stageWords, valueWords } from './words';

export function caseloadFigures(rows: CaseRow[]) {
  const count = (key: (r: CaseRow) => string) => {
    const m = new Map<string, number>();
    for (const r of rows) m.set(key(r), (m.get(key(r)) ?? 0) + 1);
    return [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  };
  const running = rows.filter((r) => r.status === 'RUNNING');
  return {
    total: rows.length,
    running: running.length,
    byStage: count((r) => (r.status === 'RUNNING' ? r.stage : '(ended)'))
      .filter(([s]) => s !== '(ended)')
      .map(([s, n]) => [{ text: stageWords(s) }, { text: String(n), format: 'numeric' }]),
    byOutcome: count((r) => r.outcome ?? (r.status === 'RUNNING' ? 'running' : r.status.toLowerCase())).map(
      ([o, n]) => [{ text: valueWords(o) }, { text: String(n), format: 'numeric' }],
    ),
    byOffice: count((r) => r.office ?? '—').map(([o, n]) => [{ text: o }, { text: String(n), format: 'numeric' }]),
  };
}
