// The bench-only workflows, bundled for the bench worker's own task queue (never registered by `hwc`).
export { handWrittenJourney } from './hand-written';
export { floorJourney } from './floor';
