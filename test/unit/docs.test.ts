// The README and docs/ stand alone: every relative Markdown link resolves inside the repository (to a file
// that exists, and to a heading that exists when it names one), nothing points outside it (`../`), and the
// event examples of docs/events.md are events the journey accepts the shape of.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, JourneyEvent } from '../../domain/schemas';
import { PROJECT_ROOT } from '../../worker/config';

const DOCS = join(PROJECT_ROOT, 'docs');
const files = [
  'README.md',
  ...readdirSync(DOCS)
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** The text outside fenced code blocks and inline code, where Markdown links live. */
const prose = (md: string) => md.replace(/^(```|~~~)[\s\S]*?^\1/gm, '').replace(/`[^`\n]*`/g, '');

/** Inline links and images `[t](target "title")`, reference definitions `[t]: target`, autolinks `<…>`. */
function links(md: string): string[] {
  const text = prose(md);
  const out: string[] = [];
  for (const m of text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) out.push(m[1]);
  for (const m of text.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)) out.push(m[1]);
  for (const m of text.matchAll(/<((?:https?|mailto|file):[^>\s]+)>/g)) out.push(m[1]);
  return out;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchors(md: string): Set<string> {
  const out = new Set<string>();
  for (const m of md.replace(/^(```|~~~)[\s\S]*?^\1/gm, '').matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const slug = m[1]
      .replace(/`/g, '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    let unique = slug;
    for (let i = 1; out.has(unique); i++) unique = `${slug}-${i}`;
    out.add(unique);
  }
  return out;
}

describe('README.md and docs/*.md stand alone', () => {
  it('there are docs to check', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'README.md',
        'docs/journey-rules.md',
        'docs/scenarios.md',
        'docs/events.md',
        'docs/web-ui.md',
        'docs/production.md',
        'docs/deploys.md',
      ]),
    );
  });

  it.each(files)('%s: every relative link resolves to a file inside the repository', (file) => {
    const md = readFileSync(join(PROJECT_ROOT, file), 'utf8');
    const found = links(md);
    expect(found.length, 'links found').toBeGreaterThan(0);
    const problems: string[] = [];
    for (const target of found) {
      if (/^(https?|mailto):/i.test(target)) continue; // a web address anyone can open
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) {
        problems.push(`${target}: not a relative link`);
        continue;
      }
      const [path, anchor] = target.split('#') as [string, string | undefined];
      if (path.startsWith('/')) problems.push(`${target}: an absolute path`);
      const abs = path === '' ? join(PROJECT_ROOT, file) : resolve(dirname(join(PROJECT_ROOT, file)), decodeURI(path));
      const inside = relative(PROJECT_ROOT, abs);
      if (target.includes('../') || inside.startsWith('..')) {
        problems.push(`${target}: points outside the repository`);
        continue;
      }
      if (!existsSync(abs)) {
        problems.push(`${target}: no such file`);
        continue;
      }
      if (anchor && statSync(abs).isFile() && abs.endsWith('.md') && !anchors(readFileSync(abs, 'utf8')).has(anchor))
        problems.push(`${target}: no heading #${anchor} in ${inside}`);
    }
    expect(problems).toEqual([]);
  });

  it.each(files)('%s: names nothing outside the repository', (file) => {
    const md = readFileSync(join(PROJECT_ROOT, file), 'utf8');
    expect(md).not.toMatch(/\.\.\/shared|\.\.\/seeds|\/work\//);
  });

  it('the link checker itself: finds links, refuses ../, checks anchors', () => {
    const md =
      '# A title\n\n[a](docs/x.md) ![i](img.png "t") `[not](a.md)`\n\n[ref]: ../outside.md\n<https://x.example>\n';
    expect(links(md)).toEqual(['docs/x.md', 'img.png', '../outside.md', 'https://x.example']);
    expect([...anchors('# What hwc refuses as input\n## `expect`: checking a trace\n## A\n## A\n')]).toEqual([
      'what-hwc-refuses-as-input',
      'expect-checking-a-trace',
      'a',
      'a-1',
    ]);
  });
});

describe('docs/events.md: one valid example of every event', () => {
  const md = readFileSync(join(DOCS, 'events.md'), 'utf8');
  const day = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

  /** The JSON examples: fenced ```json blocks, and the `printf` lines that fill in today's dates. */
  const examples: unknown[] = [];
  for (const m of md.matchAll(/^```json\n([\s\S]*?)^```/gm)) examples.push(JSON.parse(m[1]));
  for (const m of md.matchAll(/^printf '(.*)\\n' "\$\(date (-u )?-d '\+(\d+) (days|weeks)' \+%F(T10:00:00Z)?\)"$/gm)) {
    const days = Number(m[3]) * (m[4] === 'weeks' ? 7 : 1);
    examples.push(JSON.parse(m[1].replace('%s', m[5] ? `${day(days)}T10:00:00Z` : day(days))));
  }

  it('every event type has its section and at least one example', () => {
    const types = examples.map((e) => (e as { type: string }).type);
    for (const t of EVENT_TYPES) {
      expect(md, t).toContain(`### ${t}\n`);
      expect(types, t).toContain(t);
      expect(md, t).toMatch(new RegExp(`^hwc event C-1001 ${t}( |$)`, 'm'));
    }
  });

  it.each(examples.map((e) => [(e as { type: string }).type, e] as const))('%s example is a valid event', (_t, e) => {
    const parsed = JourneyEvent.safeParse(e);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
  });
});
