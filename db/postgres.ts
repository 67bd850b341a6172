// The server backend, for workers on several hosts: node-postgres (`pg`) with a connection pool. Queries
// use PostgreSQL's own `$1 …` placeholders, so portable SQL passes through unchanged. A transaction runs on
// one client checked out of the pool for its whole length; `migrate` holds an advisory lock so that
// several workers starting at once apply each schema exactly once.
import pg from 'pg';
import { DbConfigError, type Db, type Row } from './index';

/** Any fixed 64-bit number: the advisory lock every hwc process takes around its migrations. */
const MIGRATION_LOCK = 7_421_016_001;

/** `postgres://user@host:5432/db`: the URL without its password (and without query options). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    const user = u.username ? `${decodeURIComponent(u.username)}@` : '';
    return `${u.protocol}//${user}${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

/** The first line of a driver error, without anything that could echo the password. */
const firstLine = (e: unknown, password: string) => {
  const text = (e instanceof Error ? e.message : String(e)).split('\n')[0] || 'unknown error';
  return password ? text.split(password).join('***') : text;
};

type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

function onConnection(q: Queryable) {
  return {
    async query<T extends Row>(sql: string, params: readonly unknown[] = []) {
      return (await q.query(sql, params as unknown[])).rows as T[];
    },
    async run(sql: string, params: readonly unknown[] = []) {
      return { changes: (await q.query(sql, params as unknown[])).rowCount ?? 0 };
    },
  };
}

export async function openPostgres(url: string, opts: { max?: number } = {}): Promise<Db> {
  const location = redactUrl(url);
  let password: string;
  try {
    password = decodeURIComponent(new URL(url).password);
  } catch {
    throw new DbConfigError(`HWC_DB: not a valid URL: ${location}`);
  }
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10, connectionTimeoutMillis: 10_000 });
  // An idle client losing its server (a restart, a failover) must not crash the process: the pool drops
  // it and the next query connects again; queries in flight fail and their activities retry.
  pool.on('error', () => undefined);
  try {
    await pool.query('SELECT 1');
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw new DbConfigError(`HWC_DB: cannot connect to ${location}: ${firstLine(e, password)}`);
  }

  const base = onConnection(pool);

  const withClient = async <T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      return await fn(client);
    } finally {
      client.release();
    }
  };

  const inTransaction = async <T>(client: pg.PoolClient, fn: () => Promise<T>): Promise<T> => {
    await client.query('BEGIN');
    try {
      const result = await fn();
      await client.query('COMMIT');
      return result;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    }
  };

  const api: Db = {
    dialect: 'postgres',
    location,
    query: base.query,
    run: base.run,
    transaction: (fn) =>
      withClient((client) => {
        const tx: Db = { ...api, ...onConnection(client), transaction: (inner) => inner(tx) };
        return inTransaction(client, () => fn(tx));
      }),
    migrate: (name, statements) =>
      withClient((client) =>
        inTransaction(client, async () => {
          // Held until COMMIT: a second worker waits here, then finds the migration recorded.
          await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
          await client.query(
            `CREATE TABLE IF NOT EXISTS hwc_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`,
          );
          const done = await client.query('SELECT 1 FROM hwc_migrations WHERE name = $1', [name]);
          if (done.rowCount) return;
          for (const s of statements) await client.query(s);
          await client.query('INSERT INTO hwc_migrations (name, applied_at) VALUES ($1, $2)', [
            name,
            new Date().toISOString(),
          ]);
        }),
      ),
    async close() {
      await pool.end();
    },
  };
  return api;
}
