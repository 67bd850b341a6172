// Server-side sessions, in memory: the browser holds only a random id (HttpOnly, SameSite=Strict cookie).
// A session ends after IDLE_MS without a request, when its credential expires, or on sign out. Visitors who
// have not signed in get an anonymous session too, so the sign-in form carries a CSRF token like every other.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { StaffRole } from '../domain/staff';
import type { Credential } from '../identity/signer';

export const IDLE_MS = 30 * 60_000;

export interface SignedInPerson {
  staffId: string;
  roles: StaffRole[];
  offices: string[];
  displayName?: string;
  /** The session credential issued at sign-in (identity/signer.ts): it signs this person's events. */
  credential: Credential;
  via: 'password' | 'oidc';
}

export interface Session {
  id: string;
  csrf: string;
  lastSeen: number;
  person: SignedInPerson | null;
  /** OpenID Connect: the state, nonce and PKCE verifier of a sign-in under way. */
  oidc?: { state: string; nonce: string; verifier: string };
  /** A one-off message for the next page (e.g. "Signed out", "Event recorded"). */
  flash?: string;
}

const token = () => randomBytes(32).toString('base64url');

export class SessionStore {
  private sessions = new Map<string, Session>();
  constructor(
    private readonly idleMs = IDLE_MS,
    private readonly now: () => number = Date.now,
  ) {}

  create(): Session {
    this.sweep();
    const s: Session = { id: token(), csrf: token(), lastSeen: this.now(), person: null };
    this.sessions.set(s.id, s);
    return s;
  }

  /** The live session for an id, its idle clock restarted; null when unknown, idle too long or expired. */
  get(id: string | undefined): Session | null {
    if (!id) return null;
    const s = this.sessions.get(id);
    if (!s) return null;
    const now = this.now();
    const credentialOver = s.person && Date.parse(s.person.credential.cert.exp) <= now;
    if (now - s.lastSeen > this.idleMs || credentialOver) {
      this.sessions.delete(id);
      return null;
    }
    s.lastSeen = now;
    return s;
  }

  /** A new id (and CSRF token) for a session that changes hands, e.g. at sign-in: no session fixation. */
  rotate(s: Session, person: SignedInPerson | null): Session {
    this.sessions.delete(s.id);
    const next: Session = { id: token(), csrf: token(), lastSeen: this.now(), person };
    this.sessions.set(next.id, next);
    return next;
  }

  end(s: Session) {
    this.sessions.delete(s.id);
  }

  private sweep() {
    const now = this.now();
    for (const [id, s] of this.sessions) if (now - s.lastSeen > this.idleMs) this.sessions.delete(id);
  }
}

/** The synchronizer token check, in constant time. */
export function csrfMatches(s: Session, given: string | null): boolean {
  if (!given) return false;
  const a = Buffer.from(s.csrf);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
