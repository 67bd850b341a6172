// Plain words for people: stage names, event titles and form labels. Only words: every rule stays in the core.
import type { JourneyEventType } from '../domain/schemas';

export const STAGE_WORDS: Record<string, string> = {
  screening: 'Screening',
  checkingOffice: 'Checking the office',
  awaitingReassignment: 'Waiting to be reassigned to the right office',
  checkingEligibility: 'Checking eligibility',
  awaitingTeamLeaderAdvice: 'Waiting for team leader advice',
  checkingWca: 'Checking the WCA date',
  awaitingDeferralDecision: 'Waiting for a deferral decision',
  deferred: 'Deferred',
  awaitingBookingCall: 'Booking call to make',
  bookingHwc: 'Booking the conversation',
  awaitingPreCallTime: 'Booked, pre-call not yet due',
  preCallCheck: 'Checking before the pre-call',
  awaitingPreCallResult: 'Pre-call due',
  awaitingHwc: 'Booked, conversation not yet due',
  awaitingAttendance: 'Conversation due: attendance to record',
  inConversation: 'In conversation: outcome to record',
  awaitingFtaCall: 'Failed to attend: call to make',
  contactWindow: 'Contact window open',
  awaitingSafeguardVisit: 'Safeguard visit to arrange',
  doubtWindow: 'Doubt window open',
  awaitingDmDecision: 'Referred to a decision maker',
  completed: 'Completed',
  exempt: 'Exempt',
  notRequired: 'Not required',
  sanctionReferred: 'Decision made',
};
export const stageWords = (stage: string) => STAGE_WORDS[stage] ?? stage;

export const EVENT_WORDS: Record<JourneyEventType, string> = {
  CASE_REASSIGNED: 'Case reassigned to this office',
  TEAM_LEADER_ADVICE: 'Team leader advice',
  DEFER: 'Defer the conversation',
  PROCEED: 'Proceed without deferral',
  BOOKING_CALL: 'Booking call',
  PRE_CALL: 'Pre-call',
  ATTENDED: 'Attended',
  FAILED_TO_ATTEND: 'Failed to attend',
  CONVERSATION_COMPLETED: 'Conversation completed',
  FAILED_TO_PARTICIPATE: 'Failed to participate',
  FTA_CALL: 'Call after failing to attend',
  CLAIMANT_CONTACT: 'Claimant made contact',
  SAFEGUARD_VISIT: 'Safeguard visit',
  DM_DECISION: 'Decision',
  CLAIM_CLOSED: 'Claim closed',
  EXEMPTION_IDENTIFIED: 'Exemption identified',
  WCA_SCHEDULED: 'WCA scheduled',
  WORK_COACH_CHANGED: 'Change work coach',
};
export const eventWords = (type: string) => EVENT_WORDS[type as JourneyEventType] ?? type;

const LABELS: Record<string, { label: string; hint?: string }> = {
  contacted: { label: 'Did you speak to the claimant?' },
  seen: { label: 'Did you see the claimant?' },
  slot: { label: 'Appointment time', hint: 'London time, for example 2026-02-02 10:00' },
  followUp: { label: 'Follow-up appointment', hint: 'London time, for example 2026-02-16 10:00' },
  requirements: {
    label: 'Requirements for the appointment',
    hint: 'One on each line, for example “Ground floor room”',
  },
  result: { label: 'Result of the pre-call' },
  exemptCategory: { label: 'Exemption found', hint: 'Only if the claimant is exempt' },
  category: { label: 'Category' },
  until: { label: 'Deferred until', hint: 'A date, for example 2026-03-01' },
  exempt: { label: 'Is the claimant exempt?' },
  goodCause: { label: 'Did the claimant show good cause?' },
  willRebook: { label: 'Will the claimant rebook?' },
  actions: { label: 'Actions agreed', hint: 'At least one: what, where and when' },
  what: { label: 'What' },
  where: { label: 'Where' },
  when: { label: 'When' },
  myValues: { label: 'My values exercise' },
  goal: { label: 'Goal (optional)' },
  want: { label: 'What the claimant wants' },
  outcome: { label: 'Outcome' },
  obstacle: { label: 'Obstacle' },
  plan: { label: 'Plan' },
  reason: { label: 'Why the claimant did not participate' },
  sanction: { label: 'Refer for a sanction?' },
  date: { label: 'WCA date', hint: 'A date, for example 2026-03-01' },
  workCoach: { label: 'New work coach', hint: 'Their staff id, for example WC-02' },
  notes: { label: 'Notes (optional)', hint: 'Do not write health details here' },
};

export function fieldWords(name: string): { label: string; hint?: string } {
  return LABELS[name] ?? { label: name.replace(/([A-Z])/g, ' $1').replace(/^./, (c) => c.toUpperCase()) };
}

/** Words for enum values: `take_home` → “Take home”, `TERMINAL_ILLNESS` → “Terminal illness”. */
export const valueWords = (v: string) =>
  v
    .replace(/_/g, ' ')
    .toLowerCase()
    .replace(/^./, (c) => c.toUpperCase());
