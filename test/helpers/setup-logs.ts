// Vitest setup file: the Temporal SDK's logs (Runtime, Worker INFO lines, native core warnings) go through
// `console`, so the run shows them only for a test that fails (`silent: 'passed-only'` in vitest.config.ts).
import { afterEach } from 'vitest';
import { flushRuntimeLogs, installTestLogger } from '../../worker/runtime';

installTestLogger();
// The SDK buffers log lines for ~100 ms to merge them in time order: flushed before a test ends, they
// are counted as that test's (shown if it failed) rather than the next one's.
afterEach(() => flushRuntimeLogs());
