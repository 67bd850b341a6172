// The MI projection: one row per journey (its trace plus the columns figures are filtered on), written by
// the journey's own activities and read by `hwc mi` and the manager's page. Durable (a table in hwc's
// database, `db/`), idempotent and order-proof: a row only moves forward, the higher version wins, so a
// retried or late write of an older state never overwrites a newer one. It holds the trace and nothing
// else of the claimant's (the trace has the claimant ref, dates, stages and outcome codes; no record, no
// health details, no phone numbers), and none of it goes into search attributes.
import type { Db } from '../db';
import type { Trace } from '../domain/schemas';

/** What a journey sends: its trace at `version` (transitions + effects so far: it only grows). */
export interface ProjectionRow {
  workflowId: string;
  version: number;
  /** The next timer (escalations included), as HwcNextDeadline; null when the journey has ended. */
  nextDeadline: string | null;
  trace: Trace;
}

export interface ProjectionFilter {
  office?: string;
  coach?: string;
  /** Journeys reported (started) on or after / on or before these London days. */
  from?: string;
  to?: string;
}

const MIGRATION = [
  `CREATE TABLE mi_journeys (
    workflow_id TEXT PRIMARY KEY,
    claimant_ref TEXT NOT NULL,
    office TEXT NOT NULL,
    work_coach TEXT NOT NULL,
    stage TEXT NOT NULL,
    status TEXT NOT NULL,
    outcome TEXT,
    next_deadline TEXT,
    started_at TEXT NOT NULL,
    version INTEGER NOT NULL,
    trace TEXT NOT NULL,
    updated_at TEXT NOT NULL
  )`,
  `CREATE INDEX mi_journeys_office_coach ON mi_journeys (office, work_coach)`,
  `CREATE INDEX mi_journeys_started ON mi_journeys (started_at)`,
];

export class ProjectionStore {
  private ready: Promise<void> | null = null;
  constructor(readonly db: Db) {}

  private migrate() {
    this.ready ??= this.db.migrate('mi-projection-v1', MIGRATION);
    return this.ready;
  }

  /** Writes the row unless the table already holds this journey at the same or a later version.
   *  Returns whether it wrote. One statement: no transaction is held open across an await. */
  async write(row: ProjectionRow): Promise<boolean> {
    await this.migrate();
    const t = row.trace;
    const { changes } = await this.db.run(
      `INSERT INTO mi_journeys (workflow_id, claimant_ref, office, work_coach, stage, status, outcome, next_deadline,
                                started_at, version, trace, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       ON CONFLICT (workflow_id) DO UPDATE SET
         claimant_ref = excluded.claimant_ref, office = excluded.office, work_coach = excluded.work_coach,
         stage = excluded.stage, status = excluded.status, outcome = excluded.outcome,
         next_deadline = excluded.next_deadline, started_at = excluded.started_at, version = excluded.version,
         trace = excluded.trace, updated_at = excluded.updated_at
       WHERE excluded.version > mi_journeys.version`,
      [
        row.workflowId,
        t.claimantRef,
        t.office,
        t.workCoach,
        t.stage,
        t.status,
        t.outcome,
        row.nextDeadline,
        t.transitions[0]?.at ?? '',
        row.version,
        JSON.stringify(t),
        new Date().toISOString(),
      ],
    );
    return changes > 0;
  }

  /** The traces of the journeys matching the filter (the London-day filter is left to computeFigures:
   *  `started_at` is an instant, and a day boundary in London is not one in UTC). */
  async traces(f: ProjectionFilter = {}): Promise<Trace[]> {
    await this.migrate();
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, v: unknown) => {
      params.push(v);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (f.office) add('office = ?', f.office);
    if (f.coach) add('work_coach = ?', f.coach);
    // A day's journeys start within a day either side of UTC midnight: widen by a day, computeFigures narrows.
    if (f.from) add('started_at >= ?', shiftDay(f.from, -1));
    if (f.to) add('started_at < ?', shiftDay(f.to, 2));
    const rows = await this.db.query<{ trace: string }>(
      `SELECT trace FROM mi_journeys${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY workflow_id`,
      params,
    );
    return rows.map((r) => JSON.parse(r.trace) as Trace);
  }

  /** How many journeys the projection holds and when it was last written (for "figures as of"). */
  async freshness(): Promise<{ journeys: number; updatedAt: string | null }> {
    await this.migrate();
    const [r] = await this.db.query<{ n: number | string; last: string | null }>(
      `SELECT COUNT(*) AS n, MAX(updated_at) AS last FROM mi_journeys`,
    );
    return { journeys: Number(r?.n ?? 0), updatedAt: r?.last ?? null };
  }

  /** The offices the projection has journeys of (the office choice of a manager who acts for all). */
  async offices(): Promise<string[]> {
    await this.migrate();
    const rows = await this.db.query<{ office: string }>(`SELECT DISTINCT office FROM mi_journeys ORDER BY office`);
    return rows.map((r) => r.office);
  }

  /** One journey's row (tests, `hwc show` some day). */
  async row(workflowId: string): Promise<{ version: number; trace: Trace; nextDeadline: string | null } | null> {
    await this.migrate();
    const [r] = await this.db.query<{ version: number | string; trace: string; next_deadline: string | null }>(
      `SELECT version, trace, next_deadline FROM mi_journeys WHERE workflow_id = $1`,
      [workflowId],
    );
    return r ? { version: Number(r.version), trace: JSON.parse(r.trace), nextDeadline: r.next_deadline } : null;
  }
}

const shiftDay = (day: string, days: number) => {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};
