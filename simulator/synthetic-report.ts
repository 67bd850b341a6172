// A made-up weekly report for caseload runs, tests and the benchmark: claimants spread over the 13 offices
// of the evaluation (weighted by their referrals, report 113 Table 3.1), eight work coaches each, claim
// starts over four weeks, and a small share with an exemption, a deferral reason, a WCA date soon, a claim
// not in payment or no mobile number. Deterministic for a seed. No real person: references are `SYN-<n>`.
//
//   npx tsx simulator/synthetic-report.ts 10000 [seed] > report.csv
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addDays } from '../domain/calendar';
import type { ClaimantRecordInput } from '../domain/schemas';
import { generator } from './behaviour';

/** Offices and their eligible referrals in the evaluation period (Table 3.1). */
export const EVALUATION_OFFICES: [office: string, referrals: number][] = [
  ['ABERDARE', 86],
  ['BRADFORD', 112],
  ['CHELMSFORD', 39],
  ['DONCASTER', 96],
  ['DURHAM', 96],
  ['HULL', 182],
  ['LANCASTER', 79],
  ['LEEDS', 73],
  ['NEWCASTLE', 115],
  ['NORWICH', 71],
  ['SUNDERLAND', 68],
  ['WIGAN', 126],
  ['YORK', 76],
];

export function syntheticReport(n: number, seed = 1, firstClaimStart = '2026-01-05'): ClaimantRecordInput[] {
  const random = generator(seed);
  const total = EVALUATION_OFFICES.reduce((s, [, r]) => s + r, 0);
  const office = () => {
    let x = random() * total;
    for (const [o, r] of EVALUATION_OFFICES) if ((x -= r) < 0) return o;
    return EVALUATION_OFFICES[0][0];
  };
  const out: ClaimantRecordInput[] = [];
  for (let i = 1; i <= n; i++) {
    const o = office();
    const startDate = addDays(firstClaimStart, Math.floor(random() * 28));
    const x = random();
    const r: ClaimantRecordInput = {
      claimantRef: `SYN-${String(i).padStart(6, '0')}`,
      office: o,
      dateOfBirth: addDays('1960-01-01', Math.floor(random() * 365 * 40)),
      claim: {
        startDate,
        status: x < 0.02 ? 'registered' : 'built',
        inPayment: !(x >= 0.02 && x < 0.03),
        weeklyRate: 91.15,
      },
      lms: {
        potentiallyViolent: false,
        staffProtectionList: false,
        reasonableAdjustments: [],
        mobile: random() < 0.8 ? '07700900000' : null,
        workCoach: `${o.slice(0, 3)}-WC${1 + Math.floor(random() * 8)}`,
      },
      circumstances:
        x >= 0.03 && x < 0.06
          ? [{ kind: 'IN_HOSPITAL' }]
          : x >= 0.06 && x < 0.08
            ? [{ kind: 'BEREAVEMENT' }]
            : x >= 0.08 && x < 0.09
              ? [{ kind: 'CANCER_TREATMENT' }]
              : [],
      wca: { scheduledDate: x >= 0.09 && x < 0.11 ? addDays(startDate, 40) : null },
    };
    out.push(r);
  }
  return out;
}

/** The report as the CSV `hwc report` reads (the columns this generator fills). */
export function syntheticReportCsv(rows: ClaimantRecordInput[]): string {
  const header =
    'claimantRef,office,dateOfBirth,claimStartDate,claimStatus,inPayment,weeklyRate,mobile,workCoach,circumstances,wcaDate';
  const lines = rows.map((r) =>
    [
      r.claimantRef,
      r.office,
      r.dateOfBirth,
      r.claim.startDate,
      r.claim.status,
      r.claim.inPayment,
      r.claim.weeklyRate,
      r.lms?.mobile ?? '',
      r.lms?.workCoach ?? '',
      (r.circumstances ?? []).map((c) => c.kind).join('|'),
      r.wca?.scheduledDate ?? '',
    ].join(','),
  );
  return [header, ...lines].join('\n') + '\n';
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const n = Number(process.argv[2] ?? 1000);
  const seed = Number(process.argv[3] ?? 1);
  process.stdout.write(syntheticReportCsv(syntheticReport(n, seed)));
}
