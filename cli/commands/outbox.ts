// `hwc outbox`: what the stub systems recorded — letters, notifications, diary bookings, markers, doubts,
// referrals, escalations — from the stub database (HWC_DB). Health details, notes and phone numbers are
// redacted (activities/redact.ts) unless the signed-in person holds a role that may read them and asks
// (`--unredacted`); the session's certificate is verified against the deployment's identity keys, so a
// hand-edited session file grants nothing.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ed25519 } from '@noble/curves/ed25519.js';
import { hexToBytes } from '@noble/hashes/utils.js';
import { describeEffect, type Effect } from '../../machines/context';
import { forViewer, mayReadPersonalData, UNREDACTED_ROLES, type Viewer } from '../../activities/redact';
import type { OutboxRow } from '../../activities/store';
import { readCliSession } from '../../identity/cli-session';
import { readIdentityKeys } from '../../identity/keys';
import { certBytes } from '../../identity/proof';
import type { HwcConfig } from '../../worker/config';
import { config, store } from '../context';
import { badInput } from '../errors';
import { instant, table } from '../table';

/** One line for a recorded effect: the same words as the activity summaries in the Web UI. */
export function describeRow(r: OutboxRow): string {
  if (r.kind === 'lms.escalateMissingReport')
    return `LMS: escalate to the ${String(r.details.to ?? 'Change Lead')}: ${String(r.details.reason ?? '')}`;
  try {
    return describeEffect({ kind: r.kind, ...r.details } as Effect) ?? r.kind;
  } catch {
    return r.kind;
  }
}

/**
 * The signed-in staff member (`hwc login`) as proven: their session certificate must verify against a key
 * the deployment's identity key file trusts, and be unexpired. Otherwise: the reason there is none.
 */
export function signedInViewer(cfg: HwcConfig, env: NodeJS.ProcessEnv = process.env): Viewer | string {
  const s = readCliSession();
  if (!s.ok) return s.reason;
  const cert = s.session.credential.cert;
  let trusted;
  try {
    trusted = readIdentityKeys(env.HWC_IDENTITY_KEY_FILE ?? resolve(cfg.dataDir, 'identity-keys.json')).trusted;
  } catch (e) {
    return (e as Error).message;
  }
  const key = trusted.find((k) => k.kid === cert.iss);
  const valid = (() => {
    try {
      return !!key && ed25519.verify(hexToBytes(cert.sig), certBytes(cert), hexToBytes(key.publicKey));
    } catch {
      return false;
    }
  })();
  if (!valid) return 'your session is not signed by a key this deployment trusts: run `hwc login` again';
  return { staffId: cert.sub, roles: cert.roles };
}

export interface OutboxOptions {
  claimant?: string;
  json?: boolean;
  system?: string;
  unredacted?: boolean;
}

/** `viewer`: who is asking (tests inject one; the CLI verifies the signed-in session). */
export async function outbox(opts: OutboxOptions, viewer?: () => Viewer | string) {
  if (opts.system !== undefined && !['lms', 'comms', 'jsaps'].includes(opts.system))
    throw badInput('--system: lms, comms or jsaps');
  const cfg = config();
  let who: Viewer | null = null;
  if (opts.unredacted) {
    const v = (viewer ?? (() => signedInViewer(cfg)))();
    if (typeof v === 'string') throw badInput(`--unredacted: ${v}`);
    if (!mayReadPersonalData(v))
      throw badInput(
        `--unredacted: only ${[...UNREDACTED_ROLES].join(' or ')} may see personal data; ${v.staffId} holds ${v.roles.join(', ')}`,
      );
    who = v;
  }
  const stubs = await store(cfg);
  const rows = (await stubs.outbox({ claimantRef: opts.claimant }))
    .filter((r) => !opts.system || r.system === opts.system)
    .map((r) => forViewer(r, who));
  await stubs.close();
  if (opts.json) return void process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
  if (!rows.length)
    return void process.stdout.write(opts.claimant ? `nothing recorded for ${opts.claimant}\n` : 'nothing recorded\n');
  // The one-line descriptions carry no personal data; an authorised reader also sees what people wrote.
  const line = (r: OutboxRow) =>
    who && r.kind === 'lms.note' && typeof r.details.text === 'string'
      ? `${describeRow(r)}: ${r.details.text}`
      : describeRow(r);
  process.stdout.write(
    table(
      ['AT', 'CLAIMANT', 'SYSTEM', 'WHAT'],
      rows.map((r) => [instant(r.at), r.claimantRef, r.system.toUpperCase(), line(r)]),
    ) + `${rows.length} record${rows.length === 1 ? '' : 's'}${who ? ' (unredacted)' : ''}\n`,
  );
}

export function register(program: Command) {
  program
    .command('outbox')
    .description(
      'what the stub systems recorded: letters, notifications, bookings, markers, doubts, referrals, escalations',
    )
    .option('--claimant <ref>', 'only this claimant')
    .option('--system <system>', 'only lms or comms')
    .option('--json', 'print the records as JSON (with all details; personal data redacted)')
    .option('--unredacted', 'show health details, notes and phone numbers (signed-in auditor or manager only)')
    .action((opts: OutboxOptions) => outbox(opts));
}
