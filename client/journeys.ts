// Starting journeys and sending people's events, shared by the CLI, the report schedule and tests.
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowUpdateFailedError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import { holidaysForJourney } from '../domain/bank-holidays';
import { ClaimantRecord, describeZodError, type ClaimantRecordInput } from '../domain/schemas';
import { HwcOffice, HwcStage, HwcWorkCoach, HwcOutcome, HwcEasementUsed } from '../workflows/search-attributes';
import { BUSY, eventUpdate, workflowIdFor, type EventRequest, type EventResult } from '../workflows/messages';
import { hwcJourney } from '../workflows/journey';
import { workCoachFor } from '../domain/rules';

export class InvalidInputError extends Error {}

export interface StartOptions {
  client: Client;
  taskQueue: string;
  office: string;
  record: ClaimantRecordInput | unknown;
  /** Where the JSAPS stub keeps the record for later checks (pre-call, deferral review). */
  putClaimant?: (ref: string, record: ClaimantRecord) => void;
  searchAttributes?: boolean;
}

export type StartResult = { status: 'started' | 'already-exists'; workflowId: string; claimantRef: string };

export async function startJourney(o: StartOptions): Promise<StartResult> {
  const parsed = ClaimantRecord.safeParse(o.record);
  if (!parsed.success) throw new InvalidInputError(describeZodError(parsed.error));
  const record = parsed.data;
  const workflowId = workflowIdFor(record.claimantRef);
  o.putClaimant?.(record.claimantRef, record);
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
          holidays: holidaysForJourney(new Date().toISOString()),
          searchAttributes: o.searchAttributes,
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
    return { status: 'started', workflowId, claimantRef: record.claimantRef };
  } catch (e) {
    if (e instanceof WorkflowExecutionAlreadyStartedError)
      return { status: 'already-exists', workflowId, claimantRef: record.claimantRef };
    throw e;
  }
}

export class EventRejectedError extends Error {}

/** Sends a person's event as an Update; a rejection carries the validator's reason. */
export function sendEvent(client: Client, claimantRef: string, event: EventRequest): Promise<EventResult> {
  return executeEvent(client.workflow.getHandle(workflowIdFor(claimantRef)), event);
}

/** The `event` Update on a journey, sent again while the journey answers "busy". */
export async function executeEvent(
  handle: WorkflowHandle,
  event: EventRequest,
  /** `onBusy`: told of each refusal sent again (the benchmark counts them). */
  o: { onBusy?: (attempt: number) => void } = {},
): Promise<EventResult> {
  // Dated here, once: the journey then never depends on its own clock for a person's event.
  if (event.at === undefined) event = { ...event, at: new Date().toISOString() };
  for (let attempt = 1; ; attempt++) {
    try {
      return await handle.executeUpdate(eventUpdate, { args: [event] });
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
