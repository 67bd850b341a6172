// Single sign-on with OpenID Connect (openid-client): authorization code flow with PKCE, state and nonce.
// The provider's `sub` (and issuer) maps to a staff record's `oidc` field (domain/staff.ts); the person's
// roles and offices still come from the staff directory, never from the provider's claims.
import * as oidc from 'openid-client';
import type { StaffDirectory, StaffMember } from '../domain/staff';

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret?: string;
  /** Where the provider sends the browser back: `<web URL>/sign-in/oidc/callback`. */
  redirectUri: string;
}

export interface OidcSignIn {
  settings: OidcSettings;
  /** The provider's authorization URL for a new sign-in, and what the callback must check. */
  begin(): Promise<{ url: string; state: string; nonce: string; verifier: string }>;
  /** The verified subject and issuer from the callback's code, or an error saying why not. */
  finish(
    callbackUrl: URL,
    expected: { state: string; nonce: string; verifier: string },
  ): Promise<{ sub: string; iss: string }>;
}

export function createOidcSignIn(settings: OidcSettings): OidcSignIn {
  let discovered: Promise<oidc.Configuration> | null = null;
  const configuration = () => {
    const issuer = new URL(settings.issuer);
    // A provider on plain http is accepted only on this machine (a local provider in development and tests).
    const local = issuer.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(issuer.hostname);
    discovered ??= oidc
      .discovery(
        issuer,
        settings.clientId,
        settings.clientSecret,
        settings.clientSecret ? oidc.ClientSecretPost(settings.clientSecret) : oidc.None(),
        local ? { execute: [oidc.allowInsecureRequests] } : undefined,
      )
      .catch((e: unknown) => {
        discovered = null; // try again at the next sign-in
        throw e;
      });
    return discovered;
  };
  return {
    settings,
    async begin() {
      const config = await configuration();
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: settings.redirectUri,
        scope: 'openid',
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      return { url: url.href, state, nonce, verifier };
    },
    async finish(callbackUrl, expected) {
      const config = await configuration();
      const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: expected.verifier,
        expectedState: expected.state,
        expectedNonce: expected.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (!claims?.sub) throw new Error('the provider sent no subject');
      return { sub: claims.sub, iss: String(claims.iss) };
    },
  };
}

/** The staff member whose `oidc.subject` (and issuer, when the record names one) is this. */
export function staffForSubject(dir: StaffDirectory, sub: string, iss: string): StaffMember | undefined {
  return dir.staff.find((s) => s.oidc?.subject === sub && (!s.oidc.issuer || sameIssuer(s.oidc.issuer, iss)));
}

const sameIssuer = (a: string, b: string) => a.replace(/\/$/, '') === b.replace(/\/$/, '');
