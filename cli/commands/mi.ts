// `hwc mi`: management information from the running system: the figures of mi/figures.ts over the MI
// projection that journeys keep in hwc's database (activities/projection.ts), for a period, an office and a
// work coach. Every number reconciles with the journeys' own traces (test/e2e/mi-reconciliation.test.ts).
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { ProjectionStore } from '../../activities/projection';
import { openDb } from '../../db';
import { LocalDate, WorkCoachId } from '../../domain/schemas';
import { miFigures } from '../../client/mi';
import { figuresCsv, figuresText } from '../../mi/report';
import { config } from '../context';
import { CliError, badInput } from '../errors';

export interface MiOptions {
  office?: string;
  coach?: string;
  from?: string;
  to?: string;
  json?: boolean;
  csv?: boolean;
}

const OFFICE = /^[A-Z0-9]{1,12}$/;

export function checkMiOptions(o: MiOptions): void {
  if (o.json && o.csv) throw badInput('--json and --csv: choose one');
  if (o.office !== undefined && !OFFICE.test(o.office))
    throw badInput(`--office: not an office mnemonic (1–12 uppercase letters and digits, e.g. LEEDS)`);
  if (o.coach !== undefined && !WorkCoachId.safeParse(o.coach).success)
    throw badInput(`--coach: not a work coach id (letters, digits, ".", "-" or "_", e.g. WC-01)`);
  for (const k of ['from', 'to'] as const)
    if (o[k] !== undefined && !LocalDate.safeParse(o[k]).success)
      throw badInput(`--${k}: must be a calendar date YYYY-MM-DD`);
  if (o.from && o.to && o.from > o.to) throw badInput(`--from ${o.from} is after --to ${o.to}`);
}

export async function mi(o: MiOptions): Promise<string> {
  checkMiOptions(o);
  const cfg = config();
  const postgres = /^postgres(ql)?:\/\//.test(cfg.dbPath);
  if (!postgres && !existsSync(cfg.dbPath))
    throw new CliError(
      `no MI projection at ${cfg.dbPath}: journeys write it as they run (start them with hwc dev or hwc worker; HWC_DB / HWC_DATA_DIR choose the database)`,
    );
  const db = await openDb(cfg.dbPath);
  try {
    const { figures, source } = await miFigures(new ProjectionStore(db), o);
    if (o.json) return JSON.stringify({ ...figures, source }, null, 2) + '\n';
    if (o.csv) return figuresCsv(figures);
    return (
      figuresText(figures) +
      `\n${source.journeys} journeys in the projection${source.updatedAt ? `, last written ${source.updatedAt}` : ''}\n`
    );
  } finally {
    await db.close();
  }
}

export function register(program: Command) {
  program
    .command('mi')
    .description('management information: journeys, screening, attendance, failures, waits; from the running system')
    .option('--office <O>', 'only journeys of this office')
    .option('--coach <C>', 'only journeys this work coach has now')
    .option('--from <YYYY-MM-DD>', 'only journeys reported (started) on or after this day (London)')
    .option('--to <YYYY-MM-DD>', 'only journeys reported on or before this day')
    .option('--json', 'the figures as JSON')
    .option('--csv', 'the figures as CSV (figure, section, label, value)')
    .addHelpText('after', '\nEvery figure counts what has happened so far to the journeys selected (docs/mi.md).')
    .action(async (o: MiOptions) => {
      process.stdout.write(await mi(o));
    });
}
