// The workflows the worker registers.
export { hwcJourney } from './journey';
export { weeklyReport } from './weekly-report';
