// A codec server (Temporal's remote codec protocol: POST /encode, /decode with base64 payloads) so the Web UI
// can show decrypted case data to staff. Only staff get in: each request carries a session certificate
// (identity/cert-token.ts: `Authorization: Bearer …` or the `hwc_cert` cookie of the web front door), verified
// against the deployment's identity keys. /decode reveals claimant records (dates of birth, phone numbers,
// health notes), so it also needs a role that may read them. Requests are taken only for this server's own
// Host (no DNS rebinding) and, from browsers, only from the Web UI's origins; bodies are capped. Each decode
// is recorded in one line (who, which workflow, how many payloads), never with the payload.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { readCertToken, tokenOf } from '../identity/cert-token';
import { verifySessionCert, type TrustedKey } from '../identity/proof';

type JsonPayload = { metadata?: Record<string, string>; data?: string };

const fromJson = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: p.data === undefined ? undefined : Buffer.from(p.data, 'base64'),
});
const toJson = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')]),
  ),
  data: p.data ? Buffer.from(p.data).toString('base64') : undefined,
});

/** Roles that may read case data in the Web UI: those that may read personal data unredacted (hwc outbox). */
export const DEFAULT_DECODE_ROLES = ['auditor', 'manager'] as const;
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface CodecServerOptions {
  codec: PayloadCodec;
  port: number;
  /** Browser origins allowed (CORS, with credentials): the Web UI's. */
  allowedOrigins: string[];
  /** Host names this server answers to, besides localhost and 127.0.0.1 (e.g. behind a proxy). */
  hosts?: string[];
  /** The deployment's trusted identity keys, read for each request (so a rotation takes effect). */
  trust: () => readonly TrustedKey[];
  decodeRoles?: readonly string[];
  maxBodyBytes?: number;
  /** One line per decode or refusal; never a payload. */
  log: (line: string) => void;
  now?: () => number;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Header text for a log line: printable, short. */
const clean = (v: string | string[] | undefined) =>
  String(Array.isArray(v) ? v[0] : (v ?? ''))
    .replace(/[^\w.:@/-]/g, '?')
    .slice(0, 120);

async function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > max) throw new HttpError(413, `body larger than ${max} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > max) throw new HttpError(413, `body larger than ${max} bytes`);
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

export function startCodecServer(o: CodecServerOptions): Promise<Server> {
  const max = o.maxBodyBytes ?? MAX_BODY_BYTES;
  const decodeRoles = o.decodeRoles ?? DEFAULT_DECODE_ROLES;
  const now = o.now ?? Date.now;
  const hosts = new Set(
    ['localhost', '127.0.0.1', '[::1]', ...(o.hosts ?? [])].map((h) => `${h}:${o.port}`.toLowerCase()),
  );

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const host = String(req.headers.host ?? '').toLowerCase();
    if (!hosts.has(host)) throw new HttpError(403, 'Host not allowed');
    const origin = req.headers.origin;
    if (origin !== undefined) {
      if (!o.allowedOrigins.includes(origin)) throw new HttpError(403, 'Origin not allowed');
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'Content-Type, X-Namespace, Authorization');
      res.setHeader('Vary', 'Origin');
    }
    // A browser's preflight carries no credentials; the request that follows must.
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    // The Web UI adds query parameters (`/decode?preserveStorageRefs=true`): match the path only.
    const path = new URL(req.url ?? '/', 'http://codec').pathname;
    const op = path.endsWith('/encode') ? 'encode' : path.endsWith('/decode') ? 'decode' : null;
    if (req.method !== 'POST' || !op) throw new HttpError(404, 'not found');

    const token = tokenOf(req.headers);
    if (!token) throw new HttpError(401, 'sign in first (no session certificate)');
    const checked = verifySessionCert(readCertToken(token), o.trust(), now());
    if (!checked.ok) throw new HttpError(401, `session not accepted: ${checked.error}`);
    const cert = checked.cert;
    if (op === 'decode' && !cert.roles.some((r) => decodeRoles.includes(r)))
      throw new HttpError(403, `${cert.sub} may not read case data (needs ${decodeRoles.join(' or ')})`);

    const raw = await readBody(req, max);
    let body: { payloads?: JsonPayload[] };
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new HttpError(400, 'body is not JSON');
    }
    if (!body || !Array.isArray(body.payloads)) throw new HttpError(400, 'body must be {"payloads": [...]}');
    const out = await o.codec[op](body.payloads.map(fromJson));
    if (op === 'decode') {
      const wf = req.headers['x-workflow-id'];
      o.log(
        `decode by ${cert.sub} (${cert.roles.join('+')}): ${out.length} payload${out.length === 1 ? '' : 's'}` +
          ` · namespace ${clean(req.headers['x-namespace']) || '-'} · workflow ${wf ? clean(wf) : '-'}`,
      );
    }
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ payloads: out.map(toJson) }));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      const status = e instanceof HttpError ? e.status : 400;
      // No payload content in the answer or the log: only what was wrong with the request.
      const reason = (e as Error).message.split('\n')[0].slice(0, 300);
      if (status === 401 || status === 403 || status === 413)
        o.log(`refused ${status} ${clean(req.method)} ${clean(req.url?.split('?')[0])}: ${reason}`);
      // A body too large is not read to its end: the connection closes after the answer rather than drain it.
      const headers = { 'Content-Type': 'text/plain', ...(status === 413 ? { Connection: 'close' } : {}) };
      if (!res.headersSent) res.writeHead(status, headers).end(`codec: ${reason}`);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, '127.0.0.1', () => resolve(server));
  });
}
