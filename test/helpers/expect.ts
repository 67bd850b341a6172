// The `expect` matching rules of journey.md B4, exactly as /work/shared/tools/check-scenarios applies them:
// objects match on the keys given; a non-empty array must appear in order as a subsequence (greedy, each
// wanted element matched by the first later element that matches it); an empty array means "must be empty";
// anything else must be equal.

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const show = (v: unknown, max = 300) => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > max ? s.slice(0, max) : s;
};

/** `null` when `got` satisfies `want`, else the first problem as `$.path: what`. */
export function matchExpect(want: unknown, got: unknown, path = '$'): string | null {
  if (isObject(want)) {
    if (!isObject(got)) return `${path}: expected an object, got ${show(got, 80)}`;
    for (const [k, v] of Object.entries(want)) {
      if (!(k in got)) return `${path}.${k}: missing`;
      const err = matchExpect(v, got[k], `${path}.${k}`);
      if (err) return err;
    }
    return null;
  }
  if (Array.isArray(want)) {
    if (!Array.isArray(got)) return `${path}: expected an array`;
    if (want.length === 0) return got.length === 0 ? null : `${path}: expected empty, got ${got.length} entries`;
    let i = 0;
    for (const [n, w] of want.entries()) {
      while (i < got.length && matchExpect(w, got[i]) !== null) i++;
      if (i === got.length) return `${path}[${n}]: ${show(w)} not found in order in ${show(got)}`;
      i++;
    }
    return null;
  }
  return want === got ? null : `${path}: expected ${show(want)}, got ${show(got)}`;
}
