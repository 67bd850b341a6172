// Starting the web front door on a port, for `hwc web` and `hwc dev`.
import { createServer, type Server } from 'node:http';
import type { Client } from '@temporalio/client';
import { openDb } from '../db';
import type { StaffDirectory } from '../domain/staff';
import type { IssuerKey } from '../identity/signer';
import type { HwcConfig } from '../worker/config';
import { dataConverterFor } from '../worker/data-converter';
import { createWebApp } from './app';
import { createOidcSignIn } from './oidc';

export interface WebServer {
  url: string;
  server: Server;
  close: () => Promise<void>;
}

export async function startWebServer(o: {
  cfg: HwcConfig;
  client: Client;
  staff: () => StaffDirectory;
  issuer: IssuerKey;
  port?: number;
  host?: string;
  temporalUi?: string;
  log?: (line: string) => void;
}): Promise<WebServer> {
  const port = o.port ?? o.cfg.webPort;
  const host = o.host ?? '127.0.0.1';
  const url = (o.cfg.webUrl ?? `http://localhost:${port}`).replace(/\/$/, '');
  const db = await openDb(o.cfg.dbPath);
  const oidc = o.cfg.oidc ? createOidcSignIn({ ...o.cfg.oidc, redirectUri: `${url}/sign-in/oidc/callback` }) : null;
  const app = await createWebApp({
    client: o.client,
    staff: o.staff,
    issuer: o.issuer,
    db,
    secure: url.startsWith('https:'),
    oidc,
    replayDataConverter: () => (o.cfg.encryption ? dataConverterFor(o.cfg, 'replay') : undefined),
    temporalUi: o.temporalUi,
    namespace: o.cfg.namespace,
    log: o.log,
  });
  const server = createServer((req, res) => void app.handler(req, res));
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
  } catch (e) {
    await db.close();
    throw e;
  }
  return {
    url,
    server,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await db.close();
    },
  };
}
