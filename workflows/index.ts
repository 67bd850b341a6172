// The workflows the worker registers.
export { hwcJourney } from './journey';
