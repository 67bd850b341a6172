// The embedded backend: better-sqlite3 (synchronous, in-process) behind the async Db interface. WAL and a
// busy timeout because the worker, the CLI and tests may open one file at once.
import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Db, Row } from './index';

/** `$1 … $n` → `?` with the parameters in the order they appear (a parameter may be used twice). */
export function toSqlite(sql: string, params: readonly unknown[]): { sql: string; params: unknown[] } {
  const ordered: unknown[] = [];
  const text = sql.replace(/\$(\d+)/g, (_m, n: string) => {
    ordered.push(sqliteValue(params[Number(n) - 1]));
    return '?';
  });
  return { sql: text, params: ordered };
}

const sqliteValue = (v: unknown) => (typeof v === 'boolean' ? (v ? 1 : 0) : v === undefined ? null : v);

export function openSqlite(path: string): Db {
  if (path !== ':memory:') {
    mkdirSync(dirname(path), { recursive: true });
    // Created readable by its owner only: it holds what the stub systems keep about claimants.
    if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
    chmodSync(path, 0o600);
  }
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.exec(`CREATE TABLE IF NOT EXISTS hwc_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`);
  // One connection: while a transaction is open, statements from elsewhere wait for it to end, so an
  // unrelated write can never slip into (or be rolled back with) someone else's transaction.
  let busy: Promise<void> = Promise.resolve();
  const idle = () => busy;

  const base = {
    async query<T extends Row>(sql: string, params: readonly unknown[] = []) {
      const q = toSqlite(sql, params);
      return db.prepare(q.sql).all(...q.params) as T[];
    },
    async run(sql: string, params: readonly unknown[] = []) {
      const q = toSqlite(sql, params);
      return { changes: db.prepare(q.sql).run(...q.params).changes };
    },
  };

  const api: Db = {
    dialect: 'sqlite',
    location: path,
    async query(sql, params) {
      await idle();
      return base.query(sql, params);
    },
    async run(sql, params) {
      await idle();
      return base.run(sql, params);
    },
    async transaction(fn) {
      let release!: () => void;
      const previous = busy;
      busy = new Promise((r) => (release = r));
      await previous;
      const tx: Db = { ...api, ...base, transaction: (inner) => inner(tx) };
      db.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(tx);
        db.exec('COMMIT');
        return result;
      } catch (e) {
        db.exec('ROLLBACK');
        throw e;
      } finally {
        release();
      }
    },
    async migrate(name, statements) {
      await idle();
      // IMMEDIATE: the write lock is taken before the check, so two processes starting at once on one
      // file cannot both find the migration missing.
      db.transaction(() => {
        if (db.prepare(`SELECT 1 FROM hwc_migrations WHERE name = ?`).get(name)) return;
        for (const s of statements) db.exec(s);
        db.prepare(`INSERT INTO hwc_migrations (name, applied_at) VALUES (?, ?)`).run(name, new Date().toISOString());
      }).immediate();
    },
    async close() {
      await idle();
      db.close();
    },
  };
  return api;
}
