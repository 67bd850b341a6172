// A session certificate as a bearer credential for reading services (the codec server): the base64url of its
// canonical JSON, sent as `Authorization: Bearer <token>` or in the `hwc_cert` cookie that the web front door
// sets at sign-in (HttpOnly, SameSite=Strict). Whoever holds it may read until it expires: it is kept out
// of scripts' reach (HttpOnly) and out of logs.
import { canonicalJson } from './canonical';
import type { SessionCert } from './proof';

export const CERT_COOKIE = 'hwc_cert';
/** A certificate is under 1 KiB; anything much longer is not one. */
const MAX_TOKEN_LENGTH = 4096;

export const certToken = (cert: SessionCert) => Buffer.from(canonicalJson(cert), 'utf8').toString('base64url');

/** The certificate in a token, unverified (verifySessionCert checks it), or null if it is not JSON at all. */
export function readCertToken(token: string): unknown {
  if (token.length > MAX_TOKEN_LENGTH || !/^[A-Za-z0-9_-]+$/.test(token)) return null;
  try {
    return JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
}

/** The token a request carries: its bearer token, else its `hwc_cert` cookie. */
export function tokenOf(headers: { authorization?: string; cookie?: string }): string | null {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
  if (bearer) return bearer[1];
  for (const part of (headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === CERT_COOKIE) return part.slice(eq + 1).trim();
  }
  return null;
}
