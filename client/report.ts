// The weekly report (spec A3 start, seed ¶9–10): one ClaimantRecord per row, one journey per valid row.
// Shared by `hwc report` and the weekly-report schedule's activity, so both validate and start the same way:
// rows are checked with zod (a rejected row names its field), duplicates within a report are refused,
// and starting is idempotent (`hwc-<ref>`, REJECT_DUPLICATE), so a rerun starts nothing twice.
import type { Client } from '@temporalio/client';
import { ClaimantRecord } from '../domain/schemas';
import type { TrustedKey } from '../identity/proof';
import { startJourney } from './journeys';

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

export interface ReportSummary {
  rows: number;
  started: string[];
  alreadyRunning: string[];
  rejected: RejectedRow[];
}

const refOf = (record: unknown): string | null => {
  const ref = (record as { claimantRef?: unknown } | null)?.claimantRef;
  return typeof ref === 'string' && ref.length <= 40 ? ref : null;
};

/** Validates every row: the valid records and, for each rejected row, a reason naming the field. */
export function validateReport(rows: ReportRow[]): { valid: ValidRow[]; rejected: RejectedRow[] } {
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
  /** JSAPS: the stub keeps each valid record for the journey's later checks (pre-call, review). */
  putClaimant?: (ref: string, record: ClaimantRecord) => void | Promise<void>;
  /** The signing keys every journey started will trust (identity/keys.ts). */
  trust: TrustedKey[];
  /** Starts in flight at once (each is one round trip to the server). */
  concurrency?: number;
  onProgress?: (done: number, total: number, summary: ReportSummary) => void;
}

/** Validates the report and starts one journey per valid row; never starts a claimant's journey twice. */
export async function startReport(o: StartReportOptions): Promise<ReportSummary> {
  const { valid, rejected } = validateReport(o.rows);
  const summary: ReportSummary = { rows: o.rows.length, started: [], alreadyRunning: [], rejected };
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
        putClaimant: o.putClaimant,
        trust: o.trust,
      });
      (res.status === 'started' ? summary.started : summary.alreadyRunning).push(res.claimantRef);
      o.onProgress?.(++done, total, summary);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.concurrency ?? 8, valid.length)) }, worker));
  summary.started.sort();
  summary.alreadyRunning.sort();
  return summary;
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
