// `hwc schedule create|describe|delete|trigger`: the weekly report as a Temporal Schedule (every Tuesday,
// 09:00 Europe/London by default). Each run is the `weeklyReport` workflow: it reads the pending report from
// JSAPS, starts its journeys (idempotently) and escalates to the Change Lead if nothing has been processed by
// 13:30 (seed ¶9).
import type { Command } from 'commander';
import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { WEEKLY_REPORT_WORKFLOW_ID, weeklyReport } from '../../workflows/weekly-report';
import { client, config, store } from '../context';
import { badInput, CliError } from '../errors';
import { instant } from '../table';

const DAYS = ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'] as const;
type Day = (typeof DAYS)[number];

export const scheduleIdFor = (office?: string) => (office ? `hwc-weekly-report-${office}` : 'hwc-weekly-report');

interface CommonOptions {
  office?: string;
}
interface CreateOptions extends CommonOptions {
  day: string;
  at: string;
  timeZone: string;
  processBy: string;
  paused?: boolean;
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

function checkOffice(office?: string) {
  if (office !== undefined && !/^[A-Za-z0-9_-]{1,20}$/.test(office))
    throw badInput(`--office: "${office}" is not an office mnemonic`);
}

async function withClient<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const c = await client();
  try {
    return await fn(c);
  } finally {
    await c.connection.close();
  }
}

export async function createSchedule(opts: CreateOptions) {
  checkOffice(opts.office);
  const day = opts.day.toUpperCase() as Day;
  if (!DAYS.includes(day)) throw badInput(`--day: "${opts.day}" is not a day of the week (e.g. tuesday)`);
  if (!HHMM.test(opts.at)) throw badInput(`--at: "${opts.at}" must be HH:mm, e.g. 09:00`);
  if (!HHMM.test(opts.processBy)) throw badInput(`--process-by: "${opts.processBy}" must be HH:mm, e.g. 13:30`);
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: opts.timeZone });
  } catch {
    throw badInput(`--time-zone: "${opts.timeZone}" is not an IANA time zone (e.g. Europe/London)`);
  }
  const cfg = config();
  const scheduleId = scheduleIdFor(opts.office);
  const [hour, minute] = opts.at.split(':').map(Number);
  await withClient(async (c) => {
    try {
      await c.schedule.create({
        scheduleId,
        spec: { calendars: [{ dayOfWeek: day, hour, minute }], timezone: opts.timeZone },
        action: {
          type: 'startWorkflow',
          workflowType: weeklyReport,
          workflowId: `${WEEKLY_REPORT_WORKFLOW_ID}-${opts.office ?? 'all'}`,
          taskQueue: cfg.taskQueue,
          args: [{ office: opts.office ?? null, processBy: opts.processBy }],
          staticSummary: `Weekly report ${opts.office ? `for office ${opts.office}` : '(all offices)'}: start journeys, escalate if not processed by ${opts.processBy}`,
        },
        // One run at a time; a run missed while the cluster was down is still taken the same day.
        policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '12 hours' },
        state: { paused: !!opts.paused, note: `created by hwc schedule create` },
      });
    } catch (e) {
      if (e instanceof ScheduleAlreadyRunning) {
        process.stdout.write(
          `schedule ${scheduleId} already exists (hwc schedule describe; delete it first to change it)\n`,
        );
        return;
      }
      throw e;
    }
    process.stdout.write(
      `schedule ${scheduleId} created: every ${day.toLowerCase()} at ${opts.at} ${opts.timeZone}, ${opts.office ? `office ${opts.office}` : 'all offices'}, escalation if not processed by ${opts.processBy}${opts.paused ? ' (paused)' : ''}\n`,
    );
  });
}

export async function describeSchedule(opts: CommonOptions & { json?: boolean }) {
  checkOffice(opts.office);
  const scheduleId = scheduleIdFor(opts.office);
  const cfg = config();
  await withClient(async (c) => {
    let d;
    try {
      d = await c.schedule.getHandle(scheduleId).describe();
    } catch (e) {
      if (e instanceof ScheduleNotFoundError)
        throw new CliError(
          `no schedule ${scheduleId}: create it with hwc schedule create${opts.office ? ` --office ${opts.office}` : ''}`,
          2,
        );
      throw e;
    }
    const stubs = await store(cfg);
    const pending = await stubs.pendingReports(opts.office);
    const processed = (await stubs.reports({ status: 'processed' })).slice(-3);
    await stubs.close();
    if (opts.json) {
      process.stdout.write(
        JSON.stringify(
          {
            scheduleId,
            spec: d.spec,
            paused: d.state.paused,
            nextActionTimes: d.info.nextActionTimes,
            recentActions: d.info.recentActions,
            pendingReports: pending,
            processedReports: processed,
          },
          null,
          2,
        ) + '\n',
      );
      return;
    }
    const cal = d.spec.calendars?.[0];
    const when = cal
      ? `${cal.dayOfWeek
          ?.map((x) => `${x.start}${x.end !== x.start ? `-${x.end}` : ''}`)
          .join(',')
          .toLowerCase()} at ${cal.hour?.map((x) => String(x.start).padStart(2, '0')).join(',')}:${cal.minute?.map((x) => String(x.start).padStart(2, '0')).join(',')}`
      : 'custom';
    const out = [
      `schedule ${scheduleId}: ${d.state.paused ? 'PAUSED' : 'active'}, every ${when} ${d.spec.timezone ?? 'UTC'}`,
      d.action.type === 'startWorkflow'
        ? `action: workflow ${d.action.workflowType} (id ${d.action.workflowId}) on task queue ${d.action.taskQueue}`
        : '',
      `next runs: ${d.info.nextActionTimes.slice(0, 3).map(instant).join(', ') || '—'}`,
      `recent runs: ${
        d.info.recentActions
          .slice(-5)
          .map((a) => `${instant(a.takenAt)} ${a.action.type === 'startWorkflow' ? a.action.workflow.workflowId : ''}`)
          .join(', ') || 'none yet'
      }`,
      `pending reports in JSAPS: ${pending.map((r) => `${r.id} (${r.source}, ${r.rowCount} rows)`).join(', ') || 'none'}`,
      ...processed.map((r) => {
        const s = r.summary as { started?: unknown[]; alreadyRunning?: unknown[]; rejected?: unknown[] } | null;
        return `processed ${r.id} (${r.source}) at ${instant(r.processedAt)}: ${s?.started?.length ?? 0} started, ${s?.alreadyRunning?.length ?? 0} already running, ${s?.rejected?.length ?? 0} rejected`;
      }),
    ].filter(Boolean);
    process.stdout.write(out.join('\n') + '\n');
  });
}

export async function deleteSchedule(opts: CommonOptions) {
  checkOffice(opts.office);
  const scheduleId = scheduleIdFor(opts.office);
  await withClient(async (c) => {
    try {
      await c.schedule.getHandle(scheduleId).delete();
    } catch (e) {
      if (e instanceof ScheduleNotFoundError) throw new CliError(`no schedule ${scheduleId} to delete`, 2);
      throw e;
    }
    process.stdout.write(`schedule ${scheduleId} deleted (runs already started finish; journeys are not affected)\n`);
  });
}

export async function triggerSchedule(opts: CommonOptions) {
  checkOffice(opts.office);
  const scheduleId = scheduleIdFor(opts.office);
  await withClient(async (c) => {
    try {
      await c.schedule.getHandle(scheduleId).trigger(ScheduleOverlapPolicy.ALLOW_ALL);
    } catch (e) {
      if (e instanceof ScheduleNotFoundError)
        throw new CliError(`no schedule ${scheduleId}: create it with hwc schedule create`, 2);
      throw e;
    }
    process.stdout.write(
      `schedule ${scheduleId} triggered: a weekly-report run starts now (see hwc schedule describe)\n`,
    );
  });
}

export function register(program: Command) {
  const schedule = program
    .command('schedule')
    .description(
      'the weekly report as a Temporal Schedule (every Tuesday 09:00 Europe/London): create, describe, delete, trigger',
    )
    .addHelpText(
      'after',
      `
Each run reads the pending report from JSAPS (submitted with hwc report --to-jsaps), starts one journey
per valid row (never twice) and, if no report has been processed by --process-by (13:30) that day,
records an escalation to the Change Lead in LMS (seed ¶9; see hwc outbox). One schedule per office
(--office) or one for all offices.`,
    );
  const office = ['--office <office>', 'the office whose reports it processes (default: all offices)'] as const;
  schedule
    .command('create')
    .description('create the weekly-report schedule (does nothing if it exists)')
    .option(...office)
    .option('--day <day>', 'day of the week', 'tuesday')
    .option('--at <HH:mm>', 'time of day', '09:00')
    .option('--time-zone <zone>', 'IANA time zone', 'Europe/London')
    .option('--process-by <HH:mm>', 'escalate to the Change Lead if no report is processed by then', '13:30')
    .option('--paused', 'create it paused')
    .action(createSchedule);
  schedule
    .command('describe')
    .description('show the schedule, its next and recent runs and the pending reports')
    .option(...office)
    .option('--json', 'as JSON')
    .action(describeSchedule);
  schedule
    .command('delete')
    .description('delete the schedule (journeys already started go on)')
    .option(...office)
    .action(deleteSchedule);
  schedule
    .command('trigger')
    .description('run the weekly report now')
    .option(...office)
    .action(triggerSchedule);
}
