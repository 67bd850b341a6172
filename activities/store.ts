// The stub systems' database: what LMS, JSAPS and the letter/SMS service "did", on hwc's Db (a SQLite file
// on one machine, PostgreSQL for workers on several hosts). Every write carries an idempotency key
// (workflow id + effect sequence number) and the database enforces it (primary keys, ON CONFLICT DO
// NOTHING, one transaction per effect), so a retried or replayed activity, on any worker, never does a
// thing twice. Personal data is sealed with the deployment's keys (db/sealed.ts): claimant records, report
// rows, and the sensitive fields of recorded effects (activities/redact.ts); the rest stays queryable.
import { openDb, type Db, type Row } from '../db';
import { seal, unseal, type SealKeys } from '../db/sealed';
import { splitSensitive } from './redact';

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

export interface StoreOptions {
  /** The deployment's codec keys; without them (encryption off) personal data is stored in clear. */
  keys?: SealKeys | null;
}

// Portable SQL (SQLite and PostgreSQL). `IF NOT EXISTS` keeps files written before migrations existed.
const SCHEMA_V1 = [
  `CREATE TABLE IF NOT EXISTS outbox (
    key TEXT PRIMARY KEY,
    workflow_id TEXT NOT NULL,
    claimant_ref TEXT NOT NULL,
    system TEXT NOT NULL,
    kind TEXT NOT NULL,
    at TEXT NOT NULL,
    details TEXT NOT NULL,
    recorded_at TEXT NOT NULL
  )`,
  `CREATE INDEX IF NOT EXISTS outbox_claimant ON outbox (claimant_ref, at)`,
  `CREATE TABLE IF NOT EXISTS diary (
    workflow_id TEXT NOT NULL,
    appointment_id INTEGER NOT NULL,
    claimant_ref TEXT NOT NULL,
    kind TEXT NOT NULL,
    at TEXT NOT NULL,
    work_coach TEXT NOT NULL,
    status TEXT NOT NULL,
    PRIMARY KEY (workflow_id, appointment_id)
  )`,
  `CREATE TABLE IF NOT EXISTS claimants (
    claimant_ref TEXT PRIMARY KEY,
    record TEXT NOT NULL,
    updated_at TEXT NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS faults (
    system TEXT PRIMARY KEY,
    until TEXT NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS reports (
    id TEXT PRIMARY KEY,
    office TEXT,
    source TEXT NOT NULL,
    rows TEXT NOT NULL,
    row_count INTEGER NOT NULL,
    submitted_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    processed_at TEXT,
    summary TEXT
  )`,
  `CREATE INDEX IF NOT EXISTS reports_pending ON reports (status, submitted_at)`,
];
// The sensitive fields of an effect, sealed apart from the rest of its details.
const SCHEMA_V2 = [`ALTER TABLE outbox ADD COLUMN sealed TEXT`];

type OutboxDbRow = Omit<OutboxRow, 'details'> & { details: string; sealed: string | null };

const OUTBOX_COLUMNS = `key, workflow_id AS "workflowId", claimant_ref AS "claimantRef", system, kind, at, details,
  sealed, recorded_at AS "recordedAt"`;

export class StubStore {
  private constructor(
    readonly db: Db,
    private readonly keys: SealKeys | null,
  ) {}

  /** Opens (and migrates) the stub database at `HWC_DB`: a file path or a `postgres://` URL. */
  static async open(location: string, opts: StoreOptions = {}): Promise<StubStore> {
    const db = await openDb(location);
    try {
      await db.migrate('stubs-v1', SCHEMA_V1);
      await db.migrate('stubs-v2-sealed-details', SCHEMA_V2);
    } catch (e) {
      await db.close();
      throw e;
    }
    return new StubStore(db, opts.keys ?? null);
  }

  /** Where it is, for messages (a path, or a URL without its password). */
  get location() {
    return this.db.location;
  }

  /** Runs `fn` with a store bound to one transaction: all its writes happen, or none. */
  transaction<T>(fn: (store: StubStore) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => fn(new StubStore(tx, this.keys)));
  }

  private sealed(value: unknown, context: string) {
    return this.keys ? seal(this.keys, value, context) : JSON.stringify(value);
  }

  /** Records an effect once; returns false when the key was already recorded (a retry or replay). */
  async record(row: Omit<OutboxRow, 'recordedAt'>): Promise<boolean> {
    const { clear, sensitive } = splitSensitive(row.details);
    const result = await this.db.run(
      `INSERT INTO outbox (key, workflow_id, claimant_ref, system, kind, at, details, sealed, recorded_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (key) DO NOTHING`,
      [
        row.key,
        row.workflowId,
        row.claimantRef,
        row.system,
        row.kind,
        row.at,
        JSON.stringify(clear),
        sensitive ? this.sealed(sensitive, `outbox:${row.key}`) : null,
        new Date().toISOString(),
      ],
    );
    return result.changes === 1;
  }

  /** The LMS diary: one row per appointment, its status moved on by later effects. */
  async upsertAppointment(row: DiaryRow): Promise<void> {
    await this.db.run(
      `INSERT INTO diary (workflow_id, appointment_id, claimant_ref, kind, at, work_coach, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (workflow_id, appointment_id) DO NOTHING`,
      [row.workflowId, row.appointmentId, row.claimantRef, row.kind, row.at, row.workCoach, row.status],
    );
  }

  async setAppointmentStatus(workflowId: string, appointmentId: number, status: string): Promise<void> {
    await this.db.run(`UPDATE diary SET status = $1 WHERE workflow_id = $2 AND appointment_id = $3`, [
      status,
      workflowId,
      appointmentId,
    ]);
  }

  /** A case moved to another work coach (WORK_COACH_CHANGED): its booked appointment goes with it. */
  async setAppointmentCoach(workflowId: string, appointmentId: number, workCoach: string): Promise<void> {
    await this.db.run(`UPDATE diary SET work_coach = $1 WHERE workflow_id = $2 AND appointment_id = $3`, [
      workCoach,
      workflowId,
      appointmentId,
    ]);
  }

  /** What was recorded, oldest first; sealed fields are opened with the store's keys. */
  async outbox(filter: { claimantRef?: string; workflowId?: string } = {}): Promise<OutboxRow[]> {
    const rows = await this.db.query<OutboxDbRow>(
      `SELECT ${OUTBOX_COLUMNS} FROM outbox
       WHERE (CAST($1 AS TEXT) IS NULL OR claimant_ref = $1) AND (CAST($2 AS TEXT) IS NULL OR workflow_id = $2)
       ORDER BY at, key`,
      [filter.claimantRef ?? null, filter.workflowId ?? null],
    );
    return rows.map(({ sealed, details, ...r }) => ({
      ...r,
      details: {
        ...(JSON.parse(details) as Record<string, unknown>),
        ...(sealed ? (unseal(this.keys, sealed, `outbox:${r.key}`) as Record<string, unknown>) : {}),
      },
    }));
  }

  async diary(filter: { workflowId?: string } = {}): Promise<DiaryRow[]> {
    const rows = await this.db.query<DiaryRow & Row>(
      `SELECT workflow_id AS "workflowId", appointment_id AS "appointmentId", claimant_ref AS "claimantRef", kind, at,
              work_coach AS "workCoach", status
       FROM diary WHERE (CAST($1 AS TEXT) IS NULL OR workflow_id = $1) ORDER BY at`,
      [filter.workflowId ?? null],
    );
    return rows.map((r) => ({ ...r, appointmentId: Number(r.appointmentId) }));
  }

  /** JSAPS: the claimant record the benefit system currently holds (sealed at rest). */
  async putClaimant(claimantRef: string, record: unknown): Promise<void> {
    await this.db.run(
      `INSERT INTO claimants (claimant_ref, record, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (claimant_ref) DO UPDATE SET record = excluded.record, updated_at = excluded.updated_at`,
      [claimantRef, this.sealed(record, `claimants:${claimantRef}`), new Date().toISOString()],
    );
  }

  async getClaimant(claimantRef: string): Promise<unknown | null> {
    const [row] = await this.db.query<{ record: string }>(`SELECT record FROM claimants WHERE claimant_ref = $1`, [
      claimantRef,
    ]);
    return row ? unseal(this.keys, row.record, `claimants:${claimantRef}`) : null;
  }

  /** Fault injection for chaos runs: the system refuses work until the given time. */
  async setFault(system: StubSystem, until: Date | null): Promise<void> {
    if (until)
      await this.db.run(
        `INSERT INTO faults (system, until) VALUES ($1, $2) ON CONFLICT (system) DO UPDATE SET until = excluded.until`,
        [system, until.toISOString()],
      );
    else await this.db.run(`DELETE FROM faults WHERE system = $1`, [system]);
  }

  async faultUntil(system: StubSystem): Promise<string | null> {
    const [row] = await this.db.query<{ until: string }>(`SELECT until FROM faults WHERE system = $1`, [system]);
    return row && row.until > new Date().toISOString() ? row.until : null;
  }

  /**
   * JSAPS reports: a submitted weekly report, kept until the weekly-report workflow processes it.
   * The id is derived from the content, so submitting the same report twice keeps one copy.
   */
  async submitReport(r: {
    id: string;
    office: string | null;
    source: string;
    rows: unknown[];
  }): Promise<{ id: string; created: boolean }> {
    const result = await this.db.run(
      `INSERT INTO reports (id, office, source, rows, row_count, submitted_at, status)
       VALUES ($1, $2, $3, $4, $5, $6, 'pending') ON CONFLICT (id) DO NOTHING`,
      [r.id, r.office, r.source, this.sealed(r.rows, `reports:${r.id}`), r.rows.length, new Date().toISOString()],
    );
    return { id: r.id, created: result.changes === 1 };
  }

  /** Reports not yet processed, oldest first; with `office`, only the reports that office runs. */
  async pendingReports(office?: string | null): Promise<ReportMeta[]> {
    return (await this.reports({ status: 'pending' })).filter((r) => !office || r.office === office);
  }

  async reports(filter: { status?: 'pending' | 'processed'; id?: string } = {}): Promise<ReportMeta[]> {
    const rows = await this.db.query<Omit<ReportMeta, 'summary'> & { summary: string | null }>(
      `SELECT id, office, source, row_count AS "rowCount", submitted_at AS "submittedAt", status,
              processed_at AS "processedAt", summary
       FROM reports WHERE (CAST($1 AS TEXT) IS NULL OR status = $1) AND (CAST($2 AS TEXT) IS NULL OR id = $2)
       ORDER BY submitted_at, id`,
      [filter.status ?? null, filter.id ?? null],
    );
    return rows.map((r) => ({
      ...r,
      rowCount: Number(r.rowCount),
      summary: r.summary === null ? null : JSON.parse(r.summary),
    }));
  }

  /** A report's rows as submitted (raw: each row is validated when the report is processed). */
  async reportRows(id: string): Promise<unknown[] | null> {
    const [row] = await this.db.query<{ rows: string }>(`SELECT rows FROM reports WHERE id = $1`, [id]);
    return row ? (unseal(this.keys, row.rows, `reports:${id}`) as unknown[]) : null;
  }

  async report(id: string): Promise<ReportMeta | null> {
    return (await this.reports({ id }))[0] ?? null;
  }

  /** Marks a report processed once; a second call (an activity retry) keeps the first summary. */
  async markReportProcessed(id: string, summary: unknown): Promise<boolean> {
    const result = await this.db.run(
      `UPDATE reports SET status = 'processed', processed_at = $1, summary = $2 WHERE id = $3 AND status = 'pending'`,
      [new Date().toISOString(), JSON.stringify(summary), id],
    );
    return result.changes === 1;
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
