// For a preloaded module (workflows/shared-modules.ts): freeze the export objects of the bundled
// modules whose webpack id matches, shallowly, before the SDK deep-freezes every preloaded module. The
// SDK's freeze skips an object that is already frozen, and so everything reachable only through it.
// Runs inside the workflow bundle, where webpack's module table and the SDK's module cache exist.
declare const __webpack_modules__: Record<string, unknown>;

interface ModuleRecord {
  exports: object;
}

/**
 * `ids`: webpack module ids (development bundles name them by path: `./domain/schemas.ts`,
 * `./node_modules/zod/v4/core/core.js`). `required`: ids that must have been loaded by now; a bundle
 * where one is missing would fail later, inside a journey, so it fails here, when the worker starts.
 */
export function shallowFreezeExports(ids: RegExp, required: string[]): number {
  const cache = (globalThis as unknown as { __webpack_module_cache__?: Record<string, ModuleRecord | undefined> })
    .__webpack_module_cache__;
  if (!cache) throw new Error('shared modules: not in a workflow bundle (no module cache)');
  let frozen = 0;
  for (const id of Object.keys(__webpack_modules__)) {
    if (!ids.test(id)) continue;
    const record = cache[id];
    if (!record) continue;
    Object.freeze(record.exports);
    frozen++;
  }
  for (const id of required)
    if (!cache[id] || !Object.isFrozen(cache[id]!.exports))
      throw new Error(`shared modules: ${id} was not loaded before the freeze`);
  return frozen;
}
