// The weekly report (spec A3 start, seed ¶9–10): one ClaimantRecord per row, one journey per valid row.
// Shared by `hwc report` and the weekly-report schedule's activity, so both validate and start the same way:
// rows are checked with zod (a rejected row names its field), duplicates within a report are refused,
// and starting is idempotent (`hwc-<ref>`, REJECT_DUPLICATE), so a rerun starts nothing twice.
import type { Client } from '@temporalio/client';
import { recordDateProblems } from '../domain/plausibility';
import { ClaimantRecord, OfficeMnemonic } from '../domain/schemas';
import type { TrustedKey } from '../identity/proof';
import { startJourney } from './journeys';

/**
 * The largest report accepted, in rows and bytes. A weekly report lists the new ESA claims of an office,
 * or of all offices: hundreds to a few thousand rows. 50,000 leaves a wide margin; a bigger file is
 * refused whole before anything starts (split it by office), and the byte cap lets the check happen
 * before a file that size is read into memory.
 */
export const MAX_REPORT_ROWS = 50_000;
export const MAX_REPORT_BYTES = 64 * 1024 * 1024;

/** One row of a report as read from a file or the JSAPS stub, before validation. */
export interface ReportRow {
  /** 1-based position of the row in the report (CSV: data rows, the header not counted). */
  row: number;
  /** CSV only: the line of the file the row starts on. */
  line?: number;
  record: unknown;
  /** CSV only: the column a record path came from, so a reason can name the column people see. */
  columnOf?: (path: string) => string | undefined;
  /** A problem found while reading the row (CSV: too many cells): the row is rejected with it. */
  error?: string;
}

export interface RejectedRow {
  row: number;
  line?: number;
  claimantRef: string | null;
  reason: string;
}

export interface ValidRow {
  row: number;
  record: ClaimantRecord;
}

export interface RecordChange {
  claimantRef: string;
  /** The fields whose value differs from the record JSAPS held (names only: the values are personal). */
  fields: string[];
}

export interface ReportSummary {
  rows: number;
  started: string[];
  alreadyRunning: string[];
  rejected: RejectedRow[];
  /** Already-running journeys whose record this report changed; JSAPS now holds the new record. */
  changed: RecordChange[];
}

const refOf = (record: unknown): string | null => {
  const ref = (record as { claimantRef?: unknown } | null)?.claimantRef;
  return typeof ref === 'string' && ref.length <= 40 ? ref : null;
};

/**
 * Validates every row: the valid records and, for each rejected row, a reason naming the field. Dates are
 * also judged against `today` (YYYY-MM-DD, default: today in UTC), the day the report runs.
 */
export function validateReport(
  rows: ReportRow[],
  today: string = new Date().toISOString().slice(0, 10),
): { valid: ValidRow[]; rejected: RejectedRow[] } {
  const valid: ValidRow[] = [];
  const rejected: RejectedRow[] = [];
  const firstRowOf = new Map<string, number>();
  for (const r of rows) {
    if (r.error) {
      rejected.push({ row: r.row, line: r.line, claimantRef: refOf(r.record), reason: r.error });
      continue;
    }
    const parsed = ClaimantRecord.safeParse(r.record);
    if (!parsed.success) {
      const reason = parsed.error.issues
        .map((i) => {
          const path =
            i.path
              .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
              .join('')
              .replace(/^\./, '') || '(row)';
          const column = r.columnOf?.(path);
          return `${column && column !== path ? `${column} (${path})` : path}: ${i.message}`;
        })
        .join('; ');
      rejected.push({ row: r.row, line: r.line, claimantRef: refOf(r.record), reason });
      continue;
    }
    const implausible = recordDateProblems(parsed.data, today);
    if (implausible.length) {
      const reason = implausible
        .map((p) => `${((c) => (c && c !== p.path ? `${c} (${p.path})` : p.path))(r.columnOf?.(p.path))}: ${p.message}`)
        .join('; ');
      rejected.push({ row: r.row, line: r.line, claimantRef: parsed.data.claimantRef, reason });
      continue;
    }
    const ref = parsed.data.claimantRef;
    const first = firstRowOf.get(ref);
    if (first !== undefined) {
      rejected.push({
        row: r.row,
        line: r.line,
        claimantRef: ref,
        reason: `claimantRef: ${ref} is already on row ${first} of this report`,
      });
      continue;
    }
    firstRowOf.set(ref, r.row);
    valid.push({ row: r.row, record: parsed.data });
  }
  return { valid, rejected };
}

export interface StartReportOptions {
  client: Client;
  taskQueue: string;
  /** The office that runs the report; absent: each row's own office (no reassignment). */
  office?: string | null;
  rows: ReportRow[];
  /**
   * JSAPS: the stub keeps each record for the journey's later checks (pre-call, review), stored once the
   * journey exists; for a journey already running, the record it holds is replaced when it changed.
   */
  putClaimant?: (ref: string, record: ClaimantRecord) => void | Promise<void>;
  /** JSAPS: the record held now, to tell which fields a rerun changes. */
  getClaimant?: (ref: string) => unknown | null | Promise<unknown | null>;
  /** The signing keys every journey started will trust (identity/keys.ts). */
  trust: TrustedKey[];
  /** Starts in flight at once (each is one round trip to the server). */
  concurrency?: number;
  onProgress?: (done: number, total: number, summary: ReportSummary) => void;
}

export class InvalidReportError extends Error {}

/**
 * Validates the whole report, then starts one journey per valid row; never starts a claimant's journey
 * twice. A report too big or run for an office that is not a mnemonic is refused before anything starts.
 */
export async function startReport(o: StartReportOptions): Promise<ReportSummary> {
  if (o.rows.length > MAX_REPORT_ROWS)
    throw new InvalidReportError(`the report has ${o.rows.length} rows; at most ${MAX_REPORT_ROWS} are accepted`);
  if (o.office !== undefined && o.office !== null && !OfficeMnemonic.safeParse(o.office).success)
    throw new InvalidReportError(`office: ${OfficeMnemonic.safeParse(o.office).error!.issues[0].message}`);
  const { valid, rejected } = validateReport(o.rows);
  const summary: ReportSummary = { rows: o.rows.length, started: [], alreadyRunning: [], rejected, changed: [] };
  const total = valid.length;
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < valid.length) {
      const { record } = valid[next++];
      const res = await startJourney({
        client: o.client,
        taskQueue: o.taskQueue,
        office: o.office ?? record.office,
        record,
        trust: o.trust,
      });
      (res.status === 'started' ? summary.started : summary.alreadyRunning).push(res.claimantRef);
      // Only now that the journey exists does JSAPS hold its record (a refused start stores nothing).
      const held = res.status === 'started' ? null : ((await o.getClaimant?.(record.claimantRef)) ?? null);
      const fields = held === null ? [] : changedFields(held, record);
      if (fields.length) summary.changed.push({ claimantRef: record.claimantRef, fields });
      if (res.status === 'started' || held === null || fields.length) await o.putClaimant?.(record.claimantRef, record);
      o.onProgress?.(++done, total, summary);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.concurrency ?? 8, valid.length)) }, worker));
  summary.started.sort();
  summary.alreadyRunning.sort();
  summary.changed.sort((a, b) => a.claimantRef.localeCompare(b.claimantRef));
  return summary;
}

/**
 * The record fields that differ between two records, as dotted paths (`claim.inPayment`, `lms.mobile`);
 * lists (notes, circumstances) count as one field. A stored record is read with the record schema first,
 * so defaults filled in on one side only are no change.
 */
export function changedFields(before: unknown, after: ClaimantRecord): string[] {
  const old = ClaimantRecord.safeParse(before);
  if (!old.success) return ['(the whole record: the one held was not a valid record)'];
  const out: string[] = [];
  const walk = (a: unknown, b: unknown, path: string) => {
    const isObject = (v: unknown) => !!v && typeof v === 'object' && !Array.isArray(v);
    if (isObject(a) && isObject(b)) {
      const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
      for (const k of [...keys].sort())
        walk((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
    } else if (JSON.stringify(a ?? null) !== JSON.stringify(b ?? null)) out.push(path);
  };
  walk(old.data, after, '');
  return out;
}

/** A content-derived report id: the same rows for the same office are the same report. */
export async function reportId(office: string | null, rows: unknown[]): Promise<string> {
  const { createHash } = await import('node:crypto');
  return (
    'R-' +
    createHash('sha256')
      .update(JSON.stringify([office, rows]))
      .digest('hex')
      .slice(0, 12)
  );
}
