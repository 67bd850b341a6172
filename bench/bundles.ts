// The three workflow bundles of the benchmark, built once per run (webpack takes seconds) and written to
// the run's directory: every fresh worker process and every replay loads them from there, and the CPU
// profile maps bundle lines back to modules with them.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowBundle } from '../worker/worker';

export type BundleId = 'hwc' | 'handWritten' | 'floor';
export type BundlePaths = Record<BundleId, string>;
export const BUNDLE_FILES: BundlePaths = {
  hwc: 'hwc-bundle.js',
  handWritten: 'hand-written-bundle.js',
  floor: 'floor-bundle.js',
};

const silent = { trace() {}, debug() {}, info() {}, warn() {}, error: (m: string) => console.error(m), log() {} };
// One bundle per baseline: the SDK evaluates a bundle's workflow modules afresh for every workflow, so
// a floor bundled with the hand-written workflow would build its zod schemas and luxon every time too.
// The hand-written one shares its libraries across workflows as hwc's bundle does (preloadModules).
const baseline = (file: string, preload?: string) =>
  bundleWorkflowCode({
    workflowsPath: fileURLToPath(new URL(`./baselines/${file}`, import.meta.url)),
    ...(preload ? { preloadModules: [fileURLToPath(new URL(`./baselines/${preload}`, import.meta.url))] } : {}),
    logger: silent,
  });

/** Builds the bundles (hwc's exactly as `hwc worker` does) and returns where they are, with their sizes. */
export async function buildBundles(dir: string): Promise<{ paths: BundlePaths; kib: Record<BundleId, number> }> {
  const codes: Record<BundleId, string> = {
    hwc: (await workflowBundle()).code,
    handWritten: (await baseline('hand-written.ts', 'shared-modules.ts')).code,
    floor: (await baseline('floor.ts')).code,
  };
  const paths = {} as BundlePaths;
  const kib = {} as Record<BundleId, number>;
  for (const id of Object.keys(codes) as BundleId[]) {
    paths[id] = join(dir, BUNDLE_FILES[id]);
    writeFileSync(paths[id], codes[id]);
    kib[id] = Math.round(codeWithoutSourceMap(codes[id]).length / 1024);
  }
  return { paths, kib };
}

export const codeWithoutSourceMap = (code: string) => {
  const at = code.lastIndexOf('//# sourceMappingURL=');
  return at < 0 ? code : code.slice(0, at);
};
