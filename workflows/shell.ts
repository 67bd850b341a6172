// The state the journey's Temporal shell owns, and the small vocabulary its handlers delegate to: people's
// events in (verified, validated, applied), the decision trail out (audit sink), and what is published to the
// Web UI (search attributes, current details). The workflow function in journey.ts only wires handlers to this
// object and runs the loop, so the rules of trust and the rules of the journey each live in one place.
import * as wf from '@temporalio/workflow';
import { recordedPolicy } from '../domain/policy';
import { ClaimantRecord, ROLES_FOR_EVENT, type JourneyEventType } from '../domain/schemas';
import {
  CLOCK_SKEW_MS,
  senderOfProof,
  verifyEventProof,
  verifyTrustChange,
  type TrustedKey,
  type VerifiedSender,
} from '../identity/proof';
import { UNENCRYPTED_REFUSAL, isUnencryptedMarker } from '../domain/unencrypted';
import { describeEffect } from '../machines/context';
import { TIMER_WORDS, waitingFor } from '../machines/describe';
import {
  isEnded,
  isPersonEvent,
  nextTimer,
  resumeJourney,
  stageOf,
  startJourney,
  step,
  validateEvent,
  type AppliedInput,
  type JourneyState,
  type MachineEvent,
  type PersonEvent,
} from '../machines/step';
import type { AuditSinks, DecisionEntry, EventRequest, JourneyWorkflowInput, ResumedJourney } from './messages';
import { HwcEasementUsed, HwcNextDeadline, HwcOffice, HwcOutcome, HwcStage, HwcWorkCoach } from './search-attributes';

const { audit } = wf.proxySinks<AuditSinks>();

/** How far ahead of the workflow clock a client may date an event (clock skew between machines). */
const FUTURE_TOLERANCE_MS = 5 * 60_000;
/** History length after which a journey continues as new (well below Temporal's 51,200-event limit). */
export const DEFAULT_MAX_HISTORY_EVENTS = 10_000;

/**
 * A refusal as every client sees it: the reason only. No stack trace and no file path of the worker reach the
 * caller (the Web UI's Update dialog shows whatever the failure carries).
 */
export function refusal(message: string): wf.ApplicationFailure {
  const failure = wf.ApplicationFailure.create({ message, type: 'InvalidEvent', nonRetryable: true });
  failure.stack = '';
  return failure;
}

export type Checked = { ok: true; sender: VerifiedSender | null } | { ok: false; error: string };

export class JourneyShell {
  state: JourneyState;
  /** Bumped by every input applied: the loop wakes when it moves. */
  version = 0;
  /** Effects whose activity has completed (effects are numbered from 1). */
  performed: number;
  trust: TrustedKey[];
  /** Nonces of accepted proofs, with when each proof expires: a proof is good once. */
  private readonly nonces: Map<string, number>;
  private readonly run: number;
  private publishedStage = '';
  private publishedDeadline: string | null | undefined;
  private publishedCoach = '';
  readonly record: ClaimantRecord;

  constructor(
    readonly input: JourneyWorkflowInput,
    readonly workflowId: string,
    recordSchema: { safeParse(x: unknown): { success: boolean; data?: ClaimantRecord } } = ClaimantRecord,
  ) {
    const parsed = recordSchema.safeParse(input.record);
    if (!parsed.success)
      throw wf.ApplicationFailure.nonRetryable('input.record is not a valid ClaimantRecord', 'BadData');
    this.record = parsed.data!;
    this.trust = [...(input.trust ?? [])];
    const r = input.resume;
    this.run = r?.run ?? 0;
    this.performed = r?.performed ?? 0;
    this.nonces = new Map(r?.nonces ?? []);
    const log: AppliedInput[] = [];
    if (r) {
      this.state = resumeJourney(r);
      const stage = stageOf(this.state.snapshot);
      log.push({ at: r.context.now, input: 'CONTINUED', by: null, from: stage, to: stage, rules: [], effects: [] });
    } else {
      const policy = recordedPolicy(input.policy);
      if (policy === null) throw wf.ApplicationFailure.nonRetryable('input.policy is not a valid Policy', 'BadData');
      this.state = startJourney(
        {
          office: input.office,
          record: this.record,
          start: input.start ?? this.businessNow(),
          holidays: input.holidays,
          policy,
        },
        log,
      );
    }
    // Before any handler runs: an Update that arrived with the start is applied after START in the trail.
    this.report(log);
  }

  businessNow(): string {
    return new Date(Date.now() + (this.input.clockOffsetMs ?? 0)).toISOString();
  }

  // ——— people's events ————————————————————————————————————————————————————————————————————————————

  /** The logical time of a person's event: its `at` (not in the future), never before the journey's clock. */
  private eventTime(req: EventRequest): { at: string } | { error: string } {
    const now = this.businessNow();
    const given =
      typeof req.at === 'string' && !Number.isNaN(Date.parse(req.at)) ? new Date(req.at).toISOString() : null;
    if (given && Date.parse(given) > Date.parse(now) + FUTURE_TOLERANCE_MS)
      return { error: `${req.type}.at: ${given} is in the future (now ${now})` };
    const clock = this.state.snapshot.context.now;
    const at = given ?? now;
    return { at: at < clock ? clock : at };
  }

  private withSender(req: EventRequest, sender: VerifiedSender | null): Record<string, unknown> {
    const { proof: _proof, ...event } = req;
    return sender ? { ...event, by: { staffId: sender.staffId, role: sender.role } } : event;
  }

  private nonceUsed = (nonce: string) => this.nonces.has(nonce);

  /**
   * The Update validator: who sent it (the proof, before anything about the journey is revealed), then the
   * event itself (B2). Runs live only; a refusal leaves nothing in history.
   */
  check(req: EventRequest): Checked {
    if (isUnencryptedMarker(req)) return { ok: false, error: UNENCRYPTED_REFUSAL };
    if (!req || typeof req !== 'object' || Array.isArray(req))
      return { ok: false, error: 'event: must be a JSON object with a "type" and a "proof"' };
    const type = req.type;
    if (typeof type !== 'string' || !isPersonEvent(type))
      return {
        ok: false,
        error: `type: not a known event type; known types: ${Object.keys(ROLES_FOR_EVENT).join(', ')}`,
      };
    const proven = verifyEventProof({
      event: req,
      workflowId: this.workflowId,
      office: this.input.office,
      trust: this.trust,
      nowMs: Date.now(),
      rolesForEvent: ROLES_FOR_EVENT[type],
      nonceUsed: this.nonceUsed,
    });
    if (!proven.ok) return proven;
    const time = this.eventTime(req);
    if ('error' in time) return { ok: false, error: time.error };
    const v = validateEvent(this.state, this.withSender(req, proven.sender), time.at);
    return v.ok ? { ok: true, sender: proven.sender } : { ok: false, error: v.error };
  }

  /**
   * The Update handler: runs for events the validator accepted (live) and for every accepted event in history
   * (replay), where it also re-verifies the proof for the decision trail. Events recorded before proofs existed
   * carry their `by` as sent.
   */
  accept(req: EventRequest) {
    const type = req.type as JourneyEventType;
    const roles = ROLES_FOR_EVENT[type] ?? [];
    const sender = req.proof !== undefined ? senderOfProof(req, roles, this.input.office) : null;
    let proof: DecisionEntry['proof'];
    if (wf.workflowInfo().unsafe.isReplaying) {
      if (req.proof === undefined) proof = 'unsigned';
      else {
        const again = verifyEventProof({
          event: req,
          workflowId: this.workflowId,
          office: this.input.office,
          trust: this.trust,
          nowMs: Date.now(),
          rolesForEvent: roles,
          nonceUsed: this.nonceUsed,
        });
        proof = again.ok ? 'verified' : { failed: again.error };
      }
    }
    const time = this.eventTime(req);
    if ('error' in time) throw refusal(time.error);
    const v = validateEvent(this.state, this.withSender(req, sender), time.at);
    if (!v.ok) throw refusal(v.error);
    if (sender) this.remember(sender.nonce, sender.expiresAtMs);
    this.advance(v.event, { sender, proof });
  }

  private remember(nonce: string, expiresAtMs: number) {
    const now = Date.now();
    for (const [n, exp] of this.nonces) if (exp + CLOCK_SKEW_MS < now) this.nonces.delete(n);
    this.nonces.set(nonce, expiresAtMs);
  }

  checkTrustChange(change: unknown): ReturnType<typeof verifyTrustChange> {
    if (isUnencryptedMarker(change)) return { ok: false, error: UNENCRYPTED_REFUSAL };
    return verifyTrustChange({
      change,
      workflowId: this.workflowId,
      trust: this.trust,
      nowMs: Date.now(),
      nonceUsed: this.nonceUsed,
    });
  }

  acceptTrustChange(change: unknown) {
    const v = this.checkTrustChange(change);
    // Replaying a change the validator accepted gives the same answer (same clock, same keys, same nonces).
    if (!v.ok) throw refusal(v.error);
    this.trust = v.trust;
    this.remember(v.change.nonce, Date.parse(v.change.exp));
    return { trusted: this.trust.map((k) => k.kid) };
  }

  // ——— applying inputs ————————————————————————————————————————————————————————————————————————————

  /** Apply one input, tell the decision trail what was decided (one entry per input applied), publish. */
  advance(input: MachineEvent, who: { sender?: VerifiedSender | null; proof?: DecisionEntry['proof'] } = {}) {
    const log: AppliedInput[] = [];
    this.state = step(this.state, input, log);
    this.version++;
    this.report(log, input as PersonEvent, who);
    this.publish();
  }

  private report(
    log: AppliedInput[],
    person?: PersonEvent,
    who: { sender?: VerifiedSender | null; proof?: DecisionEntry['proof'] } = {},
  ) {
    for (const [i, e] of log.entries()) {
      const first = i === 0 && person && isPersonEvent(person.type);
      const s = first ? who.sender : null;
      audit.decision({
        at: e.at,
        input: e.input,
        by: s
          ? { staffId: s.staffId, role: s.role, office: s.office, kid: s.kid }
          : e.by
            ? { staffId: e.by.staffId, role: e.by.role }
            : null,
        ...(first && who.proof !== undefined ? { proof: who.proof } : {}),
        from: e.from,
        to: e.to,
        rules: e.rules.map((r) => r.rule),
        effects: e.effects.map((f) => ({ seq: f.seq, at: f.at, kind: f.kind, description: describeEffect(f) })),
      });
    }
  }

  // ——— what the Web UI shows ————————————————————————————————————————————————————————————————————————

  publish() {
    const c = this.state.snapshot.context;
    const stage = stageOf(this.state.snapshot);
    const next = nextTimer(this.state, true);
    const changed = stage !== this.publishedStage || next?.at !== this.publishedDeadline;
    // The coach only changes by WORK_COACH_CHANGED; journeys recorded before it never take this branch.
    const coachChanged = this.publishedCoach !== '' && c.workCoach !== this.publishedCoach;
    if (this.input.searchAttributes !== false && (changed || coachChanged)) {
      wf.upsertSearchAttributes([
        { key: HwcStage, value: stage },
        { key: HwcOffice, value: this.input.office },
        { key: HwcWorkCoach, value: c.workCoach },
        { key: HwcOutcome, value: c.outcome ?? 'NONE' },
        { key: HwcNextDeadline, value: next ? new Date(next.at) : null },
        { key: HwcEasementUsed, value: c.easementUsed },
      ]);
    }
    this.publishedStage = stage;
    this.publishedDeadline = next?.at ?? null;
    this.publishedCoach = c.workCoach;
    wf.setCurrentDetails(this.details());
  }

  private details(): string {
    const c = this.state.snapshot.context;
    const stage = stageOf(this.state.snapshot);
    const next = nextTimer(this.state, true);
    const open = c.doubts.find((d) => d.withdrawnAt === null);
    return [
      `**Stage:** ${stage}`,
      `**Waiting for:** ${waitingFor(stage)}`,
      `**Next deadline:** ${next ? `${next.at} (${TIMER_WORDS[next.type]})` : 'none'}`,
      `**Outcome:** ${c.outcome ? `${c.outcome}${c.reason ? ` (${c.reason})` : ''}` : 'none yet'}`,
      `**Easement used:** ${c.easementUsed ? 'yes' : 'no'}`,
      `**Open doubt:** ${open ? `raised ${open.raisedAt}` : 'none'}`,
      `**Work coach:** ${c.workCoach} · **Office:** ${this.input.office}`,
    ].join('\n\n');
  }

  // ——— continue-as-new ————————————————————————————————————————————————————————————————————————————

  /** A long history (a flood of Signals, years of escalations) is carried into a fresh run. */
  historyIsLong(): boolean {
    const info = wf.workflowInfo();
    return (
      info.continueAsNewSuggested || info.historyLength >= (this.input.maxHistoryEvents ?? DEFAULT_MAX_HISTORY_EVENTS)
    );
  }

  nextRunInput(): JourneyWorkflowInput {
    const { value, context } = this.state.snapshot;
    const resume: ResumedJourney = {
      value,
      context,
      transitions: this.state.transitions,
      performed: this.performed,
      nonces: [...this.nonces],
      run: this.run + 1,
    };
    return { ...this.input, trust: this.trust, resume };
  }

  get ended() {
    return isEnded(this.state);
  }
}
