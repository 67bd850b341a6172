// The rule parameters a policy team asks about ("what if the doubt window were 10 working days?") as one
// named, versioned policy. A journey receives its policy when it starts (it is part of the workflow input,
// hence of the history) and keeps it for life: changing CURRENT_POLICY changes new journeys only, never a
// running one, and never a replay. See docs/policy.md for the procedure.
import { z } from 'zod';

const whole = (what: string, min: number, max: number) =>
  z
    .number({ message: `must be a whole number of ${what} from ${min} to ${max}` })
    .int(`must be a whole number of ${what} from ${min} to ${max}`)
    .min(min, `must be a whole number of ${what} from ${min} to ${max}`)
    .max(max, `must be a whole number of ${what} from ${min} to ${max}`);

/** Every parameter, with the rulebook paragraph it comes from. */
export const POLICY_PARAMETERS = {
  /** A3.7: FTA call not answered or FTP → the claimant has this long (to close of business) to make contact. */
  contactWindowWorkingDays: whole('working days', 1, 60),
  /** A3.7 doubt path: a doubt stays open this long (to close of business) before the DART referral. */
  doubtWindowWorkingDays: whole('working days', 1, 60),
  /** A3.2.3: the pre-call is this many working days before the HWC, at the same time of day. */
  preCallLeadWorkingDays: whole('working days', 0, 20),
  /** A3.1.4: a WCA on or before the HWC date plus this many days makes the HWC unnecessary. */
  wcaHorizonDays: whole('days', 0, 365),
  /** A3.1.4: the target HWC date is no earlier than claim start plus this many days … */
  targetAfterClaimStartDays: whole('days', 0, 365),
  /** … and no earlier than the screening day plus this many working days. */
  targetAfterScreeningWorkingDays: whole('working days', 0, 60),
  /** A3.2.2: without a booking call result by close of business on screening day + this, book without contact. */
  bookingCallWorkingDays: whole('working days', 0, 30),
  /** A3.7 rebook: without a slot, the new HWC is this many working days after the decision, at 10:00. */
  rebookingLeadWorkingDays: whole('working days', 1, 60),
  /** A3.7 (¶28–33): whether the one-off easement exists at all. */
  easement: z.boolean({ message: 'must be true or false' }),
} as const;

export const PolicyParameters = z.strictObject(POLICY_PARAMETERS);
export type PolicyParameters = z.infer<typeof PolicyParameters>;

export const Policy = z.strictObject({
  /** A short name people recognise ("HWC guidance", "doubt window 10 wd"). */
  name: z.string().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
  /** Increases with every change of a parameter for new journeys. */
  version: z.number().int('must be a whole number').min(1, 'must be 1 or more'),
  ...POLICY_PARAMETERS,
});
export type Policy = z.infer<typeof Policy>;

/** The guidance as written (seed 001, journey.md Part A): the policy of every journey started before
 *  policies were recorded in journeys, and so the one used when a journey's input carries none. */
export const HWC_POLICY_V1: Policy = Object.freeze({
  name: 'HWC guidance',
  version: 1,
  contactWindowWorkingDays: 7,
  doubtWindowWorkingDays: 7,
  preCallLeadWorkingDays: 2,
  wcaHorizonDays: 21,
  targetAfterClaimStartDays: 28,
  targetAfterScreeningWorkingDays: 3,
  bookingCallWorkingDays: 2,
  rebookingLeadWorkingDays: 3,
  easement: true,
});

/** The policy new journeys start with. Changing it is a deliberate step (docs/policy.md): add a new
 *  version above, point this at it, and say so in the release notes; running journeys keep theirs. */
export const CURRENT_POLICY: Policy = HWC_POLICY_V1;

/** Journeys whose input has no policy started before policies were recorded: they ran under version 1. */
export const POLICY_WHEN_NONE_RECORDED: Policy = HWC_POLICY_V1;

/** The policy recorded in a journey's input: undefined when none was (an older journey), null when it is
 *  not a valid Policy (bad data: the journey cannot start). */
export function recordedPolicy(value: unknown): Policy | undefined | null {
  if (value === undefined || value === null) return undefined;
  const parsed = Policy.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** A what-if file: any subset of the parameters, optionally a name (the version is derived). */
export const PolicyOverride = PolicyParameters.partial().extend({
  name: Policy.shape.name.optional(),
  description: z.string().max(2000, 'must be at most 2000 characters').optional(),
});
export type PolicyOverride = z.infer<typeof PolicyOverride>;

export const POLICY_PARAMETER_NAMES = Object.keys(POLICY_PARAMETERS) as (keyof PolicyParameters)[];

export type PolicyCheck = { ok: true; override: PolicyOverride } | { ok: false; error: string };

/** Validates a what-if file's content; an error names the field and what it accepts. */
export function parsePolicyOverride(value: unknown): PolicyCheck {
  if (!value || typeof value !== 'object' || Array.isArray(value))
    return {
      ok: false,
      error: `(root): must be a JSON object of policy parameters: ${POLICY_PARAMETER_NAMES.join(', ')}`,
    };
  const known = new Set<string>(['name', 'description', ...POLICY_PARAMETER_NAMES]);
  const unknown = Object.keys(value).filter((k) => !known.has(k));
  if (unknown.length)
    return {
      ok: false,
      // A key is quoted only when it looks like one: a file of something else must not be echoed back.
      error: `${/^[A-Za-z][A-Za-z0-9_]{0,39}$/.test(unknown[0]) ? unknown[0] : '(a key)'}: not a policy parameter; the parameters are ${POLICY_PARAMETER_NAMES.join(', ')}`,
    };
  const parsed = PolicyOverride.safeParse(value);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    return { ok: false, error: `${i.path.map(String).join('.') || '(root)'}: ${i.message}` };
  }
  return { ok: true, override: parsed.data };
}

/** A policy with some parameters changed: named after the change unless the override names itself. */
export function applyOverride(base: Policy, override: PolicyOverride): Policy {
  const changed = POLICY_PARAMETER_NAMES.filter((k) => override[k] !== undefined && override[k] !== base[k]);
  const params = Object.fromEntries(POLICY_PARAMETER_NAMES.map((k) => [k, override[k] ?? base[k]]));
  return Policy.parse({
    ...params,
    name:
      override.name ??
      (changed.length ? `${base.name} with ${changed.map((k) => `${k}=${override[k]}`).join(', ')}` : base.name),
    version: base.version,
  });
}

/** The parameters in which two policies differ (for the side-by-side comparison). */
export function policyDifferences(a: Policy, b: Policy): { parameter: string; a: unknown; b: unknown }[] {
  return POLICY_PARAMETER_NAMES.filter((k) => a[k] !== b[k]).map((k) => ({ parameter: k, a: a[k], b: b[k] }));
}
