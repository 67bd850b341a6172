// The fields of each person's event, read from the zod schemas of domain/schemas.ts (`JourneyEvent`), so
// `hwc show`, `hwc event --help` and the `--field value` parsing of `hwc event` follow the contract as it is.
import {
  DEFERRAL_CATEGORIES,
  DeferralCategory,
  EVENT_TYPES,
  EXEMPTION_CATEGORIES,
  ExemptionCategory,
  Instant,
  eventSchemaOf,
  ROLES_FOR_EVENT,
  type JourneyEventType,
} from '../domain/schemas';
import { BOOLEAN_WORDS, parseBoolean } from '../domain/booleans';
import { badInput } from './errors';

/** Fields every event may carry; `by` comes from `--as`. */
const COMMON = new Set(['type', 'at', 'by', 'notes']);

export interface FieldInfo {
  name: string;
  optional: boolean;
  /** For people: boolean, text, number, instant, date, one of a|b|c, text[], [{what, where, when}], … */
  kind: string;
  /** How a `--field value` string is read. */
  read: 'boolean' | 'number' | 'json' | 'text';
}

type Def = { type: string; [k: string]: unknown };
const def = (s: unknown): Def => (s as { _zod: { def: Def } })._zod.def;

function describe(schema: unknown): { kind: string; read: FieldInfo['read'] } {
  if (schema === Instant) return { kind: 'instant', read: 'text' };
  // Long lists get their name; `CATEGORIES_HELP` lists their values once.
  if (schema === ExemptionCategory) return { kind: 'ExemptionCategory', read: 'text' };
  if (schema === DeferralCategory) return { kind: 'DeferralCategory', read: 'text' };
  const d = def(schema);
  switch (d.type) {
    case 'optional':
    case 'nullable':
    case 'default':
      return describe(d.innerType);
    case 'boolean':
      return { kind: 'boolean', read: 'boolean' };
    case 'number':
      return { kind: 'number', read: 'number' };
    case 'string':
      return {
        kind: d.format === 'date' ? 'date YYYY-MM-DD' : d.format === 'datetime' ? 'instant' : 'text',
        read: 'text',
      };
    case 'enum':
      return { kind: Object.keys(d.entries as object).join('|'), read: 'text' };
    case 'literal':
      return { kind: (d.values as unknown[]).map(String).join('|'), read: 'text' };
    case 'pipe':
      return describe(d.in);
    case 'array': {
      const inner = describe(d.element).kind;
      return { kind: inner.includes('|') || inner.startsWith('{') ? `[${inner}, …]` : `${inner}[]`, read: 'json' };
    }
    case 'object': {
      const shape = (schema as { shape: Record<string, unknown> }).shape;
      const parts = Object.entries(shape).map(([k, v]) => `${k}${def(v).type === 'optional' ? '?' : ''}`);
      return { kind: `{${parts.join(', ')}}`, read: 'json' };
    }
    default:
      return { kind: d.type, read: 'text' };
  }
}

/** The payload fields of an event type (without type, at, by, notes), in schema order. */
export function eventFields(type: JourneyEventType): FieldInfo[] {
  const schema = eventSchemaOf(type);
  if (!schema) return [];
  return Object.entries(schema.shape)
    .filter(([name]) => !COMMON.has(name))
    .map(([name, s]) => ({ name, optional: def(s).type === 'optional', ...describe(s) }));
}

/** `contacted: boolean · slot?: instant · requirements?: text[]`, or `(no fields)`. */
export function fieldsLine(type: JourneyEventType): string {
  const f = eventFields(type);
  return f.length ? f.map((x) => `${x.name}${x.optional ? '?' : ''}: ${x.kind}`).join(' · ') : '(no fields)';
}

export const rolesOf = (type: JourneyEventType) => ROLES_FOR_EVENT[type].join('|');

export const CATEGORIES_HELP = [
  `ExemptionCategory: ${EXEMPTION_CATEGORIES.join(' ')}`,
  `DeferralCategory: ${DEFERRAL_CATEGORIES.join(' ')}`,
  'instant: ISO-8601 with a UTC offset, e.g. 2026-02-02T10:00:00Z · every event may also carry notes?: text, at?: instant',
].join('\n');

/** Every event type with its roles and fields, for `hwc event --help`. */
export function eventsHelp(): string {
  const width = Math.max(...EVENT_TYPES.map((t) => t.length));
  return EVENT_TYPES.map((t) => `  ${t.padEnd(width)}  ${fieldsLine(t)}   [${rolesOf(t)}]`).join('\n');
}

/** A `--field value` string as the schema expects it (generic guess for a field the schema lacks). */
export function readFieldValue(type: string, name: string, raw: string): unknown {
  const info = (EVENT_TYPES as readonly string[]).includes(type)
    ? eventFields(type as JourneyEventType).find((f) => f.name === name)
    : undefined;
  const read = info?.read ?? (COMMON.has(name) ? 'text' : guess(raw));
  switch (read) {
    case 'boolean': {
      const b = parseBoolean(raw);
      if (b === undefined)
        throw badInput(`--${name.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}: must be ${BOOLEAN_WORDS}`);
      return b;
    }
    case 'number':
      return raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
    case 'json':
      try {
        return JSON.parse(raw);
      } catch {
        // A single text for a list of texts: `--requirements "Wheelchair access"`.
        return info?.kind === 'text[]' ? [raw] : raw;
      }
    case 'text':
      return raw;
  }
}

function guess(raw: string): FieldInfo['read'] {
  if (raw === 'true' || raw === 'false') return 'boolean';
  if (/^-?\d+(\.\d+)?$/.test(raw)) return 'number';
  if (/^\s*[[{]/.test(raw)) return 'json';
  return 'text';
}
