// hwc's own database: one small async interface over SQLite (the embedded default, one machine) and
// PostgreSQL (several hosts), chosen by `HWC_DB`. Modules own their tables (a named migration each) and
// write portable SQL with `$1, $2 …` placeholders; uniqueness and idempotency are the database's job
// (primary keys, `ON CONFLICT … DO NOTHING`, transactions), never a read-then-write in application code.
import { openSqlite } from './sqlite';

export type Dialect = 'sqlite' | 'postgres';
export type Row = Record<string, unknown>;

export interface Db {
  readonly dialect: Dialect;
  /** Where it is, for messages (a file path, or a URL without its password). */
  readonly location: string;
  query<T extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** A statement without rows; `changes` is the number of rows inserted, updated or deleted. */
  run(sql: string, params?: readonly unknown[]): Promise<{ changes: number }>;
  /** Runs `fn` in one transaction (committed when it resolves, rolled back when it throws). */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  /** Applies a module's schema once per database: `name` identifies it, statements run in order. */
  migrate(name: string, statements: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

export class DbConfigError extends Error {}

/** `HWC_DB`: a file path (SQLite, created 0600) or `postgres://…` / `postgresql://…`. */
export async function openDb(url: string): Promise<Db> {
  if (/^postgres(ql)?:\/\//.test(url)) {
    const { openPostgres } = await import('./postgres');
    return openPostgres(url);
  }
  return openSqlite(url);
}
