// `hwc simulate`: run a scenario file (B4) and print its trace (B5); `--temporal` runs it as a real
// workflow on the time-skipping test server and must print the identical trace. `--policy what-if.json`
// runs it under changed rule parameters (domain/policy.ts). `--caseload` runs a whole caseload (a folder of
// scenario files, or a weekly report whose people act as a behaviour model draws) through the pure engine
// and prints the management-information figures of the result; `--compare` puts a what-if beside it.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { validateReport } from '../../client/report';
import {
  CURRENT_POLICY,
  applyOverride,
  parsePolicyOverride,
  policyDifferences,
  type Policy,
} from '../../domain/policy';
import { Instant, Scenario, describeZodError, type Trace } from '../../domain/schemas';
import { calendarForTraces } from '../../mi/calendar';
import { computeFigures, type Figures } from '../../mi/figures';
import { compareFigures, comparisonCsv, comparisonText, figuresCsv, figuresText } from '../../mi/report';
import { BehaviourOverride, DEFAULT_BEHAVIOUR, type BehaviourModel } from '../../simulator/behaviour';
import { defaultReportStart, runReport, runScenarios, type CaseloadRun } from '../../simulator/caseload';
import { PureEngine } from '../../simulator/pure-engine';
import { runScenario, ScenarioError } from '../../simulator/runner';
import { CliError, badInput } from '../errors';
import { parseWith, readJsonFile } from '../files';
import { prettyTrace } from '../pretty';
import { readReportFile } from '../report-file';

export function loadScenario(path: string): Scenario {
  return parseWith(Scenario, readJsonFile(path), path);
}

/** A what-if file applied to `base` (the current policy unless given); bad input names the field. */
export function loadPolicy(path: string | undefined, base: Policy = CURRENT_POLICY): Policy {
  if (!path) return base;
  const checked = parsePolicyOverride(readJsonFile(path));
  if (!checked.ok) throw badInput(`${path}: ${checked.error}`);
  return applyOverride(base, checked.override);
}

export function loadBehaviour(path: string | undefined): BehaviourModel {
  if (!path) return DEFAULT_BEHAVIOUR;
  const raw = readJsonFile(path);
  const parsed = BehaviourOverride.safeParse(raw);
  if (!parsed.success) {
    const unknown = parsed.error.issues.find((i) => i.code === 'unrecognized_keys');
    throw badInput(
      unknown
        ? `${path}: not a behaviour parameter: ${(unknown as { keys: string[] }).keys.filter((k) => /^[A-Za-z]\w{0,39}$/.test(k)).join(', ') || '(a key)'}; the parameters are ${Object.keys(DEFAULT_BEHAVIOUR).join(', ')}`
        : `${path}: ${describeZodError(parsed.error)}`,
    );
  }
  return { ...DEFAULT_BEHAVIOUR, ...parsed.data };
}

export async function simulate(path: string, opts: { temporal?: boolean; policy?: string }): Promise<Trace> {
  const scenario = loadScenario(path);
  const policy = loadPolicy(opts.policy);
  try {
    if (opts.temporal) {
      const { simulateOnTemporal } = await import('../../simulator/temporal-engine');
      return await simulateOnTemporal(scenario, policy);
    }
    return await runScenario(scenario, new PureEngine(scenario, undefined, policy));
  } catch (e) {
    if (e instanceof ScenarioError) throw badInput(`${path}: ${e.message}`);
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// --caseload

export interface CaseloadOptions {
  json?: boolean;
  csv?: boolean;
  behaviour?: string;
  seed?: string;
  policy?: string;
  compare?: string;
  start?: string;
  office?: string;
  /** Progress on stderr (the CLI: when the caseload is large). */
  progress?: (line: string, final: boolean) => void;
}

type Caseload =
  | { kind: 'scenarios'; scenarios: { name: string; scenario: Scenario }[] }
  | {
      kind: 'report';
      office: string | null;
      records: import('../../domain/schemas').ClaimantRecord[];
      rejected: string[];
    };

function scenarioFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...scenarioFiles(full));
    else if (name.endsWith('.json')) out.push(full);
  }
  return out;
}

export function loadCaseload(path: string, officeOption?: string): Caseload {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch (e) {
    throw badInput(`--caseload ${path}: cannot read it (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (isDir) {
    const files = scenarioFiles(path);
    if (!files.length) throw badInput(`--caseload ${path}: the folder has no scenario files (*.json)`);
    return { kind: 'scenarios', scenarios: files.map((f) => ({ name: f, scenario: loadScenario(f) })) };
  }
  const file = readReportFile(path);
  const { valid, rejected } = validateReport(file.rows);
  return {
    kind: 'report',
    office: officeOption ?? file.office,
    records: valid.map((v) => v.record),
    rejected: rejected.map((r) => `row ${r.row}${r.line !== undefined ? ` (line ${r.line})` : ''}: ${r.reason}`),
  };
}

const OFFICE = /^[A-Z0-9]{1,12}$/;

export interface CaseloadResult {
  figures: Figures;
  whatIf: Figures | null;
  policy: Policy;
  whatIfPolicy: Policy | null;
  run: Record<string, unknown>;
  problems: string[];
}

export async function simulateCaseload(path: string, o: CaseloadOptions): Promise<CaseloadResult> {
  if (o.office !== undefined && !OFFICE.test(o.office))
    throw badInput(
      `--office: "${o.office.slice(0, 20)}" is not an office mnemonic (1–12 uppercase letters and digits)`,
    );
  if (o.seed !== undefined && !/^\d{1,10}$/.test(o.seed))
    throw badInput(`--seed: must be a whole number from 0 to 4294967295`);
  const seed = o.seed === undefined ? 1 : Number(o.seed);
  if (seed > 0xffffffff) throw badInput(`--seed: must be a whole number from 0 to 4294967295`);
  if (o.start !== undefined && !Instant.safeParse(o.start).success)
    throw badInput(`--start: must be an ISO-8601 instant with a UTC offset, e.g. 2026-02-03T09:00:00Z`);
  const policy = loadPolicy(o.policy);
  const whatIfPolicy = o.compare ? loadPolicy(o.compare, policy) : null;
  const model = loadBehaviour(o.behaviour);
  const caseload = loadCaseload(path, o.office);
  if (caseload.kind === 'scenarios' && (o.behaviour || o.seed || o.start || o.office))
    throw badInput('--behaviour, --seed, --start and --office apply to a report (CSV or JSON), not to scenario files');

  const began = Date.now();
  const total = caseload.kind === 'scenarios' ? caseload.scenarios.length : caseload.records.length;
  const runs = whatIfPolicy ? 2 : 1;
  const progress = (label: string) => (done: number, of: number) =>
    o.progress?.(
      `hwc simulate: ${label} ${done}/${of} journeys after ${((Date.now() - began) / 1000).toFixed(1)} s`,
      done === of,
    );

  let start: string | null = null;
  const once = async (p: Policy, label: string): Promise<CaseloadRun> => {
    if (caseload.kind === 'scenarios') return runScenarios(caseload.scenarios, p, progress(label));
    start ??= o.start ? new Date(o.start).toISOString() : defaultReportStart(caseload.records);
    return runReport(caseload.records, { office: caseload.office, start, policy: p, model, seed }, progress(label));
  };
  const base = await once(policy, runs > 1 ? 'baseline' : 'ran');
  const alt = whatIfPolicy ? await once(whatIfPolicy, 'what-if') : null;
  const calendar = calendarForTraces([...base.traces, ...(alt?.traces ?? [])]);
  const figures = computeFigures(base.traces, { calendar });
  const whatIf = alt ? computeFigures(alt.traces, { calendar }) : null;
  const seconds = (Date.now() - began) / 1000;

  const problems = [
    ...(caseload.kind === 'report' ? caseload.rejected.map((r) => `rejected ${r}`) : []),
    ...base.refused.map((r) => `refused ${r.name}: ${r.error}`),
    ...(alt?.refused ?? []).map((r) => `refused under the what-if policy ${r.name}: ${r.error}`),
  ];
  return {
    figures,
    whatIf,
    policy,
    whatIfPolicy,
    problems,
    run: {
      source: caseload.kind,
      journeys: total,
      policy: { name: policy.name, version: policy.version },
      ...(whatIfPolicy
        ? { whatIfPolicy: { name: whatIfPolicy.name, changes: policyDifferences(policy, whatIfPolicy) } }
        : {}),
      ...(caseload.kind === 'report' ? { seed, start, office: caseload.office, behaviour: model } : {}),
      refused: base.refused.length + (alt?.refused.length ?? 0),
      rejectedRows: caseload.kind === 'report' ? caseload.rejected.length : 0,
      seconds: Math.round(seconds * 100) / 100,
      journeysPerSecond: Math.round((total * runs) / Math.max(seconds, 0.001)),
    },
  };
}

export function renderCaseload(r: CaseloadResult, o: { json?: boolean; csv?: boolean }): string {
  if (r.whatIf) {
    const rows = compareFigures(r.figures, r.whatIf);
    if (o.json)
      return (
        JSON.stringify(
          { baseline: r.figures, whatIf: r.whatIf, differences: rows.filter((x) => x.difference), run: r.run },
          null,
          2,
        ) + '\n'
      );
    if (o.csv) return comparisonCsv(rows);
    return comparisonText(rows, { baseline: r.policy.name, whatIf: r.whatIfPolicy!.name });
  }
  if (o.json) return JSON.stringify({ ...r.figures, run: r.run }, null, 2) + '\n';
  if (o.csv) return figuresCsv(r.figures);
  return figuresText(r.figures, `Simulated caseload (${r.policy.name})`);
}

function progressWriter() {
  const tty = !!process.stderr.isTTY;
  let last = 0;
  return (line: string, final: boolean) => {
    const now = Date.now();
    if (!final && now - last < (tty ? 200 : 5000)) return;
    last = now;
    process.stderr.write(tty ? `\r${line}${final ? '\n' : ''}` : `${line}\n`);
  };
}

export function register(program: Command) {
  program
    .command('simulate')
    .description(
      'run a scenario file through the journey and print its trace as JSON; or a whole caseload (--caseload) and print its figures',
    )
    .argument('[scenario.json]', 'scenario file (docs/scenarios.md)')
    .option('--temporal', 'run it as a real workflow on the time-skipping test server')
    .option('--pretty', 'print a readable timeline instead of JSON')
    .option('--policy <what-if.json>', 'change rule parameters (docs/policy.md), e.g. {"doubtWindowWorkingDays": 10}')
    .option('--caseload <path>', 'a folder of scenario files, or a weekly report (report.csv | report.json)')
    .option('--compare <what-if.json>', 'with --caseload: run it again under these parameters and show both')
    .option('--behaviour <model.json>', 'with a report: what people do (probabilities; docs/mi.md)')
    .option('--seed <n>', 'with a report: the random seed (default 1); the same seed gives the same run')
    .option(
      '--start <instant>',
      'with a report: when the report runs (default: the Tuesday 09:00 on or after 14 days past the latest claim start)',
    )
    .option('--office <O>', 'with a report: the office running it (default: each row’s own office)')
    .option('--json', 'with --caseload: the figures as JSON')
    .option('--csv', 'with --caseload: the figures as CSV')
    .action(
      async (
        path: string | undefined,
        opts: CaseloadOptions & { temporal?: boolean; pretty?: boolean; caseload?: string },
      ) => {
        if (opts.caseload) {
          if (path) throw badInput('give either a scenario file or --caseload, not both');
          if (opts.temporal || opts.pretty)
            throw badInput('--temporal and --pretty run one scenario file, not a --caseload');
          if (opts.json && opts.csv) throw badInput('--json and --csv: choose one');
          const big = !opts.json || process.stderr.isTTY;
          const result = await simulateCaseload(opts.caseload, {
            ...opts,
            progress: big ? progressWriter() : undefined,
          });
          process.stdout.write(renderCaseload(result, opts));
          for (const p of result.problems.slice(0, 50)) process.stderr.write(`hwc simulate: ${p}\n`);
          if (result.problems.length > 50)
            process.stderr.write(`hwc simulate: … and ${result.problems.length - 50} more\n`);
          if (result.problems.length)
            throw new CliError(`${result.problems.length} journey(s) left out of the figures (above)`, 2);
          return;
        }
        if (!path) throw badInput('missing scenario file (or --caseload <path>); see hwc simulate --help');
        for (const flag of ['compare', 'behaviour', 'seed', 'start', 'office', 'json', 'csv'] as const)
          if (opts[flag] !== undefined) throw badInput(`--${flag} needs --caseload`);
        const trace = await simulate(path, opts);
        process.stdout.write(opts.pretty ? prettyTrace(trace) : JSON.stringify(trace, null, 2) + '\n');
      },
    );
}
