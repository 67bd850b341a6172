// The journey workflow's messages, defined once and shared by the workflow, the worker, the CLI and tests.
import { defineQuery, defineSignal, defineUpdate, type Sinks } from '@temporalio/workflow';
import type { JourneyEventType, Trace } from '../domain/schemas';
import type { RuleFired, RecordedEffect } from '../machines/context';
import type { TransitionRecord } from '../machines/step';

export const TASK_QUEUE = 'hwc';
/** The start of an Update rejection that only asks the client to send the event again. */
export const BUSY = 'busy:';
export const workflowIdFor = (claimantRef: string) => `hwc-${claimantRef}`;

export interface JourneyWorkflowInput {
  office: string;
  /** The ClaimantRecord as read at the weekly report (validated by the starter). */
  record: unknown;
  /** England and Wales bank holidays for the journey's years, fixed at start (domain/bank-holidays.ts). */
  holidays: string[];
  /** Business time of the start; defaults to the workflow's start time plus the offset. */
  start?: string;
  /** Milliseconds added to workflow time to get business time: 0 in production, set by the simulator. */
  clockOffsetMs?: number;
  /** The rule parameters (domain/policy.ts) the journey keeps for life; absent in journeys started before
   *  policies were recorded, which run under version 1. */
  policy?: unknown;
  /** Upsert the Hwc* search attributes (off where the server has none registered). */
  searchAttributes?: boolean;
}

/** A person's event as sent by a client: validated by the Update's validator, never trusted. */
export type EventRequest = Record<string, unknown> & { type: string };

export interface EventResult {
  stage: string;
  status: 'running' | 'ended';
  outcome: string | null;
}

export interface JourneyView {
  /** Business time according to the workflow's clock. */
  now: string;
  /** Logical time of the last input the journey handled. */
  clock: string;
  stage: string;
  ended: boolean;
  accepted: JourneyEventType[];
  nextTimer: { type: string; at: string } | null;
  nextDeadline: { type: string; at: string } | null;
  /** Effects decided but not yet confirmed performed by their activity. */
  pendingEffects: number;
  waitingFor: string;
}

export interface DecisionLog {
  transitions: TransitionRecord[];
  rules: RuleFired[];
  effects: RecordedEffect[];
}

export const eventUpdate = defineUpdate<EventResult, [EventRequest]>('event');
export const eventSignal = defineSignal<[EventRequest]>('eventSignal');
export const journeyQuery = defineQuery<Trace>('journey');
export const viewQuery = defineQuery<JourneyView>('view');
export const decisionsQuery = defineQuery<DecisionLog>('decisions');

/** One entry of the decision trail: an input, who sent it, the stage before and after, the rules that
 *  decided and the effects decided. Emitted through the `audit` sink, also while replaying (`hwc audit`). */
export interface DecisionEntry {
  at: string;
  input: string;
  by: { staffId: string; role: string } | null;
  from: string;
  to: string;
  rules: string[];
  effects: { seq: number; at: string; kind: string; description: string }[];
}

export interface AuditSinks extends Sinks {
  audit: { decision(entry: DecisionEntry): void };
}
