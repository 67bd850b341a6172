// The start-throughput phase's CPU profiles (V8 `.cpuprofile`, from the inspector: the worker's main
// thread and the variant's workflow thread, over one round of each variant), attributed to where the
// code comes from and compared per journey: where does hwc spend more than the hand-written workflow?
//
// Each sample is counted against the nearest frame on its stack that belongs to a script (so V8 builtins,
// regular expressions and native calls count for the code that called them), and workflow code, which
// runs from a webpack bundle, is mapped back to its module through webpack's module markers.
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { BUNDLE_FILES } from './bundles';
import { round } from './lib';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

type Modules = [number, string][];

/** bundle file name → sorted [first line, module] pairs. */
export function bundleModules(dir: string): Map<string, Modules> {
  const out = new Map<string, Modules>();
  for (const file of Object.values(BUNDLE_FILES)) {
    let code: string;
    try {
      code = readFileSync(join(dir, file), 'utf8');
    } catch {
      continue;
    }
    const modules: Modules = [];
    code.split('\n').forEach((line, i) => {
      const m = /^\/\*\*\*\/ "(.+?)"/.exec(line);
      if (m) modules.push([i, m[1]]);
    });
    out.set(file, modules);
  }
  return out;
}

function moduleAt(modules: Modules, line: number): string {
  let lo = 0;
  let hi = modules.length - 1;
  let best = '(bundle runtime)';
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (modules[mid][0] <= line) {
      best = modules[mid][1];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best;
}

const pkgOf = (path: string) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1];

function categoryOfModule(m: string): string {
  const pkg = pkgOf(m);
  if (pkg === 'xstate') return 'workflow: xstate';
  if (pkg === 'zod') return 'workflow: zod';
  if (pkg === 'luxon') return 'workflow: luxon';
  if (pkg === '@temporalio/workflow') return 'workflow: SDK sandbox runtime';
  if (pkg?.startsWith('@temporalio/') || pkg === 'long' || pkg === 'ms') return 'workflow: SDK common';
  if (pkg) return `workflow: ${pkg}`;
  if (m.startsWith('./machines/')) return 'workflow: machines/';
  if (m.startsWith('./domain/')) return 'workflow: domain/';
  if (m.startsWith('./workflows/')) return 'workflow: workflows/ (shell)';
  if (m.startsWith('./bench/')) return 'workflow: bench baseline';
  return 'workflow: bundle runtime';
}

/** Where a frame's code comes from; null for frames without a script (builtins, native). */
function categoryOfFrame(f: CallFrame, bundles: Map<string, Modules>): string | null {
  if (f.functionName === '(garbage collector)') return 'GC';
  if (f.functionName === '(program)') return 'V8 (program)';
  const u = f.url;
  if (!u) return null;
  const b = bundles.get(basename(u));
  if (b) return categoryOfModule(moduleAt(b, f.lineNumber));
  if (u.includes('@temporalio/worker/lib/workflow/')) return 'SDK workflow sandbox host (vm, promise hooks)';
  if (u.includes('@temporalio/worker')) return 'SDK worker (activations, core bridge)';
  if (u.includes('@temporalio/proto') || u.includes('protobufjs')) return 'protobuf';
  if (u.includes('@temporalio/')) return 'SDK common (payloads, failures)';
  if (u.includes('/worker/codec') || u.includes('/worker/data-converter')) return 'payload encryption';
  if (u.includes('/activities/') || u.includes('better-sqlite3')) return 'activities + stub SQLite';
  if (u.startsWith('node:') || !u.includes('/')) return 'Node internals';
  if (u.includes('evalmachine')) return 'SDK workflow sandbox host (vm, promise hooks)';
  const pkg = pkgOf(u);
  return pkg ? `Node: ${pkg}` : 'Node: project code';
}

/** Self time (µs) by category and by function of one profile. */
export function attribute(path: string, bundles: Map<string, Modules>) {
  const p = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const memo = new Map<number, { category: string; fn: string } | null>();
  const resolve = (id: number): { category: string; fn: string } | null => {
    if (memo.has(id)) return memo.get(id)!;
    const f = byId.get(id)!.callFrame;
    if (f.functionName === '(idle)' || f.functionName === '(root)') {
      memo.set(id, null);
      return null;
    }
    const c = categoryOfFrame(f, bundles);
    const up = parent.get(id);
    const r = c
      ? { category: c, fn: `${f.functionName || '(anonymous)'} (${c})` }
      : up !== undefined
        ? resolve(up)
        : { category: 'V8 builtins, no caller', fn: f.functionName };
    memo.set(id, r);
    return r;
  };
  const byCategory = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (let i = 0; i < p.samples.length; i++) {
    const us = p.timeDeltas[i + 1] ?? 0; // a sample lasts until the next one
    const r = resolve(p.samples[i]);
    if (!r) continue;
    byCategory.set(r.category, (byCategory.get(r.category) ?? 0) + us);
    byFunction.set(r.fn, (byFunction.get(r.fn) ?? 0) + us);
  }
  return { byCategory, byFunction };
}

export interface ProfileComparison {
  journeys: Record<'hwc' | 'handWritten', number>;
  totalMsPerJourney: Record<'hwc' | 'handWritten', number>;
  /** ms per journey, sorted by how much more hwc spends. */
  byCategory: { category: string; hwc: number; handWritten: number; difference: number }[];
  topExtraFunctions: { function: string; hwc: number; handWritten: number; difference: number }[];
  files: Record<string, { main: string; workflow: string }[]>;
}

export function compareProfiles(
  files: Record<string, { main: string; workflow: string }[]>,
  journeys: Record<string, number>,
  bundleDir: string,
): ProfileComparison {
  const bundles = bundleModules(bundleDir);
  const per = (id: 'hwc' | 'handWritten') => {
    const cat = new Map<string, number>();
    const fn = new Map<string, number>();
    for (const f of files[id].flatMap((x) => [x.main, x.workflow])) {
      const a = attribute(f, bundles);
      for (const [k, v] of a.byCategory) cat.set(k, (cat.get(k) ?? 0) + v);
      for (const [k, v] of a.byFunction) fn.set(k, (fn.get(k) ?? 0) + v);
    }
    const n = Math.max(1, journeys[id]);
    const ms = (m: Map<string, number>) => new Map([...m].map(([k, v]) => [k, v / 1000 / n]));
    return { cat: ms(cat), fn: ms(fn) };
  };
  const h = per('hwc');
  const a = per('handWritten');
  const diff = (x: Map<string, number>, y: Map<string, number>) =>
    [...new Set([...x.keys(), ...y.keys()])]
      .map((k) => ({ k, hwc: x.get(k) ?? 0, handWritten: y.get(k) ?? 0 }))
      .map((d) => ({ ...d, difference: d.hwc - d.handWritten }))
      .sort((p, q) => q.difference - p.difference);
  const r2 = (d: { k: string; hwc: number; handWritten: number; difference: number }) => ({
    hwc: round(d.hwc, 2),
    handWritten: round(d.handWritten, 2),
    difference: round(d.difference, 2),
  });
  const total = (m: Map<string, number>) =>
    round(
      [...m.values()].reduce((s, v) => s + v, 0),
      1,
    );
  return {
    journeys: { hwc: journeys.hwc, handWritten: journeys.handWritten },
    totalMsPerJourney: { hwc: total(h.cat), handWritten: total(a.cat) },
    byCategory: diff(h.cat, a.cat).map((d) => ({ category: d.k, ...r2(d) })),
    topExtraFunctions: diff(h.fn, a.fn)
      .slice(0, 25)
      .map((d) => ({ function: d.k, ...r2(d) })),
    files,
  };
}
