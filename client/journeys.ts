// Starting journeys and sending people's events, shared by the CLI, the report schedule and tests.
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowUpdateFailedError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import { holidaysForJourney } from '../domain/bank-holidays';
import { CURRENT_POLICY, type Policy } from '../domain/policy';
import { ClaimantRecord, OfficeMnemonic, describeZodError, type ClaimantRecordInput } from '../domain/schemas';
import { HwcOffice, HwcStage, HwcWorkCoach, HwcOutcome, HwcEasementUsed } from '../workflows/search-attributes';
import { BUSY, eventUpdate, workflowIdFor, type EventRequest, type EventResult } from '../workflows/messages';
import { hwcJourney } from '../workflows/journey';
import { workCoachFor } from '../domain/rules';
import type { Role } from '../domain/schemas';
import type { TrustedKey } from '../identity/proof';
import { signEvent, type Credential } from '../identity/signer';

export class InvalidInputError extends Error {}

export interface StartOptions {
  client: Client;
  taskQueue: string;
  office: string;
  record: ClaimantRecordInput | unknown;
  /** Where the JSAPS stub keeps the record for later checks (pre-call, deferral review). */
  putClaimant?: (ref: string, record: ClaimantRecord) => void | Promise<void>;
  searchAttributes?: boolean;
  /** The issuer keys the journey will trust (identity/keys.ts `trusted`): who may sign its events. */
  trust: TrustedKey[];
  /** The rules the journey keeps for life (recorded in its input); default: the current policy. */
  policy?: Policy;
  /** Business time of the start (ISO-8601), e.g. a report read late; default: when the journey starts. The
   *  deadlines already past fall due at once. */
  start?: string;
}

export type StartResult = { status: 'started' | 'already-exists'; workflowId: string; claimantRef: string };

export async function startJourney(o: StartOptions): Promise<StartResult> {
  const parsed = ClaimantRecord.safeParse(o.record);
  if (!parsed.success) throw new InvalidInputError(describeZodError(parsed.error));
  if (!o.trust?.length) throw new InvalidInputError('trust: a journey needs at least one trusted signing key');
  const record = parsed.data;
  const workflowId = workflowIdFor(record.claimantRef);
  const office = OfficeMnemonic.safeParse(o.office);
  if (!office.success) throw new InvalidInputError(`office: ${office.error.issues[0].message}`);
  try {
    await o.client.workflow.start(hwcJourney, {
      taskQueue: o.taskQueue,
      workflowId,
      // One journey per claimant, ever: a rerun of the same report must not start a second one.
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      args: [
        {
          office: o.office,
          record,
          holidays: holidaysForJourney(o.start ?? new Date().toISOString()),
          policy: o.policy ?? CURRENT_POLICY,
          ...(o.start ? { start: o.start } : {}),
          searchAttributes: o.searchAttributes,
          trust: o.trust,
        },
      ],
      staticSummary: `HWC journey ${record.claimantRef} · office ${o.office}`,
      staticDetails: `Health and Work Conversation journey for claimant ${record.claimantRef}, reported by office ${o.office}. Current stage and next deadline are in the current details; people's events arrive as \`event\` Updates.`,
      typedSearchAttributes:
        o.searchAttributes === false
          ? undefined
          : [
              { key: HwcStage, value: 'screening' },
              { key: HwcOffice, value: o.office },
              { key: HwcWorkCoach, value: workCoachFor(record) },
              { key: HwcOutcome, value: 'NONE' },
              { key: HwcEasementUsed, value: false },
            ],
    });
  } catch (e) {
    if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e;
    await o.putClaimant?.(record.claimantRef, record);
    return { status: 'already-exists', workflowId, claimantRef: record.claimantRef };
  }
  // JSAPS holds the record only once its journey exists: a start that fails leaves nothing behind.
  await o.putClaimant?.(record.claimantRef, record);
  return { status: 'started', workflowId, claimantRef: record.claimantRef };
}

export class EventRejectedError extends Error {}

/** Attaches a signed-in person's proof to an event for one journey (identity/signer.ts). */
export type EventSigner = (workflowId: string, event: EventRequest) => EventRequest | Promise<EventRequest>;

/**
 * A signer for a credential. `clock` is the signer's idea of now (default: this machine's clock; the
 * time-skipping test server's clock in tests); `role` picks one of the person's roles for every event.
 */
export function signerFor(
  credential: Credential,
  o: { clock?: () => number | Promise<number>; role?: Role } = {},
): EventSigner {
  return async (workflowId, event) =>
    signEvent(credential, workflowId, event, { nowMs: o.clock ? await o.clock() : Date.now(), role: o.role });
}

/** Sends a person's event as an Update; a rejection carries the validator's reason. */
export function sendEvent(
  client: Client,
  claimantRef: string,
  event: EventRequest,
  sign: EventSigner,
): Promise<EventResult> {
  return executeEvent(client.workflow.getHandle(workflowIdFor(claimantRef)), event, sign);
}

/** The `event` Update on a journey, signed once, sent again while the journey answers "busy". */
export async function executeEvent(
  handle: WorkflowHandle,
  event: EventRequest,
  sign: EventSigner,
  /** `onBusy`: told of each refusal sent again (the benchmark counts them). */
  o: { onBusy?: (attempt: number) => void } = {},
): Promise<EventResult> {
  // Dated here, once: the journey then never depends on its own clock for a person's event.
  if (event.at === undefined) event = { ...event, at: new Date().toISOString() };
  const signed = await sign(handle.workflowId, event);
  const nonce = String((signed.proof as { nonce?: unknown } | undefined)?.nonce ?? '');
  for (let attempt = 1; ; attempt++) {
    try {
      // The update id names the signed event: a send repeated after a lost answer gets the first answer.
      const updateId = nonce ? `event-${nonce}${attempt > 1 ? `-${attempt}` : ''}` : undefined;
      return await handle.executeUpdate(eventUpdate, { args: [signed], ...(updateId ? { updateId } : {}) });
    } catch (e) {
      if (!(e instanceof WorkflowUpdateFailedError)) throw e;
      const reason = e.cause?.message ?? e.message;
      // "busy" only means the journey was mid-step when the event arrived: send it again shortly.
      if (reason.startsWith(BUSY) && attempt < 50) {
        o.onBusy?.(attempt);
        await new Promise((r) => setTimeout(r, Math.min(50 * attempt, 500)));
        continue;
      }
      throw new EventRejectedError(reason);
    }
  }
}
