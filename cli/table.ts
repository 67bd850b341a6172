// Plain-text tables for terminals: one header row, columns padded to their widest cell. Cells can hold
// what others typed (a note, a reference from a record): they are made terminal-safe first.
import { terminalSafe } from './terminal';

export function table(header: string[], unsafeRows: string[][]): string {
  const rows = unsafeRows.map((r) => r.map((c) => terminalSafe(c ?? '')));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : (c ?? '').padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/** An instant as ISO-8601 UTC to the second (spec A2), or a dash. */
export const instant = (d: Date | string | null | undefined) =>
  d ? new Date(d).toISOString().replace(/\.\d{3}Z$/, 'Z') : '—';
