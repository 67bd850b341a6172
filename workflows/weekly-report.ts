// The weekly report as a workflow, started by a Temporal Schedule every Tuesday morning (`hwc schedule
// create`). It reads the pending report from JSAPS and starts one journey per valid row through an activity
// that uses the client (the same validation and idempotent start as `hwc report`: workflow id
// `hwc-<ref>`, REJECT_DUPLICATE), so the journeys are independent workflows, not children of this run, and
// a rerun starts nothing twice. Seed ¶9: if no report has been processed by 13:30 (Europe/London) on the
// day of the run, the site SPOC escalates to the Change Lead: an LMS escalation row, once per day.
import * as wf from '@temporalio/workflow';
import type { ProcessedReport, ReportActivities } from '../activities/report';
import { atLocal, laterOf, localDate } from '../domain/calendar';

export const WEEKLY_REPORT_WORKFLOW_ID = 'weekly-report';

export interface WeeklyReportInput {
  /** Only the reports this office runs; every pending report when absent. */
  office?: string | null;
  /** When the report must have been processed: London "HH:mm" on the day of the run (default 13:30), or an instant. */
  processBy?: string;
  /** When to stop looking for a report that has not come: "HH:mm" (default 17:00, close of business) or an instant. */
  giveUpAt?: string;
  /** How often to look for the report in JSAPS while waiting (default 10 minutes). */
  pollEveryMs?: number;
  /** Task queue of the journeys (default: this workflow's own). */
  journeyTaskQueue?: string;
}

export interface WeeklyReportResult {
  day: string;
  deadline: string;
  processed: ProcessedReport[];
  escalated: boolean;
}

const RETRY = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '2m',
  nonRetryableErrorTypes: ['BadData'],
};
const jsaps = wf.proxyActivities<ReportActivities>({ startToCloseTimeout: '1 minute', retry: RETRY });

const instantOn = (day: string, v: string) => (v.includes('T') ? new Date(v).toISOString() : atLocal(day, v));

export async function weeklyReport(input: WeeklyReportInput = {}): Promise<WeeklyReportResult> {
  const { workflowId, taskQueue } = wf.workflowInfo();
  const office = input.office ?? null;
  const day = localDate(new Date().toISOString());
  const processBy = input.processBy ?? '13:30';
  const deadline = instantOn(day, processBy);
  const giveUpAt = laterOf(instantOn(day, input.giveUpAt ?? '17:00'), deadline);
  const pollEveryMs = Math.max(1000, input.pollEveryMs ?? 10 * 60_000);
  const scope = office ? `office ${office}` : 'all offices';
  const processed: ProcessedReport[] = [];
  let finished = false;
  let escalatedAt: string | null = null;
  let status = 'waiting for the report from JSAPS';

  const show = () =>
    wf.setCurrentDetails(
      [
        `**Weekly report** for ${scope}, ${day}`,
        `**Status:** ${status}`,
        `**Process by:** ${deadline} (${processBy.includes('T') ? processBy : `${processBy} Europe/London`})`,
        `**Escalated to the Change Lead:** ${escalatedAt ?? 'no'}`,
        ...processed.map(
          (p) =>
            `**${p.reportId}:** ${p.rows} rows · ${p.started} started · ${p.alreadyRunning} already running · ${p.rejectedCount} rejected`,
        ),
      ].join('\n\n'),
    );

  const escalation = (async () => {
    const wait = Date.parse(deadline) - Date.now();
    if (wait > 0)
      await wf.condition(() => processed.length > 0 || finished, wait, {
        summary: `report deadline ${processBy}: escalate if not processed`,
      });
    if (processed.length > 0) return;
    await jsaps.raiseReportEscalation.executeWithOptions(
      {
        startToCloseTimeout: '1 minute',
        retry: RETRY,
        summary: `LMS: escalate to the Change Lead: weekly report not processed by ${processBy}`,
      },
      [{ workflowId, office, day, deadline, processBy }],
    );
    escalatedAt = new Date().toISOString();
    show();
  })();

  show();
  for (;;) {
    const pending = await jsaps.pendingReports.executeWithOptions(
      { startToCloseTimeout: '1 minute', retry: RETRY, summary: `JSAPS: read pending weekly reports (${scope})` },
      [{ office }],
    );
    for (const r of pending) {
      status = `processing ${r.id} (${r.rowCount} rows)`;
      show();
      processed.push(
        // A large report takes a while: heartbeats show the attempt is alive, and a crashed attempt is
        // retried from the top (every start is idempotent).
        await jsaps.processReport.executeWithOptions(
          {
            startToCloseTimeout: '2 hours',
            heartbeatTimeout: '2 minutes',
            retry: RETRY,
            summary: `JSAPS report ${r.id}: start journeys for ${r.rowCount} rows`,
          },
          [{ reportId: r.id, taskQueue: input.journeyTaskQueue ?? taskQueue }],
        ),
      );
    }
    if (processed.length) {
      status = 'processed';
      break;
    }
    const left = Date.parse(giveUpAt) - Date.now();
    if (left <= 0) {
      status = `no report by ${giveUpAt}`;
      break;
    }
    show();
    await wf.sleep(Math.min(pollEveryMs, left), { summary: 'wait for the weekly report from JSAPS' });
  }
  finished = true;
  show();
  await escalation;
  return { day, deadline, processed, escalated: escalatedAt !== null };
}
