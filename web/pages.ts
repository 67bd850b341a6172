// The pages. Each reads through client/ (visibility, queries, signed Updates) and the core; none holds a rule
// of its own: what a case accepts comes from the journey (`view` query), what an event needs from its schema,
// and whether it may happen from the journey's Update validator.
import { EventRejectedError, executeEvent, signerFor } from '../client/journeys';
import { getCase, listCases, UnknownClaimantError, type CaseRow } from '../client/cases';
import { workToday } from '../client/work-today';
import { EVENT_TYPES, ROLES_FOR_EVENT, type JourneyEventType, type Trace } from '../domain/schemas';
import { actsFor, type StaffMember } from '../domain/staff';
import { waitingFor } from '../machines/describe';
import { isPersonEvent } from '../machines/step';
import { MAX_PASSWORD_LENGTH } from '../identity/password';
import { signInWithPassword } from '../identity/sign-in';
import { issueCredential } from '../identity/signer';
import { workflowIdFor, type JourneyView } from '../workflows/messages';
import { forbiddenCase, type RequestContext } from './app';
import {
  ACTION_ROWS,
  controlName,
  eventFromForm,
  formFields,
  refusalErrors,
  roleFor,
  type FieldError,
  type FieldSpec,
} from './event-form';
import { machineSvg } from './machine-svg';
import { staffForSubject } from './oidc';
import { redirect } from './http';
import { timeline } from './timeline';
import { londonTime } from './views';
import { eventWords, fieldWords, stageWords, valueWords } from './words';
import { auditTrail } from './audit';
import { managerFigures, officeChoices, readManagerQuery } from './manager';

/** A session credential lasts a working day at most (identity/proof.ts caps it further). */
const CREDENTIAL_MS = 8 * 60 * 60_000;

const person = (c: RequestContext) => c.session.person!;

// ——— home, sign in, sign out ——————————————————————————————————————————————————————————————————————

export function home(c: RequestContext) {
  const p = person(c);
  const first = (
    [
      // A team leader who also coaches starts at the team's queue; their own work is one link away.
      ['team_leader', '/team'],
      ['work_coach', '/work'],
      ['sds', '/work'],
      ['decision_maker', '/decisions'],
      ['auditor', '/audit'],
      ['manager', '/caseload'],
    ] as const
  ).find(([role]) => p.roles.includes(role));
  redirect(c.res, first?.[1] ?? '/work');
}

export function signInPage(c: RequestContext, errors: FieldError[] = [], staffId = '', status = 200) {
  if (c.session.person && !errors.length) return redirect(c.res, '/');
  c.render(
    'sign-in.njk',
    {
      errors: errors.map((e) => ({ text: e.message, href: `#${e.field}` })),
      errorFor: Object.fromEntries(errors.map((e) => [e.field, { text: e.message }])),
      staffId,
      next: safeNext(c.url.searchParams.get('next')),
      signedOut: c.url.searchParams.has('signed-out'),
      expired: c.url.searchParams.has('expired'),
    },
    status,
  );
}

const safeNext = (next: string | null | undefined) =>
  next && /^\/[A-Za-z0-9/_.-]*$/.test(next) && !next.startsWith('//') ? next : '/';

function startSession(c: RequestContext, member: StaffMember, via: 'password' | 'oidc') {
  const credential = issueCredential(c.deps.issuer, member, { lifetimeMs: CREDENTIAL_MS });
  c.signIn({
    staffId: member.staffId,
    roles: member.roles,
    offices: member.offices,
    displayName: member.displayName,
    credential,
    via,
  });
}

export async function signInPost(c: RequestContext) {
  const form = c.form!;
  const staffId = (form.get('staffId') ?? '').trim();
  const password = form.get('password') ?? '';
  const errors: FieldError[] = [];
  if (!staffId) errors.push({ field: 'staffId', message: 'Enter your staff id' });
  if (!password) errors.push({ field: 'password', message: 'Enter your password' });
  else if (password.length > MAX_PASSWORD_LENGTH)
    errors.push({ field: 'password', message: `Your password is at most ${MAX_PASSWORD_LENGTH} characters` });
  if (errors.length) return signInPage(c, errors, staffId, 400);
  const result = await signInWithPassword(c.deps.db, c.deps.staff(), staffId, password);
  if (!result.ok) {
    const message =
      result.reason === 'locked'
        ? `This account is locked after repeated failed sign-ins, until ${londonTime(result.lockedUntil)}. Ask your team leader if you need to sign in sooner.`
        : 'The staff id or password is not right';
    c.deps.log?.(`sign-in refused (${result.reason})`);
    return signInPage(c, [{ field: 'staffId', message }], staffId, result.reason === 'locked' ? 423 : 400);
  }
  startSession(c, result.member, 'password');
  redirect(c.res, safeNext(form.get('next')));
}

export function signOutPost(c: RequestContext) {
  c.signOut();
  redirect(c.res, '/sign-in?signed-out');
}

export async function oidcStart(c: RequestContext) {
  const o = c.deps.oidc;
  if (!o)
    return c.render(
      'error.njk',
      { title: 'Single sign-on is not set up', message: 'Sign in with your staff id.' },
      404,
    );
  const begun = await o.begin();
  c.session.oidc = { state: begun.state, nonce: begun.nonce, verifier: begun.verifier };
  redirect(c.res, begun.url);
}

export async function oidcCallback(c: RequestContext) {
  const o = c.deps.oidc;
  const expected = c.session.oidc;
  c.session.oidc = undefined; // one use
  if (!o || !expected)
    return signInPage(c, [{ field: 'staffId', message: 'Single sign-on did not finish: start again' }], '', 400);
  const current = new URL(c.url.pathname + c.url.search, o.settings.redirectUri);
  let who: { sub: string; iss: string };
  try {
    who = await o.finish(current, expected);
  } catch (e) {
    c.deps.log?.(`single sign-on refused: ${(e as Error).message.split('\n')[0]}`);
    return signInPage(c, [{ field: 'staffId', message: 'Single sign-on did not succeed: try again' }], '', 400);
  }
  const member = staffForSubject(c.deps.staff(), who.sub, who.iss);
  if (!member)
    return signInPage(
      c,
      [
        {
          field: 'staffId',
          message: 'Your single sign-on account is not in the staff directory: ask your team leader',
        },
      ],
      '',
      403,
    );
  startSession(c, member, 'oidc');
  redirect(c.res, '/');
}

// ——— work coach ————————————————————————————————————————————————————————————————————————————————————

export async function workPage(c: RequestContext) {
  const p = person(c);
  const work = await workToday(c.deps.client, p.staffId, p.offices);
  c.render('work.njk', {
    title: 'My work today',
    work,
    groups: work.groups.map((g) => ({
      ...g,
      rows: g.rows.map((r) => tableRow(r, true)),
    })),
  });
}

function tableRow(r: CaseRow & { overdue?: boolean }, withStage: boolean) {
  return [
    { html: `<a class="govuk-link" href="/cases/${r.claimantRef}">${r.claimantRef}</a>` },
    ...(withStage ? [{ text: stageWords(r.stage) }] : []),
    {
      html:
        (r.overdue ? '<strong class="govuk-tag govuk-tag--red">Overdue</strong> ' : '') +
        escapeHtml(londonTime(r.nextDeadline)),
    },
    { text: r.workCoach ?? '—' },
  ];
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

// ——— case page and events ——————————————————————————————————————————————————————————————————————————

interface FormState {
  type: string;
  values: Record<string, string>;
  errors: FieldError[];
}

async function loadCase(c: RequestContext, ref: string) {
  try {
    const found = await getCase(c.deps.client, ref);
    // Office first: a case of another office is not shown, not even whether it exists beyond this.
    if (!actsFor(person(c).offices, found.trace.office)) return null;
    return found;
  } catch (e) {
    if (e instanceof UnknownClaimantError) return undefined;
    throw e;
  }
}

function fieldView(type: string, f: FieldSpec, values: Record<string, string>, errors: FieldError[]): unknown {
  const name = controlName(f.path);
  const id = `${type}-${name}`;
  const words = fieldWords(f.path[f.path.length - 1]);
  const err = errors.find((e) => e.field === name || (f.kind === 'actions' && e.field.startsWith(name)));
  const base = {
    kind: f.kind,
    id,
    name,
    label: words.label + (f.optional && f.kind !== 'group' && !words.label.includes('optional') ? ' (optional)' : ''),
    hint: words.hint,
    value: values[name] ?? '',
    error: err ? { text: `${words.label}: ${err.message}` } : undefined,
  };
  switch (f.kind) {
    case 'boolean':
      return {
        ...base,
        items: [
          { value: 'yes', text: 'Yes', checked: values[name] === 'yes' },
          { value: 'no', text: 'No', checked: values[name] === 'no' },
        ],
      };
    case 'enum':
      return {
        ...base,
        items: [
          ...(f.optional ? [{ value: '', text: 'None' }] : [{ value: '', text: 'Choose one' }]),
          ...f.options!.map((o) => ({ value: o, text: valueWords(o), selected: values[name] === o })),
        ],
      };
    case 'actions':
      return {
        ...base,
        rows: Array.from({ length: ACTION_ROWS }, (_, i) => ({
          legend: `Action ${i + 1}${i === 0 ? '' : ' (optional)'}`,
          fields: f.children!.map((ch) => {
            const n = controlName([...f.path, i, ch.path[0]]);
            const e = errors.find((x) => x.field === n);
            return {
              id: `${type}-${n}`,
              name: n,
              label: fieldWords(ch.path[0]).label,
              value: values[n] ?? '',
              error: e ? { text: `${fieldWords(ch.path[0]).label}: ${e.message}` } : undefined,
            };
          }),
        })),
      };
    case 'group':
      return { ...base, children: f.children!.map((ch) => fieldView(type, ch, values, errors)) };
    default:
      return base;
  }
}

/** The forms for the events this person may record on this case now (the journey's `accepted` list). */
function eventForms(view: JourneyView, p: RequestContext['session']['person'], state?: FormState) {
  if (!p || view.ended) return { primary: [], other: [] };
  const forms = view.accepted
    .filter((t) => roleFor(t, p.roles))
    .map((type) => {
      const mine = state?.type === type ? state : undefined;
      const errors = mine?.errors ?? [];
      const fields = formFields(type).map((f) => fieldView(type, f, mine?.values ?? {}, errors));
      return { type, title: eventWords(type), fields, hasErrors: errors.length > 0 };
    });
  // The events the stage is waiting for first; the changes a case accepts at any time after them.
  const waiting = waitingFor(view.stage);
  return {
    primary: forms.filter((f) => waiting.includes(f.type)),
    other: forms.filter((f) => !waiting.includes(f.type)),
  };
}

function summaryRows(trace: Trace, view: JourneyView, status: string) {
  const row = (key: string, value: string) => ({ key: { text: key }, value: { text: value } });
  return [
    row('Claimant reference', trace.claimantRef),
    row('Office', trace.office),
    row('Work coach', trace.workCoach),
    row('Stage', stageWords(view.stage)),
    row('Waiting for', view.ended ? 'Nothing: the journey has ended' : waitingFor(view.stage)),
    row(
      'Until',
      view.nextDeadline
        ? `${londonTime(view.nextDeadline.at)} (${view.nextDeadline.type.toLowerCase().replace(/_/g, ' ')})`
        : '—',
    ),
    ...(trace.outcome ? [row('Outcome', valueWords(trace.outcome))] : []),
    ...(status !== 'RUNNING' && status !== 'COMPLETED' ? [row('Workflow', status.toLowerCase())] : []),
  ];
}

async function renderCase(c: RequestContext, ref: string, state?: FormState, status = 200) {
  const found = await loadCase(c, ref);
  if (found === undefined)
    return c.render('error.njk', { title: 'No such case', message: `There is no journey for ${ref}.` }, 404);
  if (found === null) return c.render('error.njk', forbiddenCase, 403);
  const { trace, view } = found;
  const forms = eventForms(view, c.session.person, state);
  const known = new Set(
    [...forms.primary, ...forms.other].flatMap((f) =>
      (
        f.fields as { id: string; kind: string; rows?: { fields: { id: string }[] }[]; children?: { id: string }[] }[]
      ).flatMap((x) => [
        x.id,
        ...(x.rows?.flatMap((r) => r.fields.map((y) => y.id)) ?? []),
        ...(x.children?.map((y) => y.id) ?? []),
      ]),
    ),
  );
  const errorList = (state?.errors ?? []).map((e) => {
    const id = `${state!.type}-${e.field}`;
    // A refusal about no field points at the event's form, or at the page when the case no longer offers it.
    const formThere = [...forms.primary, ...forms.other].some((f) => f.type === state!.type);
    const target = known.has(id)
      ? id
      : ([...known].find((k) => k.startsWith(id + '-')) ?? (formThere ? `form-${state!.type}` : 'main-content'));
    return {
      text: e.field ? `${fieldWords(e.field.split('-').pop()!).label}: ${e.message}` : e.message,
      href: `#${target}`,
    };
  });
  c.render(
    'case.njk',
    {
      title: `Case ${trace.claimantRef}`,
      trace,
      view,
      summary: summaryRows(trace, view, found.status),
      stage: stageWords(view.stage),
      timeline: timeline(trace).map((t) => ({ ...t, when: londonTime(t.at) })),
      machine: machineSvg(view.stage, trace.transitions),
      path: trace.transitions.map((t) => stageWords(t.to)),
      forms,
      errorList,
      temporalUi: c.deps.temporalUi
        ? `${c.deps.temporalUi}/namespaces/${c.deps.namespace ?? 'default'}/workflows/${workflowIdFor(trace.claimantRef)}`
        : null,
      returnTo: c.url.pathname,
    },
    status,
  );
}

export const casePage = (c: RequestContext, [ref]: string[]) => renderCase(c, ref);

export async function eventPost(c: RequestContext, [ref]: string[]) {
  const form = c.form!;
  const type = form.get('type') ?? '';
  const p = person(c);
  if (!isPersonEvent(type))
    return c.render('error.njk', { title: 'Unknown event', message: `Known events: ${EVENT_TYPES.join(', ')}.` }, 400);
  // The role check is here, on the server: a hidden form is not a permission.
  const role = roleFor(type, p.roles);
  if (!role)
    return c.render(
      'error.njk',
      {
        title: 'You cannot record this',
        message: `${eventWords(type)} (${type}) is recorded by ${ROLES_FOR_EVENT[type as JourneyEventType].join(' or ').replace(/_/g, ' ')}. Nothing was sent.`,
      },
      403,
    );
  const found = await loadCase(c, ref);
  if (found === undefined)
    return c.render('error.njk', { title: 'No such case', message: `There is no journey for ${ref}.` }, 404);
  if (found === null) return c.render('error.njk', forbiddenCase, 403);
  const values = Object.fromEntries([...form.entries()].filter(([k]) => k !== 'csrf'));
  const parsed = eventFromForm(type, form);
  if (!parsed.ok) return renderCase(c, ref, { type, values, errors: parsed.errors }, 400);
  try {
    const handle = c.deps.client.workflow.getHandle(workflowIdFor(ref));
    const result = await executeEvent(handle, parsed.event, signerFor(p.credential, { role }));
    c.session.flash = `${eventWords(type)} recorded. Stage now: ${stageWords(result.stage)}.`;
  } catch (e) {
    if (!(e instanceof EventRejectedError)) throw e;
    return renderCase(c, ref, { type, values, errors: refusalErrors(type, e.message) }, 400);
  }
  const back = form.get('return');
  redirect(c.res, back && /^\/(cases\/[A-Za-z0-9_-]+|decisions)$/.test(back) ? back : `/cases/${ref}`);
}

// ——— decision maker, team leader, auditor, manager ——————————————————————————————————————————————

const inOffices = (rows: CaseRow[], offices: readonly string[]) =>
  rows.filter((r) => !r.office || actsFor(offices, r.office));

export async function decisionsPage(c: RequestContext) {
  const p = person(c);
  const rows = inOffices(await listCases(c.deps.client, { stage: 'awaitingDmDecision', running: true }), p.offices);
  const referrals = [];
  for (const r of rows.slice(0, 50)) {
    const found = await loadCase(c, r.claimantRef);
    if (!found) continue;
    const t = found.trace;
    const failure = [...t.appointments].reverse().find((a) => a.status === 'fta' || a.status === 'ftp');
    referrals.push({
      ref: t.claimantRef,
      stencil: [
        {
          key: { text: 'Failure' },
          value: {
            text: failure
              ? `${failure.status === 'fta' ? 'Failed to attend' : 'Failed to participate'} the ${valueWords(failure.kind)}`
              : '—',
          },
        },
        { key: { text: 'Appointment' }, value: { text: failure ? londonTime(failure.at) : '—' } },
        { key: { text: 'Referred' }, value: { text: londonTime(t.referredToDmAt) } },
        {
          key: { text: 'Contacts after' },
          value: {
            text:
              t.contacts
                .map((x) => `${eventWords(x.event)} ${londonTime(x.at)}: ${x.reached ? 'reached' : 'not reached'}`)
                .join('; ') || 'None',
          },
        },
        { key: { text: 'Doubts' }, value: { text: t.doubts.length ? `${t.doubts.length} raised` : 'None' } },
        { key: { text: 'Easement used' }, value: { text: t.easementUsed ? 'Yes' : 'No' } },
        { key: { text: 'Office and coach' }, value: { text: `${t.office}, ${t.workCoach}` } },
      ],
      fields: formFields('DM_DECISION').map((f) => fieldView('DM_DECISION', f, {}, [])),
    });
  }
  c.render('decisions.njk', { title: 'Referrals awaiting a decision', referrals, count: rows.length });
}

export async function teamPage(c: RequestContext) {
  const p = person(c);
  const rows = inOffices(await listCases(c.deps.client, { running: true }), p.offices);
  const now = new Date().toISOString();
  const overdue = rows.filter((r) => r.nextDeadline && r.nextDeadline < now);
  const advice = rows.filter((r) => r.stage === 'awaitingTeamLeaderAdvice');
  const reassign = rows.filter((r) => r.stage === 'awaitingReassignment');
  const perCoach = new Map<string, number>();
  for (const r of rows) perCoach.set(r.workCoach ?? '—', (perCoach.get(r.workCoach ?? '—') ?? 0) + 1);
  const table = (list: CaseRow[]) =>
    list.map((r) => tableRow({ ...r, overdue: !!r.nextDeadline && r.nextDeadline < now }, true));
  // Escalations are in each journey's trace: read only for the cases that can have escalated (waits past their
  // deadline, advice and reassignments), at most 100, so the page stays one list query plus a bounded few.
  const candidates = [...new Map([...overdue, ...advice, ...reassign].map((r) => [r.claimantRef, r])).values()];
  const escalated: { ref: string; count: number; last: { reason: string; at: string } }[] = [];
  for (const r of candidates.slice(0, 100)) {
    const found = await loadCase(c, r.claimantRef).catch(() => null);
    const list = found?.trace.escalations ?? [];
    if (list.length) escalated.push({ ref: r.claimantRef, count: list.length, last: list[list.length - 1] });
  }
  const escalations = escalated
    .sort((a, b) => b.last.at.localeCompare(a.last.at))
    .map((e) => [
      { html: `<a class="govuk-link" href="/cases/${e.ref}">${e.ref}</a>` },
      { text: e.last.reason },
      { text: londonTime(e.last.at) },
      { text: String(e.count), format: 'numeric' },
    ]);
  c.render('team.njk', {
    title: 'Team queue',
    sections: [
      { key: 'overdue', title: 'Overdue waits', rows: table(overdue) },
      { key: 'advice', title: 'Awaiting your advice', rows: table(advice) },
      { key: 'reassign', title: 'Awaiting reassignment', rows: table(reassign) },
    ],
    escalations,
    coaches: [...perCoach].sort().map(([coach, n]) => [{ text: coach }, { text: String(n), format: 'numeric' }]),
    running: rows.length,
  });
}

export function auditSearch(c: RequestContext) {
  const ref = (c.url.searchParams.get('ref') ?? '').trim();
  if (ref) {
    if (/^[A-Za-z0-9_-]{1,40}$/.test(ref)) return redirect(c.res, `/audit/${ref}`);
    return c.render(
      'audit-search.njk',
      {
        title: 'Audit a case',
        errors: [{ text: 'Claimant reference: letters, digits, "-" or "_"', href: '#ref' }],
        ref,
      },
      400,
    );
  }
  c.render('audit-search.njk', { title: 'Audit a case' });
}

export async function auditPage(c: RequestContext, [ref, md]: string[]) {
  const found = await loadCase(c, ref);
  if (found === undefined)
    return c.render('error.njk', { title: 'No such case', message: `There is no journey for ${ref}.` }, 404);
  if (found === null) return c.render('error.njk', forbiddenCase, 403);
  const trail = await auditTrail(c.deps.client, ref, c.deps.replayDataConverter);
  if (md) {
    c.res.writeHead(200, {
      'Content-Type': 'text/markdown; charset=utf-8',
      'Content-Disposition': `attachment; filename="audit-${ref}.md"`,
    });
    return void c.res.end(trail.markdown);
  }
  c.render('audit.njk', { title: `Decision trail: ${ref}`, ref, trail });
}

export async function caseloadPage(c: RequestContext) {
  const p = person(c);
  const choices = await officeChoices(c.deps.db, p.offices);
  const { query, errors } = readManagerQuery(c.url.searchParams, choices);
  const offices = choices.map((o) => ({
    value: o,
    text: o === '*' ? 'All offices' : o,
    selected: o === query.office,
  }));
  const fieldErrors = Object.fromEntries(errors.map((e) => [e.field, e.text]));
  const page = { title: 'Caseload', query, offices, errors, fieldErrors };
  // A bad selection reads nothing: the form comes back with the fields named.
  if (errors.length) return c.render('caseload.njk', page, 400);
  c.render('caseload.njk', { ...page, ...(await managerFigures(c.deps.db, query)) });
}
