// Personal data in what the stub systems recorded: health details, free-text notes, phone numbers, action
// plans. One list of the fields that hold it, used twice: the store seals exactly these fields at rest, and
// every output (`hwc outbox`, its `--json`) shows them only to a viewer whose role allows it.

/** Field names (at any depth) whose values are personal data. */
export const SENSITIVE_FIELDS: ReadonlySet<string> = new Set([
  // claimant records (JSAPS) and report rows
  'health',
  'condition',
  'notes',
  'healthNotes',
  'healthCondition',
  'mobile',
  'phone',
  'reasonableAdjustments',
  'dateOfBirth',
  // what people wrote (LMS notepad, the conversation's action plan, appointment requirements)
  'text',
  'actions',
  'myValues',
  'requirements',
]);

export const REDACTED = '[redacted]';

/** The roles that may read personal data in outputs (`--unredacted`). */
export const UNREDACTED_ROLES: ReadonlySet<string> = new Set(['auditor', 'manager']);

export interface Viewer {
  staffId: string;
  roles: readonly string[];
}

export const mayReadPersonalData = (viewer: Viewer | null | undefined) =>
  !!viewer && viewer.roles.some((r) => UNREDACTED_ROLES.has(r));

/** A copy of `value` with every sensitive field replaced by `[redacted]` (absent and null fields stay so). */
export function redact<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => redact(v)) as T;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [
      k,
      SENSITIVE_FIELDS.has(k) && v !== null && v !== undefined ? REDACTED : redact(v),
    ]),
  ) as T;
}

/** What a viewer may see: everything for an authorised role, the redacted copy for anyone else. */
export const forViewer = <T>(value: T, viewer: Viewer | null | undefined): T =>
  mayReadPersonalData(viewer) ? value : redact(value);

/** Splits an object into its sensitive top-level fields (to seal) and the rest (kept in clear). */
export function splitSensitive(details: Record<string, unknown>): {
  clear: Record<string, unknown>;
  sensitive: Record<string, unknown> | null;
} {
  const clear: Record<string, unknown> = {};
  const sensitive: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(details)) (SENSITIVE_FIELDS.has(k) ? sensitive : clear)[k] = v;
  return { clear, sensitive: Object.keys(sensitive).length ? sensitive : null };
}
