// Scenario files of the suite (the project's own copies: the suite never reads ../shared).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Scenario } from '../../domain/schemas';

export const SCENARIO_DIR = fileURLToPath(new URL('../scenarios', import.meta.url));

export function scenarioFiles(dirs = ['shared', 'own']): string[] {
  return dirs.flatMap((d) => {
    try {
      return readdirSync(join(SCENARIO_DIR, d))
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((f) => join(SCENARIO_DIR, d, f));
    } catch {
      return [];
    }
  });
}

export function loadScenarioFile(path: string): Scenario {
  return Scenario.parse(JSON.parse(readFileSync(path, 'utf8')));
}
