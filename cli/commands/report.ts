// `hwc report <report.json|report.csv> [--office O]`: the weekly report (seed ¶9–10). Every row is checked
// (zod, ClaimantRecord); one journey per valid row (idempotent: a rerun starts nothing twice); a summary with
// each rejected row, its number and the field at fault. Exit 2 when any row was rejected (valid rows are
// still started). `--to-jsaps` hands the report to the JSAPS stub instead, for the weekly schedule.
import { basename } from 'node:path';
import type { Command } from 'commander';
import {
  InvalidReportError,
  reportId,
  startReport,
  validateReport,
  type RejectedRow,
  type ReportSummary,
} from '../../client/report';
import { client, config, store } from '../context';
import { trustedKeys } from '../identity';
import { ClaimantRef, OfficeMnemonic } from '../../domain/schemas';
import { badInput, CliError } from '../errors';
import { CSV_HELP, readReportFile } from '../report-file';
import { jsonText, terminalSafeLines } from '../terminal';

interface ReportOptions {
  office?: string;
  toJsaps?: boolean;
  json?: boolean;
  concurrency?: string;
}

/** Started / already-running claimants listed by name up to this many. */
const LIST_UP_TO = 30;
/** Reports at least this long show progress on stderr. */
const PROGRESS_FROM = 20;

function progress(total: number) {
  const tty = !!process.stderr.isTTY;
  const began = Date.now();
  let lastLine = 0;
  let lastPct = -1;
  const render = (done: number, s: ReportSummary) => {
    const pct = total ? Math.floor((done / total) * 100) : 100;
    if (tty) {
      if (pct === lastPct && done !== total) return;
      lastPct = pct;
      const width = 30;
      const filled = Math.round((pct / 100) * width);
      process.stderr.write(
        `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(pct).padStart(3)}%  ${done}/${total} · ${s.started.length} started · ${s.alreadyRunning.length} already running`,
      );
      if (done === total) process.stderr.write('\n');
    } else {
      // Not a terminal (a log, CI): a line every 5 seconds and at the end, never a wall of carriage returns.
      const now = Date.now();
      if (done !== total && now - lastLine < 5000) return;
      lastLine = now;
      process.stderr.write(
        `hwc report: ${done}/${total} rows handled (${s.started.length} started, ${s.alreadyRunning.length} already running) after ${((now - began) / 1000).toFixed(1)} s\n`,
      );
    }
  };
  return render;
}

/** A rejected row names its claimant only by a valid reference (never a NINO-shaped one, B2). */
const shownRef = (ref: string | null) => (ref !== null && ClaimantRef.safeParse(ref).success ? ref : null);

const rejectedLine = (r: RejectedRow) =>
  `  row ${r.row}${r.line !== undefined ? ` (line ${r.line})` : ''}${shownRef(r.claimantRef) ? ` ${r.claimantRef}` : ''}: ${r.reason}`;

export async function report(file: string, opts: ReportOptions) {
  if (opts.office !== undefined && !OfficeMnemonic.safeParse(opts.office).success)
    throw badInput(`--office: ${OfficeMnemonic.safeParse(opts.office).error!.issues[0].message}`);
  const parsed = readReportFile(file);
  const office = opts.office ?? parsed.office;
  const cfg = config();
  const stubs = await store(cfg);
  try {
    if (opts.toJsaps) {
      const rows = parsed.rows.map((r) => r.record);
      const id = await reportId(office, rows);
      const { created } = await stubs.submitReport({ id, office, source: basename(file), rows });
      const { valid, rejected } = validateReport(parsed.rows);
      process.stdout.write(
        `${file}: report ${id} ${created ? 'submitted to' : 'was already in'} JSAPS for ${office ? `office ${office}` : 'each row’s own office'}: ${parsed.rows.length} rows (${valid.length} valid, ${rejected.length} will be rejected); the weekly-report schedule starts the journeys (or now: hwc schedule trigger)\n`,
      );
      if (rejected.length) {
        process.stdout.write(terminalSafeLines('will be rejected:\n' + rejected.map(rejectedLine).join('\n')) + '\n');
        throw new CliError(
          `${rejected.length} of ${parsed.rows.length} rows rejected (the other rows will be started)`,
          2,
        );
      }
      return;
    }
    const trust = trustedKeys(cfg); // before connecting: a start needs the keys the journeys will trust
    const c = await client(cfg);
    const concurrency = opts.concurrency ? Number(opts.concurrency) : 8;
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)
      throw badInput('--concurrency: a whole number from 1 to 64');
    const render = parsed.rows.length >= PROGRESS_FROM ? progress(validateReport(parsed.rows).valid.length) : null;
    let summary: ReportSummary;
    try {
      summary = await startReport({
        client: c,
        taskQueue: cfg.taskQueue,
        office,
        trust,
        rows: parsed.rows,
        putClaimant: (ref, record) => stubs.putClaimant(ref, record),
        getClaimant: (ref) => stubs.getClaimant(ref),
        concurrency,
        onProgress: render ? (done, _total, s) => render(done, s) : undefined,
      });
    } catch (e) {
      if (e instanceof InvalidReportError) throw badInput(`${file}: ${e.message}`);
      throw e;
    } finally {
      await c.connection.close();
    }
    if (opts.json)
      process.stdout.write(
        jsonText({
          ...summary,
          rejected: summary.rejected.map((r) => ({ ...r, claimantRef: shownRef(r.claimantRef) })),
        }) + '\n',
      );
    else {
      const out = [
        `${file}: ${summary.rows} rows · ${summary.started.length} started · ${summary.alreadyRunning.length} already running · ${summary.rejected.length} rejected` +
          (office ? ` (office ${office})` : ''),
      ];
      // Claimant lists for a report a person can read at a glance; --json has them all.
      const refs = (what: string, list: string[]) =>
        list.length &&
        out.push(
          `${what}: ${list.length <= LIST_UP_TO ? list.join(', ') : `${list.slice(0, LIST_UP_TO).join(', ')} … (${list.length - LIST_UP_TO} more; --json lists all)`}`,
        );
      refs('started', summary.started);
      refs('already running', summary.alreadyRunning);
      // Names of the fields, never their values: a rerun with new data is worth knowing about.
      if (summary.changed.length)
        out.push(
          `record changed since the journey started (JSAPS now holds the new one; the journey reads it at its next check):`,
          ...summary.changed.map((ch) => `  ${ch.claimantRef}: ${ch.fields.join(', ')}`),
        );
      if (summary.rejected.length) out.push('rejected:', ...summary.rejected.map(rejectedLine));
      process.stdout.write(terminalSafeLines(out.join('\n')) + '\n');
    }
    if (summary.rejected.length)
      throw new CliError(
        `${summary.rejected.length} of ${summary.rows} rows rejected (the valid rows were started)`,
        2,
      );
  } finally {
    await stubs.close();
  }
}

export function register(program: Command) {
  program
    .command('report')
    .description('start one journey per row of the weekly report (JSON or CSV); rerunning starts nothing twice')
    .argument('<report>', 'report.json (array of ClaimantRecords, or {"office", "rows": [...]}) or report.csv')
    .option('--office <office>', 'the office that runs the report (default: each row’s own office)')
    .option('--to-jsaps', 'submit the report to the JSAPS stub for the weekly-report schedule instead of starting now')
    .option('--json', 'print the summary as JSON')
    .option('--concurrency <n>', 'journeys started at once (default 8)')
    .addHelpText(
      'after',
      `
Exit codes: 0 every row started or already running; 2 some rows rejected (the valid rows are still
started; each rejected row is listed with its number and the field at fault); 1 anything else.
Each valid record is also stored in the JSAPS stub (HWC_DB) for the journey's later checks, once its
journey has started; a rerun that changes a running journey's record lists the fields that changed.
At most 50,000 rows (64 MiB) in one report; a bigger file is refused whole, before anything starts.

${CSV_HELP}

Example CSV:
  claimantRef,office,dateOfBirth,claimStartDate,claimStatus,inPayment,weeklyRate,mobile,workCoach,circumstances
  C-1001,LEEDS,1980-04-02,2026-01-05,built,true,91.15,07700900123,WC-01,
  C-1002,LEEDS,1975-11-30,2026-01-06,built,true,91.15,,WC-02,BEREAVEMENT
  C-1003,LEEDS,1990-02-14,2026-01-06,built,true,91.15,,,PREGNANCY;expectedWeekOfConfinement=2026-06-01`,
    )
    .action(report);
}
