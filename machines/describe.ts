// Words for people: what a journey in each stage is waiting for (CLI listings, Web UI details).
import type { TimerEvent } from './context';

export const WAITING_FOR: Record<string, string> = {
  awaitingReassignment: 'the owning office to reassign the case (CASE_REASSIGNED)',
  awaitingTeamLeaderAdvice: 'team leader advice on an unclear exemption (TEAM_LEADER_ADVICE)',
  awaitingDeferralDecision: 'the work coach to defer or proceed (DEFER / PROCEED)',
  deferred: 'the deferral review date',
  awaitingBookingCall: 'the booking call result (BOOKING_CALL), else booking without contact',
  awaitingPreCallTime: 'the pre-call time',
  awaitingPreCallResult: 'the pre-call result (PRE_CALL), else the HWC time',
  awaitingHwc: 'the HWC appointment time',
  awaitingAttendance: 'attendance to be recorded (ATTENDED / FAILED_TO_ATTEND)',
  inConversation: 'the conversation result (CONVERSATION_COMPLETED / FAILED_TO_PARTICIPATE)',
  awaitingFtaCall: 'the FTA phone-call result (FTA_CALL)',
  contactWindow: 'the claimant to make contact (CLAIMANT_CONTACT) before the contact window closes',
  awaitingSafeguardVisit: 'the safeguard visit result (SAFEGUARD_VISIT)',
  doubtWindow: 'the claimant to make contact (CLAIMANT_CONTACT) before the doubt window closes',
  awaitingDmDecision: 'the LM decision maker (DM_DECISION)',
  completed: 'nothing: HWC completed',
  exempt: 'nothing: exempt',
  notRequired: 'nothing: HWC not required',
  sanctionReferred: 'nothing: decision maker has decided',
};

export const waitingFor = (stage: string) => WAITING_FOR[stage] ?? stage;

export const TIMER_WORDS: Record<TimerEvent, string> = {
  REVIEW_DUE: 'deferral review',
  BOOKING_CALL_TIMEOUT: 'book without contact',
  PRE_CALL_DUE: 'pre-call time',
  REMINDER_DUE: 'reminder',
  HWC_DUE: 'HWC time',
  CONTACT_WINDOW_CLOSED: 'contact window closes',
  DOUBT_WINDOW_CLOSED: 'doubt window closes',
  ESCALATION_DUE: 'escalation to team leader',
};
