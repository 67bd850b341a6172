// The staff front door: a server-rendered app on node:http. Every request finds its session (server-side,
// cookie id), every POST carries the session's CSRF token, every page says which roles may see it and the
// check runs here, on the server, before anything is read. Pages are thin: the work is client/ and the core.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import type { Db } from '../db';
import { canonicalJson } from '../identity/canonical';
import { prepareSignIn } from '../identity/sign-in';
import type { Credential, IssuerKey } from '../identity/signer';
import type { StaffDirectory, StaffRole } from '../domain/staff';
import { cookie, HttpError, parseCookies, readForm, redirect, securityHeaders, type Form } from './http';
import { csrfMatches, SessionStore, type Session, type SignedInPerson } from './sessions';
import { createViews } from './views';
import { serveAsset } from './assets';
import * as pages from './pages';
import type { OidcSignIn } from './oidc';

export const SESSION_COOKIE = 'hwc_session';
/** The session certificate, for the codec server: the Temporal Web UI decrypts payloads for signed-in staff. */
export const CERT_COOKIE = 'hwc_cert';

export interface WebDeps {
  client: Client;
  /** The staff directory, read again at each sign-in (a changed file takes effect without a restart). */
  staff: () => StaffDirectory;
  /** The deployment's current issuer key (identity/keys.ts): certifies each signed-in person's session key. */
  issuer: IssuerKey;
  /** hwc's database: the sign-in lockout counts. */
  db: Db;
  /** Serve cookies with `Secure` (the app is behind https). */
  secure: boolean;
  oidc?: OidcSignIn | null;
  /** Session idle limit (default 30 minutes). */
  idleMs?: number;
  /** Decrypts histories for the auditor's replay (the deployment's keys); none when payloads are plain. */
  replayDataConverter?: () => DataConverter | undefined;
  /** Where the Temporal Web UI is, for a link on each case page. */
  temporalUi?: string;
  namespace?: string;
  log?: (line: string) => void;
}

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  session: Session;
  deps: WebDeps;
  /** Renders a page with the layout's context (person, CSRF token, navigation). */
  render: (template: string, context?: Record<string, unknown>, status?: number) => void;
  /** The POSTed form, its CSRF token already checked. */
  form?: Form;
  signIn: (person: SignedInPerson) => void;
  signOut: () => void;
}

type Access = 'public' | 'signed-in' | readonly StaffRole[];
interface Route {
  method: 'GET' | 'POST';
  path: RegExp;
  access: Access;
  handle: (c: RequestContext, params: string[]) => Promise<void> | void;
}

const ROUTES: Route[] = [
  { method: 'GET', path: /^\/$/, access: 'signed-in', handle: pages.home },
  { method: 'GET', path: /^\/sign-in$/, access: 'public', handle: (c) => pages.signInPage(c) },
  { method: 'POST', path: /^\/sign-in$/, access: 'public', handle: pages.signInPost },
  { method: 'GET', path: /^\/sign-in\/oidc$/, access: 'public', handle: pages.oidcStart },
  { method: 'GET', path: /^\/sign-in\/oidc\/callback$/, access: 'public', handle: pages.oidcCallback },
  { method: 'POST', path: /^\/sign-out$/, access: 'public', handle: pages.signOutPost },
  { method: 'GET', path: /^\/work$/, access: ['work_coach', 'sds'], handle: pages.workPage },
  { method: 'GET', path: /^\/cases\/([A-Za-z0-9_-]{1,40})$/, access: 'signed-in', handle: pages.casePage },
  {
    method: 'POST',
    path: /^\/cases\/([A-Za-z0-9_-]{1,40})\/events$/,
    access: ['work_coach', 'sds', 'team_leader', 'decision_maker'],
    handle: pages.eventPost,
  },
  { method: 'GET', path: /^\/decisions$/, access: ['decision_maker'], handle: pages.decisionsPage },
  { method: 'GET', path: /^\/team$/, access: ['team_leader'], handle: pages.teamPage },
  { method: 'GET', path: /^\/audit$/, access: ['auditor'], handle: pages.auditSearch },
  { method: 'GET', path: /^\/audit\/([A-Za-z0-9_-]{1,40})(\.md)?$/, access: ['auditor'], handle: pages.auditPage },
  { method: 'GET', path: /^\/caseload$/, access: ['manager'], handle: pages.caseloadPage },
];

/** Navigation for a person: only the pages their roles open. */
export function navigationFor(roles: readonly StaffRole[], path: string) {
  const items: { href: string; text: string; roles: StaffRole[] }[] = [
    { href: '/work', text: 'My work today', roles: ['work_coach', 'sds'] },
    { href: '/team', text: 'Team queue', roles: ['team_leader'] },
    { href: '/decisions', text: 'Decisions', roles: ['decision_maker'] },
    { href: '/audit', text: 'Audit', roles: ['auditor'] },
    { href: '/caseload', text: 'Caseload', roles: ['manager'] },
  ];
  return items
    .filter((i) => i.roles.some((r) => roles.includes(r)))
    .map((i) => ({ href: i.href, text: i.text, active: path === i.href || path.startsWith(i.href + '/') }));
}

export const certCookieValue = (c: Credential) => Buffer.from(canonicalJson(c.cert)).toString('base64url');

export async function createWebApp(deps: WebDeps) {
  await prepareSignIn(deps.db);
  const sessions = new SessionStore(deps.idleMs);
  const render = createViews();
  const log = deps.log ?? (() => {});

  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const nonce = randomBytes(16).toString('base64');
    securityHeaders(res, nonce);
    try {
      if (req.method === 'GET' && url.pathname.startsWith('/assets/'))
        return void (await serveAsset(url.pathname, res));
      const cookies = parseCookies(req.headers.cookie);
      const setCookies: string[] = [];
      let session = sessions.get(cookies[SESSION_COOKIE]);
      if (!session) {
        session = sessions.create();
        setCookies.push(cookie(SESSION_COOKIE, session.id, { secure: deps.secure }));
        // A stale certificate cookie goes with the session it belonged to.
        if (cookies[CERT_COOKIE]) setCookies.push(cookie(CERT_COOKIE, '', { secure: deps.secure, maxAgeSeconds: 0 }));
      }
      const flush = () => {
        if (setCookies.length) res.setHeader('Set-Cookie', setCookies);
      };
      const ctx: RequestContext = {
        req,
        res,
        url,
        session,
        deps,
        render: (template, context = {}, status = 200) => {
          const s = ctx.session;
          const html = render(template, {
            cspNonce: nonce,
            csrf: s.csrf,
            person: s.person,
            navigation: s.person ? navigationFor(s.person.roles, url.pathname) : [],
            flash: s.flash,
            oidcEnabled: !!deps.oidc,
            ...context,
          });
          s.flash = undefined;
          flush();
          res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8' });
          res.end(html);
        },
        signIn: (person) => {
          ctx.session = sessions.rotate(ctx.session, person);
          setCookies.push(cookie(SESSION_COOKIE, ctx.session.id, { secure: deps.secure }));
          setCookies.push(cookie(CERT_COOKIE, certCookieValue(person.credential), { secure: deps.secure }));
          flush();
        },
        signOut: () => {
          sessions.end(ctx.session);
          ctx.session = sessions.create();
          setCookies.push(cookie(SESSION_COOKIE, ctx.session.id, { secure: deps.secure }));
          setCookies.push(cookie(CERT_COOKIE, '', { secure: deps.secure, maxAgeSeconds: 0 }));
          flush();
        },
      };
      const method = req.method === 'HEAD' ? 'GET' : req.method;
      let match: { route: Route; params: string[] } | null = null;
      let pathKnown = false;
      for (const route of ROUTES) {
        const m = route.path.exec(url.pathname);
        if (!m) continue;
        pathKnown = true;
        if (route.method === method) {
          match = { route, params: m.slice(1) };
          break;
        }
      }
      if (!match) {
        if (pathKnown) res.setHeader('Allow', 'GET, POST');
        return ctx.render('error.njk', pathKnown ? METHOD_NOT_ALLOWED : NOT_FOUND, pathKnown ? 405 : 404);
      }
      const { route, params } = match;
      if (route.method === 'POST') {
        ctx.form = await readForm(req);
        // Synchronizer token: a POST without this session's token changes nothing.
        if (!csrfMatches(ctx.session, ctx.form.get('csrf'))) {
          log(`refused a POST to ${url.pathname} without a valid CSRF token`);
          return ctx.render('error.njk', CSRF_REFUSED, 403);
        }
      }
      if (route.access !== 'public') {
        const person = ctx.session.person;
        if (!person) {
          if (route.method === 'GET')
            return redirect(res, `/sign-in?next=${encodeURIComponent(url.pathname)}`, setCookies);
          return ctx.render('error.njk', SIGNED_OUT, 401);
        }
        if (route.access !== 'signed-in' && !route.access.some((r) => person.roles.includes(r)))
          return ctx.render('error.njk', forbidden(route.access), 403);
      }
      await route.handle(ctx, params);
    } catch (e) {
      const status = e instanceof HttpError ? e.status : 500;
      if (status === 500) log(`error on ${req.method} ${url.pathname}: ${(e as Error).message.split('\n')[0]}`);
      if (res.headersSent) return void res.end();
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(e instanceof HttpError ? e.message : 'Sorry, something went wrong. Try again, or tell the service desk.');
    }
  };
  return { handler, sessions };
}

const NOT_FOUND = { title: 'Page not found', message: 'If you typed the web address, check it is correct.' };
const METHOD_NOT_ALLOWED = { title: 'That cannot be done here', message: 'Go back and use the form on the page.' };
const CSRF_REFUSED = {
  title: 'Your form could not be sent',
  message:
    'The form was not from this session (it may have been open too long, or sent from another site). Nothing was changed. Go back, reload the page and try again.',
};
const SIGNED_OUT = { title: 'You are signed out', message: 'Sign in again. Nothing was changed.' };
const forbidden = (roles: readonly StaffRole[]) => ({
  title: 'You cannot see this page',
  message: `This page is for people with the role ${roles.map((r) => r.replace(/_/g, ' ')).join(' or ')}. Nothing was changed.`,
});
export const forbiddenCase = {
  title: 'You cannot see this case',
  message: 'This case belongs to an office you do not act for. Nothing was changed.',
};
