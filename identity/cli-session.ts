// `hwc login` keeps the signed-in person's credential (certificate + session private key) in one file readable
// by its owner only; `hwc event` signs with it until it expires (at most a working day), `hwc logout` deletes it.
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { SessionCert } from './proof';
import type { Credential } from './signer';

const SessionFile = z.strictObject({
  version: z.literal(1),
  cert: SessionCert,
  sessionKey: z.string().regex(/^[0-9a-f]{64}$/),
});

export function cliSessionPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HWC_SESSION_FILE) return env.HWC_SESSION_FILE;
  const base = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'hwc', 'session.json');
}

export function saveCliSession(cred: Credential, path = cliSessionPath()) {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${JSON.stringify({ version: 1, ...cred })}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}

export interface CliSession {
  credential: Credential;
  staffId: string;
  roles: string[];
  offices: string[];
  expiresAt: string;
}

export type CliSessionState = { ok: true; session: CliSession } | { ok: false; reason: string };

/** The signed-in person, or why there is none (never signed in, expired, unreadable). */
export function readCliSession(path = cliSessionPath(), nowMs = Date.now()): CliSessionState {
  if (!existsSync(path)) return { ok: false, reason: 'not signed in: run `hwc login`' };
  let parsed;
  try {
    parsed = SessionFile.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  } catch {
    parsed = null;
  }
  if (!parsed?.success) return { ok: false, reason: `the session file ${path} is damaged: run \`hwc login\` again` };
  const { cert, sessionKey } = parsed.data;
  if (Date.parse(cert.exp) <= nowMs)
    return { ok: false, reason: `your session ended at ${cert.exp}: run \`hwc login\` again` };
  return {
    ok: true,
    session: {
      credential: { cert, sessionKey },
      staffId: cert.sub,
      roles: cert.roles,
      offices: cert.offices,
      expiresAt: cert.exp,
    },
  };
}

/** For other modules (redaction, role checks): the signed-in person, or null. */
export function loadCliSession(
  path = cliSessionPath(),
): { staffId: string; roles: string[]; offices: string[] } | null {
  const s = readCliSession(path);
  return s.ok ? { staffId: s.session.staffId, roles: s.session.roles, offices: s.session.offices } : null;
}

export function removeCliSession(path = cliSessionPath()): boolean {
  if (!existsSync(path)) return false;
  rmSync(path);
  return true;
}
