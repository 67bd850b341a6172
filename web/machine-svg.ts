// The journey machine as an inline SVG, drawn from the machine definition itself (like `hwc diagram`, which
// prints the same walk as Mermaid): one column per phase, its states stacked, the current state highlighted,
// the states the case has been through shaded and the path taken drawn as numbered arrows. Rendered here,
// no outside service.
import type { AnyStateNode } from 'xstate';
import { journeyMachine } from '../machines/journey';
import { stageWords } from './words';

const W = 200;
const H = 40;
const GAP = 12;
const COL_GAP = 36;
const TOP = 44;

interface Box {
  key: string;
  x: number;
  y: number;
}

/** Phases (compound states under `active`) as columns; the top-level states after them. */
export function machineColumns(): { title: string; states: string[] }[] {
  const root = journeyMachine.root;
  const cols: { title: string; states: string[] }[] = [];
  const tail: string[] = [];
  for (const node of Object.values(root.states) as AnyStateNode[]) {
    if (Object.keys(node.states).length) {
      for (const phase of Object.values(node.states) as AnyStateNode[])
        cols.push({ title: phase.key, states: Object.keys(phase.states) });
    } else tail.push(node.key);
  }
  cols.push({ title: 'decision and outcome', states: tail });
  return cols;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Splits a label into at most two lines that fit a box. */
function lines(text: string): string[] {
  if (text.length <= 28) return [text];
  const words = text.split(' ');
  let first = '';
  while (words.length && (first + ' ' + words[0]).trim().length <= 28) first = (first + ' ' + words.shift()).trim();
  const rest = words.join(' ');
  return [first, rest.length > 28 ? rest.slice(0, 27) + '…' : rest];
}

export function machineSvg(current: string, transitions: { from: string; to: string; event: string }[]): string {
  const cols = machineColumns();
  const boxes = new Map<string, Box>();
  cols.forEach((c, i) =>
    c.states.forEach((s, j) => boxes.set(s, { key: s, x: 10 + i * (W + COL_GAP), y: TOP + j * (H + GAP) })),
  );
  const visited = new Set(transitions.flatMap((t) => [t.from, t.to]));
  const rows = Math.max(...cols.map((c) => c.states.length));
  const width = 10 + cols.length * (W + COL_GAP);
  const height = TOP + rows * (H + GAP) + 10;
  const parts: string[] = [];
  parts.push(
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#1d70b8"/></marker></defs>`,
  );
  cols.forEach((c, i) =>
    parts.push(
      `<text x="${10 + i * (W + COL_GAP)}" y="24" font-size="15" font-weight="bold" fill="#0b0c0c">${esc(c.title)}</text>`,
    ),
  );
  for (const b of boxes.values()) {
    const isNow = b.key === current;
    const fill = isNow ? '#0b0c0c' : visited.has(b.key) ? '#d2e2f1' : '#ffffff';
    const ink = isNow ? '#ffffff' : '#0b0c0c';
    const label = lines(stageWords(b.key));
    parts.push(
      `<g${isNow ? ' aria-current="step"' : ''}><title>${esc(b.key)}${isNow ? ' (current state)' : visited.has(b.key) ? ' (passed through)' : ''}</title>` +
        `<rect x="${b.x}" y="${b.y}" width="${W}" height="${H}" rx="4" fill="${fill}" stroke="${isNow ? '#ffdd00' : '#505a5f'}" stroke-width="${isNow ? 4 : 1}"/>` +
        label
          .map(
            (l, k) =>
              `<text x="${b.x + 8}" y="${b.y + (label.length === 1 ? 25 : 17 + k * 15)}" font-size="13" fill="${ink}">${esc(l)}</text>`,
          )
          .join('') +
        `</g>`,
    );
  }
  // The path taken, in order: arrows between the boxes the case moved through.
  transitions
    .filter((t) => t.from !== t.to && boxes.has(t.from) && boxes.has(t.to))
    .forEach((t) => {
      const a = boxes.get(t.from)!;
      const b = boxes.get(t.to)!;
      const sameCol = a.x === b.x;
      const x1 = sameCol ? a.x + W - 16 : a.x + W;
      const y1 = sameCol ? a.y + (b.y > a.y ? H : 0) : a.y + H / 2;
      const x2 = sameCol ? b.x + W - 16 : b.x;
      const y2 = sameCol ? b.y + (b.y > a.y ? 0 : H) : b.y + H / 2;
      const back = b.x < a.x;
      const path = back
        ? `M${a.x},${a.y + H / 2} C${a.x - 30},${a.y + H / 2} ${b.x + W + 30},${b.y + H / 2} ${b.x + W},${b.y + H / 2}`
        : `M${x1},${y1} L${x2},${y2}`;
      parts.push(`<path d="${path}" fill="none" stroke="#1d70b8" stroke-width="2" marker-end="url(#arrow)"/>`);
    });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="machine-title" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" class="hwc-machine">` +
    `<title id="machine-title">The journey machine: current state ${esc(stageWords(current))}; passed through ${visited.size} states</title>` +
    parts.join('') +
    `</svg>`
  );
}
