// Issue 12: the decision trail is exact. For every golden history (test/histories, including journeys whose
// first Update arrived with the start and Updates that raced a timer), the trail `hwc audit` rebuilds by
// replaying equals the journey's own `transitions`: one entry per input, in the order the journey applied it,
// each effect once. (The demo caseload is checked on a live dev server in test/e2e/red-team.test.ts, the chaos
// run in test/e2e/crash-recovery.test.ts.)
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadHistoryFile, replayHistory } from '../../cli/commands/audit';
import { expectTrailMatches, resultOf } from '../helpers/trail';

const DIR = fileURLToPath(new URL('../histories', import.meta.url));
const GOLDENS = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();

describe('the decision trail of every golden history equals the journey’s transitions', () => {
  it('includes an Update that arrived with the start and one that raced a timer', () => {
    expect(GOLDENS).toEqual(expect.arrayContaining(['90-update-with-start.json', '91-update-races-timer.json']));
  });

  for (const file of GOLDENS) {
    it(basename(file, '.json'), async () => {
      const history = loadHistoryFile(join(DIR, file));
      const trace = resultOf(history);
      expect(trace, 'a golden history ends with the journey’s trace').not.toBeNull();
      const report = await replayHistory(history, { source: file });
      expect(report.matched).toBe(true);
      expectTrailMatches(report.trail, trace!, file);
    });
  }
});
