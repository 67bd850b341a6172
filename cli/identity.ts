// The CLI's side of identity: where the deployment's keys and staff directory are, and the signed-in person
// (`hwc login`) whose proof `hwc event` attaches. Every failure is one line saying what to set or run.
import { join, resolve } from 'node:path';
import { existsSync, statSync } from 'node:fs';
import { signerFor, type EventSigner } from '../client/journeys';
import { StaffError, parseStaffDirectory, type StaffDirectory } from '../domain/staff';
import type { Role } from '../domain/schemas';
import { cliSessionPath, readCliSession, type CliSession } from '../identity/cli-session';
import { IdentityKeyError, readIdentityKeys, type IdentityKeys } from '../identity/keys';
import type { TrustedKey } from '../identity/proof';
import type { HwcConfig } from '../worker/config';
import { CliError } from './errors';
import { readJsonFile } from './files';

export const identityKeyPath = (cfg: HwcConfig, env: NodeJS.ProcessEnv = process.env) =>
  resolve(env.HWC_IDENTITY_KEY_FILE ?? join(cfg.dataDir, 'identity-keys.json'));

/** The deployment's identity keys; a command that needs them refuses to start without them. */
export function identityKeys(cfg: HwcConfig): IdentityKeys {
  try {
    return readIdentityKeys(identityKeyPath(cfg));
  } catch (e) {
    if (e instanceof IdentityKeyError) throw new CliError(e.message, 2);
    throw e;
  }
}

/**
 * The deployment's trusted keys for a long-running service (the codec server), read again whenever the key file
 * changes (`hwc keys rotate`); a file that became unreadable trusts nobody until it is fixed.
 */
export function liveTrustedKeys(cfg: HwcConfig): () => TrustedKey[] {
  const path = identityKeyPath(cfg);
  let seen = '';
  let trusted: TrustedKey[] = identityKeys(cfg).trusted;
  return () => {
    try {
      const s = statSync(path);
      const stamp = `${s.mtimeMs}:${s.size}`;
      if (stamp !== seen) {
        trusted = readIdentityKeys(path).trusted;
        seen = stamp;
      }
    } catch {
      trusted = [];
      seen = '';
    }
    // Keys past their end stop counting without a change to the file.
    return trusted.filter((k) => !k.notAfter || Date.parse(k.notAfter) > Date.now());
  };
}

/** The keys a new journey trusts: at least one, or the command cannot start journeys. */
export function trustedKeys(cfg: HwcConfig) {
  const keys = identityKeys(cfg);
  if (!keys.trusted.length)
    throw new CliError(`identity keys: every key in ${keys.path} is retired; rotate (hwc keys rotate) first`, 2);
  return keys.trusted;
}

export const staffFilePath = (cfg: HwcConfig) => resolve(cfg.staffFile ?? join(cfg.dataDir, 'staff.json'));

/** The staff directory (HWC_STAFF_FILE, default <data dir>/staff.json, which `hwc dev --demo` creates). */
export function requireStaffDirectory(cfg: HwcConfig): StaffDirectory {
  const path = staffFilePath(cfg);
  if (!existsSync(path))
    throw new CliError(
      `no staff directory at ${path}: set HWC_STAFF_FILE (hwc dev --demo creates one with demo staff)`,
      2,
    );
  try {
    return parseStaffDirectory(readJsonFile(path), `staff directory ${path}`);
  } catch (e) {
    if (e instanceof StaffError) throw new CliError(e.message, 2);
    throw e;
  }
}

/** The signed-in person, or exit 2 saying how to sign in. */
export function signedIn(): CliSession {
  const s = readCliSession(cliSessionPath());
  if (!s.ok) throw new CliError(s.reason, 2);
  return s.session;
}

export function signedInSigner(role?: Role): { signer: EventSigner; session: CliSession } {
  const session = signedIn();
  if (role && !session.roles.includes(role))
    throw new CliError(
      `--role: ${session.staffId} does not hold the role ${role} (holds ${session.roles.join(', ')})`,
      2,
    );
  return { signer: signerFor(session.credential, { role }), session };
}
