// `npm run bench -- --profile`: the worker ran under `node --cpu-prof`, which writes one .cpuprofile per
// thread (the main thread, one workflow thread per Worker, tsx's loader thread). This attributes the
// self time of every sample to where its code comes from. Workflow code runs from the webpack bundle,
// so bundle lines are mapped back to their modules through webpack's module markers.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { round } from './lib';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** bundle file name → sorted [first line, module] pairs. */
function bundleModules(dir: string): Map<string, { name: string; modules: [number, string][] }> {
  const out = new Map<string, { name: string; modules: [number, string][] }>();
  for (const [file, name] of [
    ['hwc-bundle.js', 'hwc'],
    ['baselines-bundle.js', 'baselines'],
  ]) {
    const path = join(dir, file);
    if (!existsSync(path)) continue;
    const code = readFileSync(path, 'utf8');
    const at = code.lastIndexOf('//# sourceMappingURL=data:');
    const map = JSON.parse(Buffer.from(code.slice(at).split('base64,')[1], 'base64').toString()) as { file: string };
    const modules: [number, string][] = [];
    code.split('\n').forEach((line, i) => {
      const m = /^\/\*\*\*\/ "(.+?)"/.exec(line);
      if (m) modules.push([i, m[1]]);
    });
    out.set(basename(map.file), { name, modules });
  }
  return out;
}

function moduleAt(modules: [number, string][], line: number): string {
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

function categoryOfModule(m: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(m)?.[1];
  if (pkg === 'xstate') return 'workflow: xstate';
  if (pkg === 'zod') return 'workflow: zod (validation)';
  if (pkg === 'luxon') return 'workflow: luxon (calendar)';
  if (pkg === '@temporalio/workflow') return 'workflow: Temporal SDK sandbox runtime';
  if (pkg?.startsWith('@temporalio/') || pkg === 'long' || pkg === 'ms') return 'workflow: Temporal SDK common/proto';
  if (pkg) return `workflow: ${pkg}`;
  if (m.startsWith('./machines/')) return 'workflow: machines/ (step function, machine definition)';
  if (m.startsWith('./domain/')) return 'workflow: domain/ (rules, calendar, schemas)';
  if (m.startsWith('./workflows/')) return 'workflow: workflows/ (journey shell)';
  if (m.startsWith('./bench/')) return 'workflow: bench baselines';
  return 'workflow: bundle runtime';
}

function categoryOfFrame(
  f: CallFrame,
  bundles: ReturnType<typeof bundleModules>,
): { category: string; bundle?: string; where: string } {
  if (f.functionName === '(garbage collector)') return { category: 'GC', where: 'GC' };
  if (f.functionName === '(program)') return { category: 'V8/native (program)', where: '(program)' };
  if (f.functionName === '(idle)') return { category: '(idle)', where: '(idle)' };
  const b = bundles.get(basename(f.url));
  if (b) {
    const m = moduleAt(b.modules, f.lineNumber);
    return { category: categoryOfModule(m), bundle: b.name, where: m };
  }
  const u = f.url;
  if (!u) return { category: 'V8 builtins (no script)', where: '(native)' };
  if (u.startsWith('node:') || !u.includes('/')) return { category: 'Node internals', where: u };
  if (u.includes('@temporalio/worker'))
    return { category: 'SDK worker (Node side: activations, core bridge)', where: u };
  if (u.includes('@temporalio/proto') || u.includes('protobufjs'))
    return { category: 'protobuf (Node side)', where: u };
  if (u.includes('@temporalio/')) return { category: 'SDK common/client (Node side)', where: u };
  if (u.includes('/worker/codec') || u.includes('/worker/data-converter'))
    return { category: 'payload encryption (codec)', where: u };
  if (u.includes('/activities/') || u.includes('better-sqlite3'))
    return { category: 'activities + stub SQLite', where: u };
  if (u.includes('node_modules/tsx') || u.includes('esbuild')) return { category: 'tsx loader', where: u };
  if (u.includes('node_modules/'))
    return { category: `Node side: ${/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u)?.[1]}`, where: u };
  return { category: 'Node side: project code', where: u };
}

export function summarizeProfiles(dir: string) {
  const bundles = bundleModules(dir);
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')) : [];
  const byCategory = new Map<string, number>();
  const byFunction = new Map<string, number>();
  const threads: {
    file: string;
    runs: string;
    busyMs: number;
    byCategory: { category: string; ms: number; percent: number }[];
  }[] = [];
  let total = 0;
  for (const file of files) {
    const p = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    const frames = new Map(p.nodes.map((n) => [n.id, n.callFrame]));
    const cache = new Map<number, ReturnType<typeof categoryOfFrame>>();
    let busy = 0;
    const ran = new Set<string>();
    const mine = new Map<string, number>();
    for (let i = 0; i < p.samples.length; i++) {
      const us = p.timeDeltas[i + 1] ?? 0; // a sample lasts until the next one
      const id = p.samples[i];
      let c = cache.get(id);
      if (!c) cache.set(id, (c = categoryOfFrame(frames.get(id)!, bundles)));
      if (c.category === '(idle)') continue;
      if (c.bundle) ran.add(c.bundle);
      busy += us;
      byCategory.set(c.category, (byCategory.get(c.category) ?? 0) + us);
      mine.set(c.category, (mine.get(c.category) ?? 0) + us);
      const f = frames.get(id)!;
      const key = `${f.functionName || '(anonymous)'} · ${c.where.replace(/^.*node_modules\//, '').replace(/^\.\//, '')}`;
      byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    }
    total += busy;
    // A thread that ran a bundle for more than a trace of its time is that bundle's workflow thread.
    const bundleMs = (name: string) => ([...cache.values()].some((c) => c.bundle === name) ? 1 : 0);
    void bundleMs;
    threads.push({
      file,
      runs: [...ran].join('+') || 'main/other',
      busyMs: round(busy / 1000, 0),
      byCategory: [...mine.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 12)
        .map(([category, us]) => ({ category, ms: round(us / 1000, 0), percent: round((us / busy) * 100, 1) })),
    });
  }
  const sorted = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([k, us]) => ({ ms: round(us / 1000, 0), percent: round((us / total) * 100, 1), k }));
  return {
    files: files.length,
    busyMs: round(total / 1000, 0),
    threads,
    byCategory: sorted(byCategory).map(({ k, ...r }) => ({ category: k, ...r })),
    topFunctions: sorted(byFunction)
      .slice(0, 25)
      .map(({ k, ...r }) => ({ function: k, ...r })),
  };
}
