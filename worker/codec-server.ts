// A codec server (Temporal's remote codec protocol: POST /encode, /decode with base64 payloads) so the
// Web UI can show decrypted payloads to staff whose browsers may reach it. CORS allows only the UI's
// origin; in production run it behind the organisation's single sign-on.
import { createServer, type Server } from 'node:http';
import type { Payload, PayloadCodec } from '@temporalio/common';

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

export function startCodecServer(codec: PayloadCodec, port: number, allowedOrigins: string[]): Promise<Server> {
  const server = createServer(async (req, res) => {
    const origin = req.headers.origin;
    if (origin && allowedOrigins.includes(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'Content-Type, X-Namespace, Authorization');
    }
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    // The Web UI adds query parameters (`/decode?preserveStorageRefs=true`): match the path only.
    const path = new URL(req.url ?? '/', 'http://codec').pathname;
    const op = path.endsWith('/encode') ? 'encode' : path.endsWith('/decode') ? 'decode' : null;
    if (req.method !== 'POST' || !op) return void res.writeHead(404).end();
    try {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { payloads?: JsonPayload[] };
      if (!Array.isArray(body.payloads)) throw new Error('body must be {"payloads": [...]}');
      const out = await codec[op](body.payloads.map(fromJson));
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ payloads: out.map(toJson) }));
    } catch (e) {
      // No payload content in the answer: only what was wrong with the request.
      res.writeHead(400, { 'Content-Type': 'text/plain' }).end(`codec: ${(e as Error).message.split('\n')[0]}`);
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}
