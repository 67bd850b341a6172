// `hwc show <claimantRef | workflowId>`: one case as a timeline (the `journey` query through prettyTrace), then where it
// stands: stage, what it waits for, next deadline, and the events it accepts now with their fields.
import type { Command } from 'commander';
import { UnknownClaimantError, getCase } from '../../client/cases';
import { TIMER_WORDS } from '../../machines/describe';
import type { TimerEvent } from '../../machines/context';
import { CATEGORIES_HELP, fieldsLine, rolesOf } from '../event-fields';
import { client } from '../context';
import { CliError } from '../errors';
import { claimantRefArg } from '../refs';
import { prettyTrace } from '../pretty';
import { jsonText, terminalSafeLines } from '../terminal';
import { instant } from '../table';

export async function show(target: string, opts: { json?: boolean }) {
  const claimantRef = claimantRefArg(target);
  const c = await client();
  let found;
  try {
    found = await getCase(c, claimantRef);
  } catch (e) {
    if (e instanceof UnknownClaimantError) throw new CliError(e.message, 2);
    throw e;
  } finally {
    await c.connection.close();
  }
  const { trace, view, status } = found;
  if (opts.json) return void process.stdout.write(jsonText({ status, trace, view }) + '\n');
  const next = view.nextTimer;
  const width = Math.max(0, ...view.accepted.map((t) => t.length));
  const out = [
    prettyTrace(trace),
    `stage          ${view.stage}${status !== 'RUNNING' ? ` (workflow ${status.toLowerCase()})` : ''}`,
    `waiting for    ${view.waitingFor}`,
    `next deadline  ${next ? `${instant(next.at)} (${TIMER_WORDS[next.type as TimerEvent] ?? next.type})` : 'none'}`,
    '',
  ];
  if (view.accepted.length) {
    out.push(`accepts now (hwc event ${claimantRef} <TYPE> --field value … --as <staffId>:<role>):`);
    const lines = view.accepted.map((t) => `  ${t.padEnd(width)}  ${fieldsLine(t)}   [${rolesOf(t)}]`);
    out.push(...lines, '');
    // The value lists of the categories the fields above name, and the instant format.
    const used = lines.join(' ');
    out.push(...CATEGORIES_HELP.split('\n').filter((l) => !/^\w+Category:/.test(l) || used.includes(l.split(':')[0])));
  } else out.push('accepts no events: the journey has ended');
  process.stdout.write(terminalSafeLines(out.join('\n')) + '\n');
}

export function register(program: Command) {
  program
    .command('show')
    .description('one case: timeline, stage, what it waits for, next deadline, the events it accepts now')
    .argument('<claimantRef|workflowId>', 'the claimant reference, or the journey workflow id hwc-<claimantRef>')
    .option('--json', 'print the trace and the current view as JSON')
    .action(show);
}
