// `hwc event <claimantRef> <TYPE> [--field value …] [--json '{…}']`: a person's event, signed for the person
// signed in with `hwc login` and sent as the journey's `event` Update. The workflow's validator decides (schema, role, accepted now, times):
// a rejection changes nothing and its reason is printed on stderr (exit 2).
import type { Command } from 'commander';
import { WorkflowNotFoundError } from '@temporalio/client';
import { EventRejectedError, sendEvent } from '../../client/journeys';
import { noJourney } from '../../client/cases';
import { EVENT_TYPES, ROLES, Role } from '../../domain/schemas';
import { waitingFor } from '../../machines/describe';
import { workflowIdFor, type EventRequest } from '../../workflows/messages';
import { CATEGORIES_HELP, eventsHelp, readFieldValue } from '../event-fields';
import { client } from '../context';
import { signedInSigner } from '../identity';
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
      throw badInput(
        `--${name}: set by the command (${name === 'by' ? 'the signed-in person, see hwc login' : 'the TYPE argument'})`,
      );
    fields[name] = readFieldValue(type, name, raw);
  }
  return fields;
}

export async function event(
  claimantRef: string,
  type: string,
  fieldArgs: string[],
  opts: { as?: string; json?: string; role?: string; print?: boolean },
) {
  claimantRef = claimantRefArg(claimantRef); // or the workflow id hwc-<ref>; the value is never echoed
  if (!(EVENT_TYPES as readonly string[]).includes(type))
    throw badInput(`TYPE: unknown event type "${type}"; known types: ${EVENT_TYPES.join(', ')}`);
  if (opts.as !== undefined)
    throw badInput(
      '--as: no longer accepted: hwc event acts for the signed-in person (run hwc login; hwc whoami shows who)',
    );
  const role = opts.role === undefined ? undefined : Role.safeParse(opts.role);
  if (role && !role.success) throw badInput(`--role: one of ${ROLES.join(', ')}`);
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
  const request: EventRequest = { ...fromJson, ...parseFieldArgs(type, fieldArgs), type };
  // The arguments are checked first, so a mistake is named even before signing in.
  const { signer, session } = signedInSigner(role?.data);
  if (opts.print) {
    // For the Web UI's "Send an Update" dialog: the signed event, dated now, valid for five minutes.
    const signed = await signer(workflowIdFor(claimantRef), { ...request, at: request.at ?? new Date().toISOString() });
    process.stdout.write(`${JSON.stringify(signed)}\n`);
    return;
  }
  const c = await client();
  try {
    const result = await sendEvent(c, claimantRef, request, signer);
    process.stdout.write(
      `${claimantRef}: ${type} accepted from ${session.staffId}; stage now ${result.stage}` +
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
    .option('--role <role>', 'which of your roles records it, when you hold several (default: the first that may)')
    .option('--as <staffId:role>', 'no longer accepted: the event is signed for the person signed in with hwc login')
    .option('--json <object>', 'fields as one JSON object (--name value pairs override it)')
    .option('--print', "print the signed event (for the Web UI's Update dialog, valid 5 minutes) instead of sending it")
    .allowUnknownOption()
    .addHelpText(
      'after',
      `
Examples:
  hwc event C-1001 BOOKING_CALL --contacted true --slot 2026-02-10T10:00:00Z
  hwc event C-1001 FTA_CALL --contacted true --good-cause false --will-rebook true
  hwc event C-1001 CONVERSATION_COMPLETED --my-values completed --actions '[{"what":"Job club","where":"Library","when":"Mondays"}]'

Exit codes: 0 accepted; 2 rejected (the reason is printed: field, role, or not accepted in this stage),
unknown claimant or bad arguments; 1 anything else. hwc show <ref> lists the events a case accepts now.

Events (fields; ? = optional; [roles]):
${eventsHelp()}

${CATEGORIES_HELP}`,
    )
    .action(event);
}
