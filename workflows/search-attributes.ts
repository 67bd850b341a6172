// Typed search attributes for case inspection in the Web UI and `hwc cases`. Never personal data:
// stage, office, work coach id, outcome, next deadline, easement flag.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const HwcStage = defineSearchAttributeKey('HwcStage', SearchAttributeType.KEYWORD);
export const HwcOffice = defineSearchAttributeKey('HwcOffice', SearchAttributeType.KEYWORD);
export const HwcWorkCoach = defineSearchAttributeKey('HwcWorkCoach', SearchAttributeType.KEYWORD);
export const HwcOutcome = defineSearchAttributeKey('HwcOutcome', SearchAttributeType.KEYWORD);
export const HwcNextDeadline = defineSearchAttributeKey('HwcNextDeadline', SearchAttributeType.DATETIME);
export const HwcEasementUsed = defineSearchAttributeKey('HwcEasementUsed', SearchAttributeType.BOOL);

export const HWC_SEARCH_ATTRIBUTES = [HwcStage, HwcOffice, HwcWorkCoach, HwcOutcome, HwcNextDeadline, HwcEasementUsed];
