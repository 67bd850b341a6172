// Small helpers of the benchmark: process CPU and memory from /proc, percentiles, the machine, tables.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

let ticks = 0;
/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, nearly always 100). */
export function clockTicks(): number {
  if (!ticks) {
    try {
      ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

/** User + system CPU seconds a process (all its threads) has used so far; NaN when it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces: fields are counted after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks();
  } catch {
    return NaN;
  }
}

/** Resident set size of a process in bytes (VmRSS); NaN when it is gone. */
export function rssBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

export const loadavg = () => {
  const [one, five, fifteen] = os.loadavg();
  return { one: round(one, 2), five: round(five, 2), fifteen: round(fifteen, 2) };
};

export function round(x: number, digits = 1): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export interface Distribution {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export function distribution(values: number[], digits = 1): Distribution {
  const s = [...values].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / (s.length || 1);
  return {
    n: s.length,
    p50: round(percentile(s, 50), digits),
    p95: round(percentile(s, 95), digits),
    p99: round(percentile(s, 99), digits),
    max: round(s.at(-1) ?? NaN, digits),
    mean: round(mean, digits),
  };
}

export function machine() {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    hostname: os.hostname(),
  };
}

/** A Markdown table; numbers are printed as given. */
export function markdownTable(head: string[], rows: (string | number)[][]): string {
  const cells = [head, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? fmt(c) : c)))];
  const widths = head.map((_, i) => Math.max(3, ...cells.map((r) => String(r[i] ?? '').length)));
  const line = (r: (string | number)[]) => `| ${r.map((c, i) => String(c ?? '').padEnd(widths[i])).join(' | ')} |`;
  return [line(cells[0]), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...cells.slice(1).map(line)].join(
    '\n',
  );
}

export function fmt(x: number): string {
  if (!Number.isFinite(x)) return '–';
  if (Number.isInteger(x)) return String(x);
  if (Math.abs(x) >= 100) return String(Math.round(x));
  if (Math.abs(x) >= 10) return x.toFixed(1);
  if (Math.abs(x) >= 1) return x.toFixed(2);
  return x.toPrecision(2);
}

/** A protobuf Timestamp (seconds may be a Long) in epoch milliseconds. */
export function timestampMs(ts: { seconds?: unknown; nanos?: number | null } | null | undefined): number {
  if (!ts) return NaN;
  const s = ts.seconds as number | { toNumber(): number } | null | undefined;
  const seconds =
    typeof s === 'number' ? s : s && typeof s === 'object' && 'toNumber' in s ? s.toNumber() : Number(s ?? 0);
  return seconds * 1000 + (ts.nanos ?? 0) / 1e6;
}

/** A simple unbounded async queue with an end: `pop()` resolves `undefined` once ended and drained. */
export class Queue<T> {
  private items: T[] = [];
  private waiters: ((v: T | undefined) => void)[] = [];
  private ended = false;
  push(item: T) {
    const w = this.waiters.shift();
    if (w) w(item);
    else this.items.push(item);
  }
  end() {
    this.ended = true;
    for (const w of this.waiters.splice(0)) w(undefined);
  }
  pop(): Promise<T | undefined> {
    if (this.items.length) return Promise.resolve(this.items.shift());
    if (this.ended) return Promise.resolve(undefined);
    return new Promise((r) => this.waiters.push(r));
  }
}

/** Two-sided 95% Student t quantiles for n − 1 degrees of freedom (n = 2 … 31), then the normal's. */
const T95 = [12.71, 4.3, 3.18, 2.78, 2.57, 2.45, 2.36, 2.31, 2.26, 2.23, 2.2, 2.18, 2.16, 2.14, 2.13, 2.12, 2.11, 2.1];
const t95 = (df: number) => T95[df - 1] ?? (df <= 30 ? 2.05 : 1.96);

export interface Spread {
  n: number;
  mean: number;
  sd: number;
  min: number;
  max: number;
  /** Half-width of the 95% confidence interval of the mean (Student t), in the values' unit. */
  ci95: number;
  /** The same as a percentage of the mean: the "±" printed in the summary. */
  ci95Percent: number;
}

/** Mean and spread of repeated measurements (rounds of one variant, or per-block ratios). */
export function spread(values: number[], digits = 2): Spread {
  const v = values.filter(Number.isFinite);
  const n = v.length;
  const mean = v.reduce((a, b) => a + b, 0) / (n || 1);
  const sd = n > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : NaN;
  const ci = n > 1 ? (t95(n - 1) * sd) / Math.sqrt(n) : NaN;
  return {
    n,
    mean: round(mean, digits),
    sd: round(sd, digits + 1),
    min: round(Math.min(...v), digits),
    max: round(Math.max(...v), digits),
    ci95: round(ci, digits + 1),
    ci95Percent: round((ci / mean) * 100, 1),
  };
}

/** `94.2 ±2.1%` */
export const withSpread = (s: Spread) => `${fmt(s.mean)} ±${Number.isFinite(s.ci95Percent) ? s.ci95Percent : '–'}%`;
