// `hwc diagram`: the machine as a Mermaid state diagram, generated from the machine definition.
import type { Command } from 'commander';
import { toMermaid } from '../../machines/diagram';

export function register(program: Command) {
  program
    .command('diagram')
    .description('print the journey machine as a Mermaid state diagram')
    .action(() => {
      process.stdout.write(toMermaid());
    });
}
