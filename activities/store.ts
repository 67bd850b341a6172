// The stub systems' database: what LMS, JSAPS and the letter/SMS service "did", in one SQLite file
// (better-sqlite3: synchronous, embedded, maintained). Every write carries an idempotency key
// (workflow id + effect sequence number), so a retried or replayed activity never does a thing twice.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type StubSystem = 'lms' | 'comms' | 'jsaps';

export interface OutboxRow {
  key: string;
  workflowId: string;
  claimantRef: string;
  system: StubSystem;
  kind: string;
  at: string;
  details: Record<string, unknown>;
  recordedAt: string;
}

export interface DiaryRow {
  workflowId: string;
  appointmentId: number;
  claimantRef: string;
  kind: string;
  at: string;
  workCoach: string;
  status: string;
}

/** JSAPS: a weekly report as submitted (`hwc report --to-jsaps`), waiting for the weekly-report schedule. */
export interface ReportMeta {
  id: string;
  /** The office that runs the report (journeys start for it); null: each row's own office. */
  office: string | null;
  /** Where it came from (file name), for people reading `hwc schedule describe`. */
  source: string;
  rowCount: number;
  submittedAt: string;
  status: 'pending' | 'processed';
  processedAt: string | null;
  /** What processing did (counts, rejected rows), as the weekly-report activity returned it. */
  summary: unknown | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS outbox (
  key TEXT PRIMARY KEY,
  workflow_id TEXT NOT NULL,
  claimant_ref TEXT NOT NULL,
  system TEXT NOT NULL,
  kind TEXT NOT NULL,
  at TEXT NOT NULL,
  details TEXT NOT NULL,
  recorded_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS outbox_claimant ON outbox (claimant_ref, at);
CREATE TABLE IF NOT EXISTS diary (
  workflow_id TEXT NOT NULL,
  appointment_id INTEGER NOT NULL,
  claimant_ref TEXT NOT NULL,
  kind TEXT NOT NULL,
  at TEXT NOT NULL,
  work_coach TEXT NOT NULL,
  status TEXT NOT NULL,
  PRIMARY KEY (workflow_id, appointment_id)
);
CREATE TABLE IF NOT EXISTS claimants (
  claimant_ref TEXT PRIMARY KEY,
  record TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS faults (
  system TEXT PRIMARY KEY,
  until TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS reports (
  id TEXT PRIMARY KEY,
  office TEXT,
  source TEXT NOT NULL,
  rows TEXT NOT NULL,
  row_count INTEGER NOT NULL,
  submitted_at TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending',
  processed_at TEXT,
  summary TEXT
);
CREATE INDEX IF NOT EXISTS reports_pending ON reports (status, submitted_at);
`;

export class StubStore {
  readonly db: Database.Database;

  constructor(readonly path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    // WAL + a busy timeout: the worker, the CLI and tests may open the same file at once.
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
  }

  /** Records an effect once; returns false when the key was already recorded (a retry or replay). */
  record(row: Omit<OutboxRow, 'recordedAt'>): boolean {
    const result = this.db
      .prepare(
        `INSERT OR IGNORE INTO outbox (key, workflow_id, claimant_ref, system, kind, at, details, recorded_at)
         VALUES (@key, @workflowId, @claimantRef, @system, @kind, @at, @details, @recordedAt)`,
      )
      .run({ ...row, details: JSON.stringify(row.details), recordedAt: new Date().toISOString() });
    return result.changes === 1;
  }

  /** The LMS diary: one row per appointment, its status moved on by later effects. */
  upsertAppointment(row: DiaryRow) {
    this.db
      .prepare(
        `INSERT INTO diary (workflow_id, appointment_id, claimant_ref, kind, at, work_coach, status)
         VALUES (@workflowId, @appointmentId, @claimantRef, @kind, @at, @workCoach, @status)
         ON CONFLICT (workflow_id, appointment_id) DO NOTHING`,
      )
      .run(row);
  }

  setAppointmentStatus(workflowId: string, appointmentId: number, status: string) {
    this.db
      .prepare(`UPDATE diary SET status = ? WHERE workflow_id = ? AND appointment_id = ?`)
      .run(status, workflowId, appointmentId);
  }

  /** A case moved to another work coach (WORK_COACH_CHANGED): its booked appointment goes with it. */
  setAppointmentCoach(workflowId: string, appointmentId: number, workCoach: string) {
    this.db
      .prepare(`UPDATE diary SET work_coach = ? WHERE workflow_id = ? AND appointment_id = ?`)
      .run(workCoach, workflowId, appointmentId);
  }

  outbox(filter: { claimantRef?: string; workflowId?: string } = {}): OutboxRow[] {
    const rows = this.db
      .prepare(
        `SELECT key, workflow_id AS workflowId, claimant_ref AS claimantRef, system, kind, at, details, recorded_at AS recordedAt
         FROM outbox WHERE (@claimantRef IS NULL OR claimant_ref = @claimantRef)
           AND (@workflowId IS NULL OR workflow_id = @workflowId)
         ORDER BY at, key`,
      )
      .all({ claimantRef: filter.claimantRef ?? null, workflowId: filter.workflowId ?? null }) as (Omit<
      OutboxRow,
      'details'
    > & { details: string })[];
    return rows.map((r) => ({ ...r, details: JSON.parse(r.details) }));
  }

  diary(filter: { workflowId?: string } = {}): DiaryRow[] {
    return this.db
      .prepare(
        `SELECT workflow_id AS workflowId, appointment_id AS appointmentId, claimant_ref AS claimantRef, kind, at,
                work_coach AS workCoach, status
         FROM diary WHERE (@workflowId IS NULL OR workflow_id = @workflowId) ORDER BY at`,
      )
      .all({ workflowId: filter.workflowId ?? null }) as DiaryRow[];
  }

  /** JSAPS: the claimant record the benefit system currently holds. */
  putClaimant(claimantRef: string, record: unknown) {
    this.db
      .prepare(
        `INSERT INTO claimants (claimant_ref, record, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (claimant_ref) DO UPDATE SET record = excluded.record, updated_at = excluded.updated_at`,
      )
      .run(claimantRef, JSON.stringify(record), new Date().toISOString());
  }

  getClaimant(claimantRef: string): unknown | null {
    const row = this.db.prepare(`SELECT record FROM claimants WHERE claimant_ref = ?`).get(claimantRef) as
      { record: string } | undefined;
    return row ? JSON.parse(row.record) : null;
  }

  /** Fault injection for chaos runs: the system refuses work until the given time. */
  setFault(system: StubSystem, until: Date | null) {
    if (until)
      this.db.prepare(`INSERT OR REPLACE INTO faults (system, until) VALUES (?, ?)`).run(system, until.toISOString());
    else this.db.prepare(`DELETE FROM faults WHERE system = ?`).run(system);
  }

  faultUntil(system: StubSystem): string | null {
    const row = this.db.prepare(`SELECT until FROM faults WHERE system = ?`).get(system) as
      { until: string } | undefined;
    return row && row.until > new Date().toISOString() ? row.until : null;
  }

  /**
   * JSAPS reports: a submitted weekly report, kept until the weekly-report workflow processes it.
   * The id is derived from the content, so submitting the same report twice keeps one copy.
   */
  submitReport(r: { id: string; office: string | null; source: string; rows: unknown[] }): {
    id: string;
    created: boolean;
  } {
    const result = this.db
      .prepare(
        `INSERT OR IGNORE INTO reports (id, office, source, rows, row_count, submitted_at, status)
         VALUES (?, ?, ?, ?, ?, ?, 'pending')`,
      )
      .run(r.id, r.office, r.source, JSON.stringify(r.rows), r.rows.length, new Date().toISOString());
    return { id: r.id, created: result.changes === 1 };
  }

  /** Reports not yet processed, oldest first; with `office`, only the reports that office runs. */
  pendingReports(office?: string | null): ReportMeta[] {
    return this.reports({ status: 'pending' }).filter((r) => !office || r.office === office);
  }

  reports(filter: { status?: 'pending' | 'processed' } = {}): ReportMeta[] {
    const rows = this.db
      .prepare(
        `SELECT id, office, source, row_count AS rowCount, submitted_at AS submittedAt, status,
                processed_at AS processedAt, summary
         FROM reports WHERE (@status IS NULL OR status = @status) ORDER BY submitted_at, id`,
      )
      .all({ status: filter.status ?? null }) as (Omit<ReportMeta, 'summary'> & { summary: string | null })[];
    return rows.map((r) => ({ ...r, summary: r.summary === null ? null : JSON.parse(r.summary) }));
  }

  /** A report's rows as submitted (raw: each row is validated when the report is processed). */
  reportRows(id: string): unknown[] | null {
    const row = this.db.prepare(`SELECT rows FROM reports WHERE id = ?`).get(id) as { rows: string } | undefined;
    return row ? (JSON.parse(row.rows) as unknown[]) : null;
  }

  report(id: string): ReportMeta | null {
    return this.reports().find((r) => r.id === id) ?? null;
  }

  /** Marks a report processed once; a second call (an activity retry) keeps the first summary. */
  markReportProcessed(id: string, summary: unknown): boolean {
    const result = this.db
      .prepare(
        `UPDATE reports SET status = 'processed', processed_at = ?, summary = ? WHERE id = ? AND status = 'pending'`,
      )
      .run(new Date().toISOString(), JSON.stringify(summary), id);
    return result.changes === 1;
  }

  close() {
    this.db.close();
  }
}
