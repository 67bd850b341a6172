// `hwc outbox`: what the stub systems recorded — letters, notifications, diary bookings, markers, doubts,
// referrals, escalations — from the stub database (HWC_DB).
import type { Command } from 'commander';
import { describeEffect, type Effect } from '../../machines/context';
import type { OutboxRow } from '../../activities/store';
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

export async function outbox(opts: { claimant?: string; json?: boolean; system?: string }) {
  if (opts.system !== undefined && !['lms', 'comms', 'jsaps'].includes(opts.system))
    throw badInput('--system: lms, comms or jsaps');
  const stubs = await store(config());
  const rows = (await stubs.outbox({ claimantRef: opts.claimant })).filter(
    (r) => !opts.system || r.system === opts.system,
  );
  await stubs.close();
  if (opts.json) return void process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
  if (!rows.length)
    return void process.stdout.write(opts.claimant ? `nothing recorded for ${opts.claimant}\n` : 'nothing recorded\n');
  process.stdout.write(
    table(
      ['AT', 'CLAIMANT', 'SYSTEM', 'WHAT'],
      rows.map((r) => [instant(r.at), r.claimantRef, r.system.toUpperCase(), describeRow(r)]),
    ) + `${rows.length} record${rows.length === 1 ? '' : 's'}\n`,
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
    .option('--json', 'print the records as JSON (with all details)')
    .action(outbox);
}
