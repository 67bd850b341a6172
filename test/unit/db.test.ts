// The Db interface behaves the same on both backends: a SQLite file and a real PostgreSQL server.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DbConfigError, openDb, type Db } from '../../db';
import { startPostgres, type TestPostgres } from '../helpers/postgres';

let pg: TestPostgres;
const dir = mkdtempSync(join(tmpdir(), 'hwc-db-'));
let n = 0;

beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(async () => {
  await pg?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const backends = [
  { name: 'sqlite', open: () => openDb(join(dir, `t${++n}.sqlite`)) },
  { name: 'postgres', open: async () => openDb(await pg.newDatabase('dbtest')) },
] as const;

const SCHEMA = [`CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL, flag BOOLEAN)`, `CREATE INDEX t_v ON t (v)`];

describe.each(backends)('Db on $name', ({ name, open }) => {
  let db: Db;
  beforeAll(async () => {
    db = await open();
    await db.migrate('test-t', SCHEMA);
  });
  afterAll(() => db?.close());

  it('runs portable SQL with $n placeholders, reused parameters and quoted aliases', async () => {
    expect(db.dialect).toBe(name);
    expect(await db.run(`INSERT INTO t (k, v) VALUES ($1, $2) ON CONFLICT (k) DO NOTHING`, ['a', 1])).toEqual({
      changes: 1,
    });
    expect(await db.run(`INSERT INTO t (k, v) VALUES ($1, $2) ON CONFLICT (k) DO NOTHING`, ['a', 2])).toEqual({
      changes: 0,
    });
    const rows = await db.query<{ theKey: string; v: number }>(
      `SELECT k AS "theKey", v FROM t WHERE k = $1 OR v = $2 OR k = $1`,
      ['a', 99],
    );
    expect(rows).toEqual([{ theKey: 'a', v: 1 }]);
  });

  it('commits a transaction that resolves and rolls back one that throws', async () => {
    await db.transaction(async (tx) => {
      await tx.run(`INSERT INTO t (k, v) VALUES ($1, $2)`, ['b', 2]);
    });
    await expect(
      db.transaction(async (tx) => {
        await tx.run(`INSERT INTO t (k, v) VALUES ($1, $2)`, ['c', 3]);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const keys = (await db.query<{ k: string }>(`SELECT k FROM t ORDER BY k`)).map((r) => r.k);
    expect(keys).toEqual(['a', 'b']);
  });

  it('keeps concurrent transactions apart: a rolled-back one takes nothing else with it', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const failing = db.transaction(async (tx) => {
      await tx.run(`INSERT INTO t (k, v) VALUES ($1, $2)`, ['d', 4]);
      await gate;
      throw new Error('rolled back');
    });
    const other = db.transaction(async (tx) => tx.run(`INSERT INTO t (k, v) VALUES ($1, $2)`, ['e', 5]));
    setTimeout(release, 50);
    await expect(failing).rejects.toThrow('rolled back');
    await other;
    const keys = (await db.query<{ k: string }>(`SELECT k FROM t WHERE k IN ('d', 'e')`)).map((r) => r.k);
    expect(keys).toEqual(['e']);
  });

  it('applies a migration once, even when several processes start at once', async () => {
    const url = name === 'postgres' ? await pg.newDatabase('mig') : join(dir, `mig${++n}.sqlite`);
    const many = await Promise.all(Array.from({ length: 5 }, () => openDb(url)));
    await Promise.all(
      many.map((d) => d.migrate('counter', [`CREATE TABLE counter (id INTEGER)`, `INSERT INTO counter VALUES (1)`])),
    );
    expect(await many[0].query(`SELECT id FROM counter`)).toEqual([{ id: 1 }]);
    await Promise.all(many.map((d) => d.close()));
  });
});

describe('Db on postgres: locations and errors', () => {
  it('never shows the password in its location', async () => {
    const url = await pg.newDatabase('loc');
    const db = await openDb(url);
    const password = new URL(url).password;
    expect(db.location).toBe(`postgres://hwc@127.0.0.1:${pg.port}/${new URL(url).pathname.slice(1)}`);
    expect(db.location).not.toContain(password);
    await db.close();
  });

  it('fails with one line naming the server (without the password) when it cannot connect', async () => {
    const wrong = new URL(pg.url);
    wrong.password = 'not-the-password-s3cret';
    const err = await openDb(wrong.toString()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DbConfigError);
    const message = (err as Error).message;
    expect(message).toMatch(
      new RegExp(`^HWC_DB: cannot connect to postgres://hwc@127\\.0\\.0\\.1:${pg.port}/postgres: `),
    );
    expect(message).not.toContain('s3cret');
    expect(message).not.toContain('\n');

    const closed = await openDb('postgres://hwc:x@127.0.0.1:1/none').catch((e: unknown) => e);
    expect((closed as Error).message).toMatch(/^HWC_DB: cannot connect to postgres:\/\/hwc@127\.0\.0\.1:1\/none: /);
  });
});

describe('Db on sqlite: the file', () => {
  it('is created readable by its owner only', async () => {
    const path = join(dir, 'mode.sqlite');
    const db = await openDb(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    await db.close();
  });
});
