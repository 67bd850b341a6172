// Reading a weekly report file: JSON (ClaimantRecords) or CSV (one flat row per claimant, columns below).
// A problem with the file as a whole (unreadable, not JSON, unknown or missing CSV column) is bad input and
// nothing is started; a problem with one row is left to the row's validation, which names the field.
import { readFileSync, statSync } from 'node:fs';
import { MAX_REPORT_BYTES, MAX_REPORT_ROWS, type ReportRow } from '../client/report';
import { BOOLEAN_WORDS, parseBoolean } from '../domain/booleans';
import { OfficeMnemonic } from '../domain/schemas';
import { CliError, badInput } from './errors';
import { jsonProblem } from './files';

export interface ReportFile {
  /** The office named inside a JSON report (`{"office", "rows"}`), if any. */
  office: string | null;
  rows: ReportRow[];
}

/** The CSV layout: column → where it goes in the ClaimantRecord, and how its cell is read. */
type Kind = 'text' | 'bool' | 'number' | 'list' | 'benefits' | 'circumstances';
interface Column {
  name: string;
  path: string;
  kind: Kind;
  required?: boolean;
  help: string;
}

export const CSV_COLUMNS: Column[] = [
  {
    name: 'claimantRef',
    path: 'claimantRef',
    kind: 'text',
    required: true,
    help: 'pseudonymous reference (never a NINO)',
  },
  { name: 'office', path: 'office', kind: 'text', required: true, help: 'owning office mnemonic' },
  { name: 'dateOfBirth', path: 'dateOfBirth', kind: 'text', required: true, help: 'YYYY-MM-DD' },
  { name: 'claimStartDate', path: 'claim.startDate', kind: 'text', required: true, help: 'YYYY-MM-DD' },
  { name: 'claimStatus', path: 'claim.status', kind: 'text', required: true, help: 'built | registered' },
  { name: 'inPayment', path: 'claim.inPayment', kind: 'bool', required: true, help: `${BOOLEAN_WORDS}` },
  {
    name: 'weeklyRate',
    path: 'claim.weeklyRate',
    kind: 'number',
    required: true,
    help: 'pounds, e.g. 91.15 (0 = credits only)',
  },
  { name: 'healthCondition', path: 'health.condition', kind: 'text', help: 'free text (default none)' },
  { name: 'specialRules', path: 'health.specialRules', kind: 'bool', help: `${BOOLEAN_WORDS} (default false)` },
  { name: 'healthNotes', path: 'health.notes', kind: 'list', help: 'JA510 notes separated by "|"' },
  {
    name: 'otherBenefits',
    path: 'otherBenefits',
    kind: 'benefits',
    help: 'type/for/received entries separated by "|", e.g. 08/01/Y',
  },
  { name: 'disabilityBenefits', path: 'disabilityBenefits', kind: 'list', help: 'e.g. AA|PIP_DAILY_LIVING_ENHANCED' },
  { name: 'appointee', path: 'appointee', kind: 'bool', help: `${BOOLEAN_WORDS} (default false)` },
  { name: 'parentMarker', path: 'household.parentMarker', kind: 'text', help: 'Lone | Couple | None (default None)' },
  {
    name: 'youngestChildAgeYears',
    path: 'household.youngestChildAgeYears',
    kind: 'number',
    help: 'whole years (default none)',
  },
  {
    name: 'circumstances',
    path: 'circumstances',
    kind: 'circumstances',
    help: 'KIND or KIND;field=value;… separated by "|", or a JSON array',
  },
  {
    name: 'potentiallyViolent',
    path: 'lms.potentiallyViolent',
    kind: 'bool',
    help: `${BOOLEAN_WORDS} (default false)`,
  },
  {
    name: 'staffProtectionList',
    path: 'lms.staffProtectionList',
    kind: 'bool',
    help: `${BOOLEAN_WORDS} (default false)`,
  },
  { name: 'reasonableAdjustments', path: 'lms.reasonableAdjustments', kind: 'list', help: 'separated by "|"' },
  {
    name: 'mobile',
    path: 'lms.mobile',
    kind: 'text',
    help: 'mobile number (default none: reminder by phone call task)',
  },
  { name: 'phone', path: 'lms.phone', kind: 'text', help: 'other number (default none)' },
  { name: 'workCoach', path: 'lms.workCoach', kind: 'text', help: 'work coach id (default WC-01)' },
  { name: 'wcaDate', path: 'wca.scheduledDate', kind: 'text', help: 'scheduled WCA, YYYY-MM-DD (default none)' },
];

export const CSV_HELP = [
  'CSV layout (header row required, any column order; empty optional cells take the default):',
  ...CSV_COLUMNS.map((c) => `  ${c.name.padEnd(22)} ${c.required ? 'required' : 'optional'}  ${c.help}`),
].join('\n');

const norm = (s: string) => s.toLowerCase().replace(/[\s_-]/g, '');

export class TooManyRowsError extends Error {}

/**
 * RFC 4180: quoted fields may hold commas, quotes ("") and line breaks. Returns rows with their start line;
 * stops with TooManyRowsError as soon as there are more than `maxRows` (a huge file is not held whole).
 */
export function parseCsv(text: string, maxRows = Infinity): { line: number; cells: string[] }[] {
  const out: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let sawAny = false;
  const endRow = () => {
    cells.push(cell);
    if (cells.length > 1 || cells[0].trim() !== '' || sawAny) out.push({ line: rowLine, cells });
    if (out.length > maxRows) throw new TooManyRowsError(`more than ${maxRows - 1} data rows`);
    cells = [];
    cell = '';
    sawAny = false;
  };
  const s = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (quoted) {
      if (ch === '"' && s[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        cell += ch;
      }
    } else if (ch === '"' && cell === '') {
      quoted = true;
      sawAny = true;
    } else if (ch === ',') {
      cells.push(cell);
      cell = '';
      sawAny = true;
    } else if (ch === '\r' && s[i + 1] === '\n') continue;
    else if (ch === '\n' || ch === '\r') {
      endRow();
      line++;
      rowLine = line;
    } else cell += ch;
  }
  if (quoted) throw new Error(`line ${rowLine}: a quoted field is not closed`);
  if (cell !== '' || cells.length) endRow();
  return out;
}

function readCell(kind: Kind, raw: string): unknown {
  const v = raw.trim();
  switch (kind) {
    case 'text':
      return v;
    case 'bool':
      return parseBoolean(v) ?? v; // not a yes/no: left for validation to refuse, naming the column
    case 'number':
      return v !== '' && Number.isFinite(Number(v)) ? Number(v) : v;
    case 'list':
      return v
        .split('|')
        .map((x) => x.trim())
        .filter(Boolean);
    case 'benefits':
      return v
        .split('|')
        .map((x) => x.trim())
        .filter(Boolean)
        .map((x) => {
          const [type, forWhom, received] = x.split('/').map((p) => p.trim());
          return { type, for: forWhom, received };
        });
    case 'circumstances':
      if (v.startsWith('[')) {
        try {
          return JSON.parse(v);
        } catch {
          return v;
        }
      }
      return v
        .split('|')
        .map((x) => x.trim())
        .filter(Boolean)
        .map((x) => {
          const [kind, ...fields] = x.split(';').map((p) => p.trim());
          const c: Record<string, unknown> = { kind };
          for (const f of fields) {
            const eq = f.indexOf('=');
            const key = eq < 0 ? f : f.slice(0, eq).trim();
            const value = eq < 0 ? 'true' : f.slice(eq + 1).trim();
            c[key] = BOOLEAN_FIELDS.has(key) ? (parseBoolean(value) ?? value) : value === 'null' ? null : value;
          }
          return c;
        });
  }
}

/** The yes/no fields of circumstances (`JURY_SERVICE;proofSupplied=yes`). */
const BOOLEAN_FIELDS = new Set(['earlierStartRequested', 'livingWithAbuser', 'proofSupplied']);

function setPath(target: Record<string, unknown>, path: string, value: unknown) {
  const keys = path.split('.');
  let o = target;
  for (const k of keys.slice(0, -1)) o = (o[k] ??= {}) as Record<string, unknown>;
  o[keys[keys.length - 1]] = value;
}

/**
 * A CSV row → a ClaimantRecord-shaped object (validated later, like a JSON row), and the cells that are
 * wrong before any schema looks at them (a yes/no that is neither).
 */
function csvRecord(columns: Column[], cells: string[]): { record: Record<string, unknown>; problems: string[] } {
  const r: Record<string, unknown> = {};
  const problems: string[] = [];
  columns.forEach((c, i) => {
    const raw = cells[i] ?? '';
    if (raw.trim() === '') {
      if (c.required) setPath(r, c.path, undefined);
      return;
    }
    if (c.kind === 'bool' && parseBoolean(raw) === undefined)
      problems.push(`${c.name} (${c.path}): must be ${BOOLEAN_WORDS}`);
    setPath(r, c.path, readCell(c.kind, raw));
  });
  // household has no field defaults of its own: a parent marker alone means "no child age known".
  const h = r.household as Record<string, unknown> | undefined;
  if (h) {
    h.parentMarker ??= 'None';
    h.youngestChildAgeYears ??= null;
  }
  return { record: r, problems };
}

const columnForPath = (path: string) => {
  const hit = CSV_COLUMNS.filter(
    (c) => path === c.path || path.startsWith(c.path + '.') || path.startsWith(c.path + '['),
  );
  return hit.sort((a, b) => b.path.length - a.path.length)[0]?.name;
};

export function parseReportCsv(text: string, file: string): ReportFile {
  let table;
  try {
    table = parseCsv(text, MAX_REPORT_ROWS + 1); // the header, then at most MAX_REPORT_ROWS rows
  } catch (e) {
    if (e instanceof TooManyRowsError) throw tooManyRows(file, `more than ${MAX_REPORT_ROWS} rows`);
    throw badInput(`${file}: ${(e as Error).message}`);
  }
  if (!table.length)
    throw badInput(
      `${file}: empty CSV: the first line must be the header (${CSV_COLUMNS.filter((c) => c.required)
        .map((c) => c.name)
        .join(',')},…)`,
    );
  const [header, ...data] = table;
  const byName = new Map(CSV_COLUMNS.map((c) => [norm(c.name), c]));
  const columns = header.cells.map((h, i) => {
    const c = byName.get(norm(h));
    // A header cell is named only when it looks like a column name: a file without its header row has
    // claimant data on line 1, which must not be echoed back.
    const cell = /^[A-Za-z][A-Za-z0-9 _-]{0,39}$/.test(h.trim())
      ? `"${h.trim()}"`
      : `${i + 1} (not a column name: is the header row missing?)`;
    if (!c)
      throw badInput(
        `${file}: unknown column ${cell}; the columns are ${CSV_COLUMNS.map((x) => x.name).join(', ')} (see hwc report --help)`,
      );
    return c;
  });
  const dup = columns.find((c, i) => columns.indexOf(c) !== i);
  if (dup) throw badInput(`${file}: column ${dup.name} appears twice`);
  const missing = CSV_COLUMNS.filter((c) => c.required && !columns.includes(c));
  if (missing.length)
    throw badInput(
      `${file}: missing required column(s) ${missing.map((c) => c.name).join(', ')} (see hwc report --help)`,
    );
  return {
    office: null,
    rows: data.map((d, i) => {
      const { record, problems } = csvRecord(columns, d.cells);
      if (d.cells.length > columns.length)
        problems.unshift(
          `(row): ${d.cells.length} cells but the header has ${columns.length} columns (quote cells that contain commas)`,
        );
      return {
        row: i + 1,
        line: d.line,
        record,
        error: problems.length ? problems.join('; ') : undefined,
        columnOf: columnForPath,
      };
    }),
  };
}

export function parseReportJson(text: string, file: string): ReportFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw badInput(`${file}: not valid JSON (${jsonProblem(e, text)})`);
  }
  let office: string | null = null;
  let rows: unknown = value;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const v = value as { office?: unknown; rows?: unknown };
    // The office that runs the report is checked like a row's (A7), before any row is looked at.
    if (v.office !== undefined) {
      const o = OfficeMnemonic.safeParse(v.office);
      if (!o.success) throw badInput(`${file}: office: ${o.error.issues[0].message}`);
      office = o.data;
    }
    rows = v.rows;
  }
  if (!Array.isArray(rows))
    throw badInput(
      `${file}: a report is a JSON array of ClaimantRecords, or {"office": "…", "rows": [ClaimantRecord, …]}`,
    );
  if (rows.length > MAX_REPORT_ROWS) throw tooManyRows(file, `${rows.length} rows`);
  return { office, rows: rows.map((record, i) => ({ row: i + 1, record })) };
}

const tooManyRows = (file: string, what: string) =>
  badInput(
    `${file}: the report has ${what}; at most ${MAX_REPORT_ROWS} rows (and ${MAX_REPORT_BYTES / 1024 / 1024} MiB) are accepted in one report: split it, e.g. by office. Nothing was started`,
  );

export function readReportFile(file: string): ReportFile {
  let text: string;
  try {
    // The size first: a file far too big is refused without reading it.
    const { size } = statSync(file);
    if (size > MAX_REPORT_BYTES)
      throw badInput(
        `${file}: the report is ${(size / 1024 / 1024).toFixed(0)} MiB; at most ${MAX_REPORT_BYTES / 1024 / 1024} MiB (and ${MAX_REPORT_ROWS} rows) are accepted in one report: split it, e.g. by office. Nothing was started`,
      );
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw badInput(`${file}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (/\.csv$/i.test(file)) return parseReportCsv(text, file);
  if (/\.json$/i.test(file)) return parseReportJson(text, file);
  // No telling extension: JSON if it looks like JSON, else CSV.
  return /^\s*[[{]/.test(text) ? parseReportJson(text, file) : parseReportCsv(text, file);
}
