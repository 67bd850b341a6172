// Which case a command is about: a claimant reference (`DEMO-001`) or the journey's workflow id
// (`hwc-DEMO-001`, what the Web UI and `temporal workflow list` show). Both name the same journey; an
// argument that starts with `hwc-` is read as a workflow id. The message names the problem, never the
// value: a National Insurance number typed by mistake is not echoed back.
import { ClaimantRef } from '../domain/schemas';
import { badInput } from './errors';

const WORKFLOW_PREFIX = 'hwc-';

/** The claimant reference an argument names, or exit 2 saying what is accepted. */
export function claimantRefArg(arg: string, what = 'claimantRef'): string {
  const ref = arg.startsWith(WORKFLOW_PREFIX) ? arg.slice(WORKFLOW_PREFIX.length) : arg;
  const parsed = ClaimantRef.safeParse(ref);
  if (!parsed.success)
    throw badInput(
      `${what}: not a claimant reference or journey workflow id (hwc-<claimantRef>): ${parsed.error.issues.map((i) => i.message).join('; ')}`,
    );
  return parsed.data;
}
