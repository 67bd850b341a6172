// One yes/no parser everywhere (domain/booleans.ts): CSV cells, `hwc event` flags, circumstance fields,
// environment variables; and a case named by claimant ref or by workflow id (cli/refs.ts).
import { describe, expect, it } from 'vitest';
import { parseBoolean } from '../../domain/booleans';
import { readFieldValue } from '../../cli/event-fields';
import { parseReportCsv } from '../../cli/report-file';
import { claimantRefArg } from '../../cli/refs';
import { CliError } from '../../cli/errors';
import { validateReport } from '../../client/report';
import { loadConfig } from '../../worker/config';

const YES = ['true', 'TRUE', 'yes', 'Yes', 'y', 'Y', '1', 'on', ' yes '];
const NO = ['false', 'False', 'no', 'NO', 'n', 'N', '0', 'off', ' 0'];
const NEITHER = ['', 'maybe', 'yess', '2', 'tru', 'nope', '-1', 'null'];

const thrown = (run: () => unknown): CliError => {
  try {
    run();
  } catch (e) {
    if (e instanceof CliError) return e;
    throw e;
  }
  throw new Error('accepted');
};

describe('parseBoolean', () => {
  it.each(YES)('%j is true', (v) => expect(parseBoolean(v)).toBe(true));
  it.each(NO)('%j is false', (v) => expect(parseBoolean(v)).toBe(false));
  it.each(NEITHER)('%j is neither', (v) => expect(parseBoolean(v)).toBeUndefined());
});

describe('the same words in every place a person types a yes/no', () => {
  const header =
    'claimantRef,office,dateOfBirth,claimStartDate,claimStatus,inPayment,weeklyRate,appointee,circumstances';
  const csv = (inPayment: string, appointee: string, proof: string) =>
    parseReportCsv(
      `${header}\nC-1,LEEDS,1980-04-02,2026-01-05,built,${inPayment},91.15,${appointee},JURY_SERVICE;proofSupplied=${proof}\n`,
      'r.csv',
    ).rows[0];

  it.each([...YES.filter((v) => v.trim()).map((v) => [v, true] as const), ...NO.map((v) => [v, false] as const)])(
    'CSV cells, circumstance fields, --flags and environment variables read %j as %s',
    (word, value) => {
      const row = csv(word, word, word) as { record: Record<string, Record<string, unknown> & unknown[]> };
      expect(row.record.claim.inPayment).toBe(value);
      expect(row.record.appointee).toBe(value);
      expect((row.record.circumstances[0] as { proofSupplied: boolean }).proofSupplied).toBe(value);
      expect(readFieldValue('FTA_CALL', 'goodCause', word)).toBe(value);
      expect(loadConfig({ HWC_ENCRYPTION: word }).encryption).toBe(value);
      expect(loadConfig({ TEMPORAL_TLS: word }).tls !== null).toBe(value);
    },
  );

  it.each(NEITHER.filter((v) => v !== ''))('%j is refused everywhere, naming the field and the words', (word) => {
    const { rejected } = validateReport([csv(word, 'no', 'no')]);
    expect(rejected[0].reason).toContain('inPayment (claim.inPayment): must be true/false, yes/no, y/n, 1/0 or on/off');

    const flag = thrown(() => readFieldValue('FTA_CALL', 'goodCause', word));
    expect(flag.exitCode).toBe(2);
    expect(flag.message).toBe('--good-cause: must be true/false, yes/no, y/n, 1/0 or on/off');

    expect(() => loadConfig({ HWC_ENCRYPTION: word })).toThrow(
      'environment variable HWC_ENCRYPTION: must be true/false, yes/no, y/n, 1/0 or on/off',
    );
  });
});

describe('a case by claimant ref or by workflow id', () => {
  it.each([
    ['DEMO-001', 'DEMO-001'],
    ['hwc-DEMO-001', 'DEMO-001'],
    ['C_17', 'C_17'],
    ['hwc-hwc-1', 'hwc-1'],
  ])('%s names claimant %s', (arg, ref) => expect(claimantRefArg(arg)).toBe(ref));

  it.each([
    ['', 'must not be empty'],
    ['hwc-', 'must not be empty'],
    ['hwc-JG103759A', 'National Insurance number'],
    ['JG 10 37 59 A', 'National Insurance number'],
    ['C 1001', 'must be letters, digits'],
    ['hwc-C\u001b[2J', 'must be letters, digits'],
  ])('%j is refused with exit 2, without echoing it', (arg, reason) => {
    const e = thrown(() => claimantRefArg(arg));
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(/^claimantRef: not a claimant reference or journey workflow id \(hwc-<claimantRef>\): /);
    expect(e.message).toContain(reason);
    if (arg.length > 4) expect(e.message).not.toContain(arg.replace(/^hwc-/, ''));
  });
});
