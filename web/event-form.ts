// A form for each person's event, generated from its zod schema (domain/schemas.ts `JourneyEvent`), and the
// way back: form fields to an event, checked by the same schema before anything is sent. The journey's own
// validator stays the judge; this only turns its refusals (and the schema's) into errors on named fields.
import { DateTime } from 'luxon';
import type { z } from 'zod';
import { ZONE } from '../domain/calendar';
import {
  DeferralCategory,
  ExemptionCategory,
  Instant,
  JourneyEvent,
  eventSchemaOf,
  ROLES_FOR_EVENT,
  type JourneyEventType,
} from '../domain/schemas';
import type { StaffRole } from '../domain/staff';
import type { Role } from '../domain/schemas';

export type FieldKind = 'boolean' | 'enum' | 'instant' | 'date' | 'text' | 'longText' | 'list' | 'actions' | 'group';

export interface FieldSpec {
  /** Name in the event (`slot`, `goal.want`). */
  path: string[];
  kind: FieldKind;
  optional: boolean;
  options?: string[];
  children?: FieldSpec[];
}

type Def = { type: string; [k: string]: unknown };
const def = (s: unknown): Def => (s as { _zod: { def: Def } })._zod.def;

const unwrap = (s: unknown): { schema: unknown; optional: boolean } => {
  let optional = false;
  let cur = s;
  for (;;) {
    const d = def(cur);
    if (d.type === 'optional' || d.type === 'default' || d.type === 'nullable') {
      optional = true;
      cur = d.innerType;
    } else return { schema: cur, optional };
  }
};

const COMMON = new Set(['type', 'at', 'by']);
const LONG_TEXT = new Set(['notes', 'reason']);

function spec(path: string[], raw: unknown): FieldSpec {
  const { schema, optional } = unwrap(raw);
  const base = { path, optional };
  if (schema === Instant) return { ...base, kind: 'instant' };
  if (schema === ExemptionCategory || schema === DeferralCategory)
    return { ...base, kind: 'enum', options: [...(schema as z.ZodEnum).options] as string[] };
  const d = def(schema);
  switch (d.type) {
    case 'boolean':
      return { ...base, kind: 'boolean' };
    case 'enum':
      return { ...base, kind: 'enum', options: Object.keys(d.entries as object) };
    case 'pipe':
      return spec(path, d.in);
    case 'string':
      if (d.format === 'date') return { ...base, kind: 'date' };
      return { ...base, kind: LONG_TEXT.has(path[path.length - 1]) ? 'longText' : 'text' };
    case 'array': {
      const el = unwrap(d.element).schema;
      if (def(el).type === 'object') return { ...base, kind: 'actions', children: fieldsOf(el as z.ZodObject, []) };
      return { ...base, kind: 'list' };
    }
    case 'object':
      return { ...base, kind: 'group', children: fieldsOf(schema as z.ZodObject, path) };
    default:
      return { ...base, kind: 'text' };
  }
}

function fieldsOf(schema: z.ZodObject, prefix: string[]): FieldSpec[] {
  return Object.entries(schema.shape)
    .filter(([name]) => !(prefix.length === 0 && COMMON.has(name)))
    .map(([name, s]) => spec([...prefix, name], s));
}

/** The fields of an event's form, in schema order, `notes` last. */
export function formFields(type: JourneyEventType): FieldSpec[] {
  const schema = eventSchemaOf(type);
  if (!schema) return [];
  const fields = fieldsOf(schema, []);
  return [...fields.filter((f) => f.path[0] !== 'notes'), ...fields.filter((f) => f.path[0] === 'notes')];
}

/** How many action rows the conversation form offers (the schema allows 1 to 5). */
export const ACTION_ROWS = 3;

/** The name of a form control for a path: `goal-want`, `actions-0-what`. */
export const controlName = (path: (string | number)[]) => path.join('-');

/** `2026-02-02T10:00` typed in a datetime-local box is London time; anything else is left for the schema. */
function instantFrom(raw: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})$/.exec(raw.trim());
  if (!m) return raw.trim();
  const t = DateTime.fromISO(`${m[1]}T${m[2]}`, { zone: ZONE });
  return t.isValid ? t.toUTC().toISO()! : raw.trim();
}

function readField(f: FieldSpec, form: URLSearchParams): unknown {
  const raw = form.get(controlName(f.path)) ?? '';
  switch (f.kind) {
    case 'boolean':
      return raw === 'yes' ? true : raw === 'no' ? false : raw === '' ? undefined : raw;
    case 'instant':
      return raw.trim() === '' ? undefined : instantFrom(raw);
    case 'list': {
      const lines = raw
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter(Boolean);
      return lines.length ? lines : undefined;
    }
    case 'actions': {
      const rows: Record<string, string>[] = [];
      for (let i = 0; i < ACTION_ROWS; i++) {
        const row = Object.fromEntries(
          f.children!.map((c) => [c.path[0], (form.get(controlName([...f.path, i, c.path[0]])) ?? '').trim()]),
        );
        if (Object.values(row).some(Boolean)) rows.push(row);
      }
      return rows;
    }
    case 'group': {
      const parts = Object.fromEntries(
        f.children!.map((c) => [c.path[c.path.length - 1], readField(c, form)]).filter(([, v]) => v !== undefined),
      );
      return Object.keys(parts).length ? parts : undefined;
    }
    default:
      return raw === '' ? undefined : raw;
  }
}

/** The values a form sent, keyed by control name (to show them again next to their errors). */
export const formValues = (form: URLSearchParams) => Object.fromEntries(form.entries());

export interface FieldError {
  /** Control name (`slot`, `actions-0-what`), or '' for the form as a whole. */
  field: string;
  message: string;
}

export type ParsedForm =
  { ok: true; event: Record<string, unknown> & { type: string } } | { ok: false; errors: FieldError[] };

/** The event a form describes, checked by the event's own schema; nothing is sent when this fails. */
export function eventFromForm(type: JourneyEventType, form: URLSearchParams): ParsedForm {
  const event: Record<string, unknown> = { type };
  for (const f of formFields(type)) {
    const v = readField(f, form);
    if (v !== undefined) event[f.path[0]] = v;
  }
  const parsed = JourneyEvent.safeParse(event);
  if (parsed.success) return { ok: true, event: event as Record<string, unknown> & { type: string } };
  return {
    ok: false,
    errors: parsed.error.issues.map((i) => ({
      field: controlName(i.path.map((p) => (typeof p === 'number' ? p : String(p)))),
      message: i.message,
    })),
  };
}

/**
 * A refusal from the journey (its Update validator) as errors on fields: `FTA_CALL.slot: must be after …`,
 * `CONVERSATION_COMPLETED: actions[0].what: …; myValues: …`; anything else is about the form as a whole.
 */
export function refusalErrors(type: string, reason: string): FieldError[] {
  const dotted = new RegExp(`^${type}\\.([\\w.\\[\\]]+): (.*)$`, 's').exec(reason);
  if (dotted) return [{ field: pathToControl(dotted[1]), message: dotted[2] }];
  const listed = new RegExp(`^${type}: (.*)$`, 's').exec(reason);
  if (listed)
    return listed[1].split('; ').map((part) => {
      const m = /^([\w.[\]]+): (.*)$/s.exec(part);
      return m ? { field: pathToControl(m[1]), message: m[2] } : { field: '', message: part };
    });
  return [{ field: '', message: reason }];
}

const pathToControl = (p: string) =>
  p
    .replace(/\[(\d+)\]/g, '.$1')
    .replace(/^\(root\)$/, '')
    .split('.')
    .join('-');

/** The role a person records an event in: the first of the event's roles (B2) that they hold, if any. */
export function roleFor(type: JourneyEventType, roles: readonly StaffRole[]): Role | null {
  return ROLES_FOR_EVENT[type].find((r) => roles.includes(r)) ?? null;
}
