// The journey workflow's messages, defined once and shared by the workflow, the worker, the CLI and tests.
import { defineQuery, defineSignal, defineUpdate, type Sinks } from '@temporalio/workflow';
import type { JourneyEventType, Trace } from '../domain/schemas';
import type { RuleFired, RecordedEffect } from '../machines/context';
import type { TrustedKey } from '../identity/proof';
import type { JourneySnapshot, TransitionRecord } from '../machines/step';

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
  /** Issuer keys whose session certificates this journey accepts (identity/); rotated by the `trust` Update.
   *  A journey started without any refuses every person's event. */
  trust?: TrustedKey[];
  /** Continue-as-new after this many history events (default 10,000): a flood of Signals cannot kill it. */
  maxHistoryEvents?: number;
  /** Set by the journey itself when it continues as new: where the previous run stopped. */
  resume?: ResumedJourney;
}

/** Everything a journey carries into its next run (continue-as-new). */
export interface ResumedJourney {
  value: JourneySnapshot['value'];
  context: JourneySnapshot['context'];
  transitions: TransitionRecord[];
  /** Effects already performed (their activities completed). */
  performed: number;
  /** Nonces of proofs already used, with when each proof expires (ms): replays stay refused across runs. */
  nonces: [string, number][];
  /** How many runs came before this one. */
  run: number;
}

/** A person's event as sent by a client: validated by the Update's validator, never trusted. It carries a
 *  `proof` (identity/proof.ts) made by the part of hwc that signed the person in. */
export type EventRequest = Record<string, unknown> & { type: string };

export interface EventResult {
  stage: string;
  status: 'running' | 'ended';
  outcome: string | null;
}

export interface JourneyView {
  /** Business time according to the workflow's clock. */
  now: string;
  /** The workflow's own time (ms, without the simulator's offset): what proofs' freshness is checked against. */
  workflowTimeMs: number;
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
/** Journeys recorded before event proofs also took events as this Signal; new journeys ignore it. */
export const eventSignal = defineSignal<[EventRequest]>('eventSignal');
/** A signed change of the keys the journey trusts (identity/proof.ts `TrustChange`). */
export const trustUpdate = defineUpdate<{ trusted: string[] }, [unknown]>('trust');
export const journeyQuery = defineQuery<Trace>('journey');
export const viewQuery = defineQuery<JourneyView>('view');
export const decisionsQuery = defineQuery<DecisionLog>('decisions');

/** One entry of the decision trail: an input, who sent it, the stage before and after, the rules that
 *  decided and the effects decided. Emitted through the `audit` sink, also while replaying (`hwc audit`). */
export interface DecisionEntry {
  at: string;
  input: string;
  by: { staffId: string; role: string; office?: string; kid?: string } | null;
  /** For a person's event: its proof, verified again while replaying (`hwc audit`); live runs leave it out. */
  proof?: 'verified' | 'unsigned' | { failed: string };
  from: string;
  to: string;
  rules: string[];
  effects: { seq: number; at: string; kind: string; description: string }[];
}

export interface AuditSinks extends Sinks {
  audit: { decision(entry: DecisionEntry): void };
}
