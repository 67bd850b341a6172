// Reading the bad-input corpus (see README.md here) and the checks every rejection must pass: the message
// names the problem, carries no stack trace and echoes no personal data from the input.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unsafeCharIn } from '../../domain/text';

export const CORPUS_DIR = fileURLToPath(new URL('.', import.meta.url));
export const corpusPath = (...parts: string[]) => join(CORPUS_DIR, ...parts);

/** A substring the message must contain, or `/regex/flags` it must match. */
export type Problem = string;

export interface Expectation {
  problem: Problem;
  /** Values from the input that must not appear in the message (besides those found automatically). */
  personal?: string[];
}

export const jsonl = <T>(file: string): (T & { line: number })[] =>
  readFileSync(corpusPath(file), 'utf8')
    .split('\n')
    .map((text, i) => ({ text, line: i + 1 }))
    .filter(({ text }) => text.trim() !== '')
    .map(({ text, line }) => ({ ...(JSON.parse(text) as T), line }));

export const json = <T>(file: string): T => JSON.parse(readFileSync(corpusPath(file), 'utf8')) as T;

/** The files of a corpus directory (not `_expected.json`) with what each must be refused for. */
export function filesWithExpectations<E extends Expectation>(dir: string): { file: string; path: string; expect: E }[] {
  const expected = json<Record<string, E>>(join(dir, '_expected.json'));
  const files = readdirSync(corpusPath(dir)).filter((f) => !f.startsWith('_')).sort();
  const listed = Object.keys(expected).filter((k) => !k.startsWith('_')).sort();
  if (JSON.stringify(files) !== JSON.stringify(listed))
    throw new Error(`${dir}: files and _expected.json differ: ${[...files.filter((f) => !listed.includes(f)), ...listed.filter((f) => !files.includes(f))].join(', ')}`);
  return files.map((file) => ({ file, path: corpusPath(dir, file), expect: expected[file] }));
}

// ---------------------------------------------------------------------------------------------
// Building inputs: macros for values too big to write out, and patches on the base claimant.

/** `{"$repeat": s, "times": n}` → s repeated; `{"$array": v, "times": n}` → n copies; `{"$number": "1e400"}`. */
export function materialize(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(materialize);
  if (!v || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  if (typeof o.$repeat === 'string') return o.$repeat.repeat(o.times as number);
  if ('$array' in o) return Array.from({ length: o.times as number }, () => materialize(o.$array));
  if (typeof o.$number === 'string') return Number(o.$number);
  // Own keys only, `__proto__` included (JSON.parse makes it an own property; keep it one).
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o)) Object.defineProperty(out, k, { value: materialize(o[k]), enumerable: true, writable: true, configurable: true });
  return out;
}

const pathKeys = (path: string) => path.split(/\.|\[(\d+)\]/).filter((k) => k !== undefined && k !== '');

function setPath(target: Record<string, unknown>, path: string, value: unknown) {
  const keys = pathKeys(path);
  let o = target;
  for (const k of keys.slice(0, -1)) o = (o[k] ??= {}) as Record<string, unknown>;
  o[keys.at(-1)!] = value;
}
function unsetPath(target: Record<string, unknown>, path: string) {
  const keys = pathKeys(path);
  let o: Record<string, unknown> | undefined = target;
  for (const k of keys.slice(0, -1)) o = o?.[k] as Record<string, unknown> | undefined;
  if (o) delete o[keys.at(-1)!];
}

export interface RecordCase extends Expectation {
  name: string;
  line: number;
  set?: Record<string, unknown>;
  unset?: string[];
  record?: unknown;
}

export const baseClaimant = () => json<Record<string, unknown>>('base-claimant.json');

/** The malformed record a case stands for: its `record`, or the base claimant patched. */
export function recordOf(c: RecordCase): unknown {
  if ('record' in c) return materialize(c.record);
  const r = baseClaimant();
  for (const path of c.unset ?? []) unsetPath(r, path);
  for (const [path, value] of Object.entries(c.set ?? {})) setPath(r, path, materialize(value));
  return r;
}

/** JSON text for a file: non-finite numbers (from `$number`) written as the JSON literal `1e400`. */
export const toJsonText = (v: unknown) =>
  JSON.stringify(v, (_k, x) => (typeof x === 'number' && !Number.isFinite(x) ? '__NON_FINITE__' : x)).replace(/"__NON_FINITE__"/g, '1e400');

// ---------------------------------------------------------------------------------------------
// What a rejection message must (not) be

export function matches(message: string, problem: Problem): boolean {
  const m = /^\/(.*)\/([a-z]*)$/s.exec(problem);
  return m ? new RegExp(m[1], m[2]).test(message) : message.includes(problem);
}

/** Personal data in a claimant record or an event payload: what is stored about a person. */
const PERSONAL_KEYS = new Set([
  'dateOfBirth', 'mobile', 'phone', 'condition', 'notes', 'reasonableAdjustments', 'incidentDate', 'childMovedIn',
  'expectedWeekOfConfinement', 'previousEasementDate', 'reason', 'want', 'outcome', 'obstacle', 'plan', 'requirements',
]);
const NINO_SHAPE = /^[\s_-]*[A-Z]{2}(?:[\s_-]*\d{2}){3}[\s_-]*[A-D]?[\s_-]*$/i;

/** Strings in `input` that must never come back in a message: personal fields, NINO-shaped values, long texts. */
export function personalValues(input: unknown, extra: string[] = []): string[] {
  const out = new Set<string>(extra);
  const visit = (v: unknown, key: string | null, personal: boolean) => {
    if (typeof v === 'string') {
      if (personal || NINO_SHAPE.test(v) || v.length >= 100) out.add(v);
    } else if (typeof v === 'number' && personal) out.add(String(v));
    else if (Array.isArray(v)) v.forEach((x) => visit(x, key, personal));
    else if (v && typeof v === 'object') for (const k of Object.keys(v)) visit((v as Record<string, unknown>)[k], k, PERSONAL_KEYS.has(k));
  };
  visit(input, null, false);
  return [...out];
}

/**
 * Pieces of `value` whose presence in a message means it was echoed: the whole of a short value (a date, a
 * phone number, a NINO); of a longer text its first 10 characters (what V8's JSON errors quote) and any 16.
 */
function pieces(value: string): string[] {
  const v = value.length > 400 ? value.slice(0, 400) : value;
  if (v.length < 6) return [];
  const out = new Set<string>([v.slice(0, 10)]);
  if (v.length <= 16) return [...out, v];
  for (let i = 0; i + 16 <= v.length; i++) out.add(v.slice(i, i + 16));
  return [...out];
}

/** Every problem with a rejection message: it must name `problem`, be one readable text, echo nothing personal. */
export function messageProblems(message: string, e: Expectation & { personal?: string[] }, input?: unknown): string[] {
  const out: string[] = [];
  if (!matches(message, e.problem)) out.push(`does not name the problem ${e.problem}`);
  if (/^\s+at /m.test(message) || /\(\S+:\d+:\d+\)/.test(message)) out.push('contains a stack trace');
  // A rejection is printed: whatever the input carried, the message must not drive the terminal.
  if (unsafeCharIn(message)) out.push(`contains a control character (${unsafeCharIn(message)})`);
  if (/\b[A-Z]\w*(Error|Exception):/.test(message)) out.push('contains an error class dump');
  if (message.length > 2500) out.push(`is ${message.length} characters long`);
  for (const value of personalValues(input, e.personal ?? []))
    for (const piece of pieces(value))
      if (message.includes(piece)) {
        out.push(`echoes personal data from the input (${JSON.stringify(piece)})`);
        break;
      }
  return out;
}
