// The machine as a Mermaid state diagram, generated from the definition itself so it cannot drift.
import type { AnyStateNode } from 'xstate';
import { journeyMachine } from './journey';

const nameOf = (n: AnyStateNode) => n.key;

function guardName(t: { guard?: unknown }): string {
  const g = t.guard as { type?: string } | string | undefined;
  if (!g) return '';
  return ` [${typeof g === 'string' ? g : (g.type ?? 'guard')}]`;
}

export function toMermaid(): string {
  const lines = ['stateDiagram-v2'];
  const edges: string[] = [];
  const walk = (node: AnyStateNode, indent: string) => {
    const children = Object.values(node.states) as AnyStateNode[];
    if (node.initial?.target?.length) lines.push(`${indent}[*] --> ${nameOf(node.initial.target[0])}`);
    for (const child of children) {
      if (Object.keys(child.states).length) {
        lines.push(`${indent}state ${nameOf(child)} {`);
        walk(child, indent + '  ');
        lines.push(`${indent}}`);
      } else if (child.type === 'final') {
        lines.push(`${indent}${nameOf(child)} --> [*]`);
      } else {
        lines.push(`${indent}${nameOf(child)}`);
      }
      for (const [event, defs] of child.transitions) {
        for (const t of defs) {
          if (!t.target?.length) continue;
          edges.push(`  ${nameOf(child)} --> ${nameOf(t.target[0])}: ${event}${guardName(t)}`);
        }
      }
      for (const t of child.always ?? []) {
        if (!t.target?.length) continue;
        edges.push(`  ${nameOf(child)} --> ${nameOf(t.target[0])}: always${guardName(t)}`);
      }
    }
  };
  walk(journeyMachine.root, '  ');
  return [...lines, ...edges].join('\n') + '\n';
}
