// The auditor's decision trail: what `hwc audit` prints (client/audit.ts replays the journey's history
// against the current workflow code and re-verifies each recorded proof), shown as a page and a download.
import type { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { auditJourney, divergenceMessage, formatMarkdown, proofSummary } from '../client/audit';

export async function auditTrail(client: Client, claimantRef: string, dataConverter?: () => DataConverter | undefined) {
  const r = await auditJourney(client, claimantRef, { dataConverter });
  return {
    matched: r.matched,
    status: r.status,
    events: r.events,
    proofs: proofSummary(r.trail),
    divergence: r.matched ? null : divergenceMessage(r),
    rows: r.trail.map((e, i) => ({
      n: i + 1,
      at: e.at,
      input: e.input,
      by: e.by
        ? `${e.by.staffId} (${e.by.role.replace(/_/g, ' ')})`
        : e.input === 'START'
          ? 'weekly report'
          : 'deadline',
      proof:
        e.proof === undefined
          ? '—'
          : e.proof === 'verified'
            ? 'Verified'
            : e.proof === 'unsigned'
              ? 'Unsigned (before signing)'
              : `FAILED: ${e.proof.failed}`,
      proofOk: e.proof === undefined || e.proof === 'verified',
      stages: `${e.from} → ${e.to}`,
      rules: e.rules,
      effects: e.effects.map((f) => f.description),
    })),
    markdown: formatMarkdown(r),
  };
}
