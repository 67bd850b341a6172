// Plain-text tables for terminals: one header row, columns padded to their widest cell.
export function table(header: string[], rows: string[][]): string {
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
