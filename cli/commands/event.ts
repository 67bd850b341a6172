// `hwc event <claimantRef> <TYPE> [--field value …] [--json '{…}'] --as <staffId>:<role>`: a person's event,
// sent as the journey's `event` Update. The workflow's validator decides (schema, role, accepted now, times):
// a rejection changes nothing and its reason is printed on stderr (exit 2).
import type { Command } from 'commander';
import { WorkflowNotFoundError } from '@temporalio/client';
import { EventRejectedError, sendEvent } from '../../client/journeys';
import { noJourney } from '../../client/cases';
import { StaffError, authorise } from '../../domain/staff';
import { EVENT_TYPES, StaffIdentity, describeZodError } from '../../domain/schemas';
import { waitingFor } from '../../machines/describe';
import type { EventRequest } from '../../workflows/messages';
import { CATEGORIES_HELP, eventsHelp, readFieldValue } from '../event-fields';
import { client, staffDirectory } from '../context';
import { badInput, CliError } from '../errors';
import { jsonProblem } from '../files';
import { claimantRefArg } from '../refs';

const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** `--good-cause true --slot 2026-…` (or `--good-cause=true`) → `{goodCause: true, slot: '2026-…'}`. */
export function parseFieldArgs(type: string, args: string[]): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('--') || a.length < 3)
      throw badInput(`"${a}": fields are given as --name value (see hwc event --help)`);
    const eq = a.indexOf('=');
    const name = camel(eq > 0 ? a.slice(2, eq) : a.slice(2));
    let raw: string;
    if (eq > 0) raw = a.slice(eq + 1);
    else if (i + 1 < args.length && !args[i + 1].startsWith('--')) raw = args[++i];
    else raw = 'true'; // a bare flag: --contacted
    if (name === 'type' || name === 'by')
      throw badInput(`--${name}: set by the command (${name === 'by' ? 'use --as' : 'the TYPE argument'})`);
    fields[name] = readFieldValue(type, name, raw);
  }
  return fields;
}

export function parseAs(as: string | undefined) {
  if (!as)
    throw badInput(
      '--as <staffId>:<role> is required: who records the event (roles: sds, work_coach, team_leader, decision_maker)',
    );
  const [staffId, role, ...rest] = as.split(':');
  const parsed = StaffIdentity.safeParse({ staffId, role });
  if (rest.length || !parsed.success)
    throw badInput(
      `--as: "${as}" must be <staffId>:<role>${parsed.success ? '' : ` (${describeZodError(parsed.error)})`}`,
    );
  return parsed.data;
}

export async function event(
  claimantRef: string,
  type: string,
  fieldArgs: string[],
  opts: { as?: string; json?: string },
) {
  claimantRef = claimantRefArg(claimantRef); // or the workflow id hwc-<ref>; the value is never echoed
  if (!(EVENT_TYPES as readonly string[]).includes(type))
    throw badInput(`TYPE: unknown event type "${type}"; known types: ${EVENT_TYPES.join(', ')}`);
  const by = parseAs(opts.as);
  const staff = staffDirectory();
  if (staff) {
    try {
      authorise(staff, by);
    } catch (e) {
      if (e instanceof StaffError) throw badInput(`--as: ${e.message}`);
      throw e;
    }
  }
  let fromJson: Record<string, unknown> = {};
  if (opts.json !== undefined) {
    try {
      fromJson = JSON.parse(opts.json);
    } catch (e) {
      throw badInput(`--json: not valid JSON (${jsonProblem(e, opts.json, 'the value')})`);
    }
    if (!fromJson || typeof fromJson !== 'object' || Array.isArray(fromJson))
      throw badInput('--json: must be a JSON object of fields');
  }
  const request: EventRequest = { ...fromJson, ...parseFieldArgs(type, fieldArgs), type, by };
  const c = await client();
  try {
    const result = await sendEvent(c, claimantRef, request);
    process.stdout.write(
      `${claimantRef}: ${type} accepted; stage now ${result.stage}` +
        (result.outcome ? ` (outcome ${result.outcome})` : ` — waiting for ${waitingFor(result.stage)}`) +
        '\n',
    );
  } catch (e) {
    if (e instanceof EventRejectedError) throw new CliError(`${claimantRef}: ${type} rejected: ${e.message}`, 2);
    if (e instanceof WorkflowNotFoundError) {
      // Not found, or found but ended (an Update needs a running workflow).
      const ended = await c.workflow
        .getHandle(`hwc-${claimantRef}`)
        .describe()
        .then((d) => d.status.name)
        .catch(() => null);
      throw new CliError(
        ended
          ? `${claimantRef}: ${type} rejected: the journey has ended (workflow ${ended.toLowerCase()}); it accepts no events`
          : noJourney(claimantRef),
        2,
      );
    }
    throw e;
  } finally {
    await c.connection.close();
  }
}

export function register(program: Command) {
  program
    .command('event')
    .description("record a person's event on a case (the workflow's `event` Update); prints the new stage")
    .argument('<claimantRef>', 'the claimant reference, or the journey workflow id hwc-<claimantRef>')
    .argument('<TYPE>', 'event type, e.g. BOOKING_CALL')
    .argument('[fields...]', 'fields as --name value (true/false, numbers and JSON arrays/objects are read as such)')
    .option(
      '--as <staffId:role>',
      'who records it, e.g. WC-01:work_coach (roles: sds, work_coach, team_leader, decision_maker)',
    )
    .option('--json <object>', 'fields as one JSON object (--name value pairs override it)')
    .allowUnknownOption()
    .addHelpText(
      'after',
      `
Examples:
  hwc event C-1001 BOOKING_CALL --contacted true --slot 2026-02-10T10:00:00Z --as SDS-7:sds
  hwc event C-1001 FTA_CALL --contacted true --good-cause false --will-rebook true --as WC-01:work_coach
  hwc event C-1001 CONVERSATION_COMPLETED --my-values completed --actions '[{"what":"Job club","where":"Library","when":"Mondays"}]' --as WC-01:work_coach

Exit codes: 0 accepted; 2 rejected (the reason is printed: field, role, or not accepted in this stage),
unknown claimant or bad arguments; 1 anything else. hwc show <ref> lists the events a case accepts now.

Events (fields; ? = optional; [roles]):
${eventsHelp()}

${CATEGORIES_HELP}`,
    )
    .action(event);
}
