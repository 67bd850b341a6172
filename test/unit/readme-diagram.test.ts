// The diagram embedded in README.md is the machine's: a stale copy fails here.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { README, embeddedDiagram } from '../../cli/commands/diagram';
import { toMermaid } from '../../machines/diagram';

it('README embeds the current machine diagram (npx hwc diagram --update-readme)', () => {
  const embedded = embeddedDiagram(readFileSync(README, 'utf8'));

  expect(embedded?.trim()).toBe(toMermaid().trim());
});
