// The embedded backend: better-sqlite3 (synchronous, in-process) behind the async Db interface. WAL and a
// busy timeout because the worker, the CLI and tests may open one file at once.
import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
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

interface Shared {
  db: Database.Database;
  /** Settles when the open transaction (if any) has ended. */
  busy: Promise<void>;
  refs: number;
}

// One connection per file per process, whoever opens it: better-sqlite3 waits for a lock synchronously,
// so two connections of one process on one file would block the event loop that the lock holder needs
// to finish its (async) transaction. Sharing the connection turns that into an orderly async queue.
const connections = new Map<string, Shared>();

function connect(path: string): Shared {
  const id = path === ':memory:' ? `:memory:${Math.random()}` : resolve(path);
  const existing = connections.get(id);
  if (existing) {
    existing.refs++;
    return existing;
  }
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
  const shared: Shared = { db, busy: Promise.resolve(), refs: 1 };
  connections.set(id, shared);
  const close = db.close.bind(db);
  db.close = () => {
    if (--shared.refs > 0) return db;
    connections.delete(id);
    return close();
  };
  return shared;
}

export function openSqlite(path: string): Db {
  const shared = connect(path);
  const { db } = shared;
  // While a transaction is open, statements from elsewhere wait for it to end, so an unrelated write can
  // never slip into (or be rolled back with) someone else's transaction.
  const idle = () => shared.busy;
  let closed = false;

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
      const previous = shared.busy;
      shared.busy = new Promise((r) => (release = r));
      try {
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
        }
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
      if (closed) return;
      closed = true;
      db.close();
    },
  };
  return api;
}
