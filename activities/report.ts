// Activities of the weekly-report schedule (workflows/weekly-report.ts): read the pending report from the
// JSAPS stub, start its journeys through the Temporal client (the same validation and idempotent start as
// `hwc report`), and raise the ¶9 escalation when the report has not been processed in time.
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { startReport, type RejectedRow } from '../client/report';
import type { TrustedKey } from '../identity/proof';
import type { StubStore } from './store';

export interface ReportActivityDeps {
  store: StubStore;
  /** The client that starts journeys; default: the worker's own (activity context). */
  client?: () => Client;
  /** The signing keys journeys started from a report will trust (the deployment's identity keys); a function
   *  is asked at each report, so that a long-running worker follows `hwc keys rotate`. */
  trust?: TrustedKey[] | (() => TrustedKey[]);
}

export interface PendingReport {
  id: string;
  office: string | null;
  source: string;
  rowCount: number;
  submittedAt: string;
}

export interface ProcessedReport {
  reportId: string;
  office: string | null;
  rows: number;
  started: number;
  alreadyRunning: number;
  rejectedCount: number;
  /** The first rejected rows with their reasons (all of them are kept with the report in the stub). */
  rejected: RejectedRow[];
  /** true when an earlier attempt had already processed it (nothing was started now). */
  alreadyProcessed: boolean;
}

export interface ReportEscalation {
  workflowId: string;
  office: string | null;
  /** The London day of the report run (YYYY-MM-DD) and the instant by which it had to be processed. */
  day: string;
  deadline: string;
  /** The deadline as London wall-clock time, for people: "13:30". */
  processBy: string;
}

const MAX_REJECTED_IN_HISTORY = 50;

const jsapsUp = async (store: StubStore) => {
  const until = await store.faultUntil('jsaps');
  if (until) throw ApplicationFailure.retryable(`JSAPS unavailable until ${until}`, 'SystemUnavailable');
};

export function createReportActivities({ store, client, trust }: ReportActivityDeps) {
  return {
    /** JSAPS: the reports submitted and not yet processed (for one office, or all). */
    async pendingReports({ office }: { office?: string | null }): Promise<PendingReport[]> {
      await jsapsUp(store);
      return (await store.pendingReports(office)).map(({ id, office: o, source, rowCount, submittedAt }) => ({
        id,
        office: o,
        source,
        rowCount,
        submittedAt,
      }));
    },

    /** Starts one journey per valid row (idempotent: `hwc-<ref>`, REJECT_DUPLICATE), then marks the report processed. */
    async processReport({ reportId, taskQueue }: { reportId: string; taskQueue: string }): Promise<ProcessedReport> {
      await jsapsUp(store);
      const meta = await store.report(reportId);
      const rows = await store.reportRows(reportId);
      if (!meta || !rows) throw ApplicationFailure.nonRetryable(`report ${reportId} is not in JSAPS`, 'BadData');
      const compact = (
        s: { rows: number; started: string[]; alreadyRunning: string[]; rejected: RejectedRow[] },
        already: boolean,
      ): ProcessedReport => ({
        reportId,
        office: meta.office,
        rows: s.rows,
        started: s.started.length,
        alreadyRunning: s.alreadyRunning.length,
        rejectedCount: s.rejected.length,
        rejected: s.rejected.slice(0, MAX_REJECTED_IN_HISTORY),
        alreadyProcessed: already,
      });
      if (meta.status === 'processed' && meta.summary) return compact(meta.summary as never, true);
      const ctx = Context.current();
      const keys = typeof trust === 'function' ? trust() : trust;
      if (!keys?.length)
        throw ApplicationFailure.nonRetryable(
          'this worker has no identity keys: journeys it started would trust no one (set HWC_IDENTITY_KEY_FILE)',
          'BadData',
        );
      const summary = await startReport({
        trust: keys,
        client: client ? client() : ctx.client,
        taskQueue,
        office: meta.office,
        rows: rows.map((record, i) => ({ row: i + 1, record })),
        putClaimant: (ref, record) => store.putClaimant(ref, record),
        getClaimant: (ref) => store.getClaimant(ref),
        // A crash mid-report is retried from the start: every start is idempotent. Heartbeats tell the
        // server this attempt is alive (the SDK throttles them).
        onProgress: (done, total) => ctx.heartbeat({ done, total }),
      });
      await store.markReportProcessed(reportId, summary);
      return compact(summary, false);
    },

    /** ¶9: the report was not processed by 13:30 on Tuesday: escalate to the Change Lead (once per run day). */
    async raiseReportEscalation(e: ReportEscalation): Promise<{ performed: boolean }> {
      const scope = e.office ?? 'ALL';
      const performed = await store.record({
        key: `weekly-report#${e.day}#${scope}#escalation`,
        workflowId: e.workflowId,
        claimantRef: '-',
        system: 'lms',
        kind: 'lms.escalateMissingReport',
        at: e.deadline,
        details: {
          to: 'Change Lead',
          office: scope,
          day: e.day,
          reason: `weekly report for ${e.office ? `office ${e.office}` : 'all offices'} not received and processed by ${e.processBy} (Europe/London) on ${e.day}`,
        },
      });
      return { performed };
    },
  };
}

export type ReportActivities = ReturnType<typeof createReportActivities>;
