// `hwc login`, `hwc logout`, `hwc whoami`: the CLI's sign-in. `hwc login` checks the person's password against
// the staff directory (locked after repeated failures, as in the web front door), then certifies a fresh
// session key with the deployment's issuer key and keeps it in a file only its owner can read. `hwc event`
// signs every event with that session; the journey verifies it. Nobody can choose an identity on the command line.
import type { Command } from 'commander';
import { openDb } from '../../db';
import { localDate, localTime } from '../../domain/calendar';
import { cliSessionPath, readCliSession, removeCliSession, saveCliSession } from '../../identity/cli-session';
import { CERT_LIFETIME_MS } from '../../identity/proof';
import { prepareSignIn, signInWithPassword } from '../../identity/sign-in';
import { issueCredential } from '../../identity/signer';
import { config } from '../context';
import { badInput, CliError } from '../errors';
import { identityKeys, requireStaffDirectory } from '../identity';
import { ask } from '../prompt';

/** A London wall-clock time for people: 2026-12-02 17:05 (Europe/London). */
const formatLondon = (iso: string) => `${localDate(iso)} ${localTime(iso)} (Europe/London)`;

const describeSession = (s: { staffId: string; roles: string[]; offices: string[]; expiresAt: string }) =>
  `${s.staffId} (${s.roles.join(', ')}) for ${s.offices.includes('*') ? 'every office' : s.offices.join(', ')}, until ${formatLondon(s.expiresAt)}`;

export async function login(opts: { staff?: string; hours?: string }) {
  const cfg = config();
  const hours = opts.hours === undefined ? 8 : Number(opts.hours);
  if (!Number.isFinite(hours) || hours <= 0 || hours * 3_600_000 > CERT_LIFETIME_MS)
    throw badInput(`--hours: a number of hours above 0 and at most ${CERT_LIFETIME_MS / 3_600_000}`);
  const keys = identityKeys(cfg);
  if (!keys.issuer)
    throw new CliError(
      `identity keys: ${keys.path} has no private key; sign in where the deployment's issuer key is`,
      2,
    );
  const dir = requireStaffDirectory(cfg);
  const staffId = (opts.staff ?? (await ask('Staff id: ', false))).trim();
  if (!staffId) throw badInput('--staff: give your staff id');
  const password = await ask('Password: ', true);
  const db = await openDb(cfg.dbPath);
  try {
    await prepareSignIn(db);
    const result = await signInWithPassword(db, dir, staffId, password);
    if (!result.ok)
      throw new CliError(
        result.reason === 'locked'
          ? `sign-in refused: the account is locked after repeated failures until ${formatLondon(result.lockedUntil)}`
          : 'sign-in refused: the staff id or password is wrong',
        2,
      );
    const cred = issueCredential(keys.issuer, result.member, { lifetimeMs: hours * 3_600_000 });
    const path = cliSessionPath();
    saveCliSession(cred, path);
    process.stdout.write(
      `signed in as ${describeSession({ staffId: cred.cert.sub, roles: cred.cert.roles, offices: cred.cert.offices, expiresAt: cred.cert.exp })}\n`,
    );
  } finally {
    await db.close();
  }
}

export function register(program: Command) {
  program
    .command('login')
    .description('sign in as yourself: hwc event then records events as you, until the session ends')
    .option('--staff <staffId>', 'your staff id (asked for when not given)')
    .option('--hours <n>', 'how long the session lasts (default 8, at most 12)')
    .addHelpText(
      'after',
      '\nThe password is asked for on the terminal (not shown), or read from the first line of standard input.\nThe session is kept in HWC_SESSION_FILE (default ~/.config/hwc/session.json, readable only by you).',
    )
    .action(login);
  program
    .command('logout')
    .description('end your session (deletes the session file)')
    .action(() => {
      const removed = removeCliSession();
      process.stdout.write(removed ? 'signed out\n' : 'not signed in\n');
    });
  program
    .command('whoami')
    .description('who hwc event records events as, and until when')
    .action(() => {
      const s = readCliSession();
      if (!s.ok) throw new CliError(s.reason, 2);
      process.stdout.write(`${describeSession(s.session)}\n`);
    });
}
