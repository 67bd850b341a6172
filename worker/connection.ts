// Connections to any Temporal cluster: the embedded dev server, a self-hosted cluster (mTLS) or
// Temporal Cloud (mTLS or API key), from the same validated configuration.
import { readFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { HwcConfig } from './config';
import { dataConverterFor } from './data-converter';

function tlsOptions(config: HwcConfig) {
  if (!config.tls) return undefined;
  const { clientCertPath, clientKeyPath, caPath, serverName } = config.tls;
  return {
    serverNameOverride: serverName,
    serverRootCACertificate: caPath ? readFileSync(caPath) : undefined,
    clientCertPair:
      clientCertPath && clientKeyPath
        ? { crt: readFileSync(clientCertPath), key: readFileSync(clientKeyPath) }
        : undefined,
  };
}

export class UnreachableError extends Error {}

const unreachable = (config: HwcConfig, e: unknown) =>
  new UnreachableError(
    `cannot reach Temporal at ${config.address} (namespace ${config.namespace}): ${(e as Error).message.split('\n')[0]}. ` +
      'Start one with `npx hwc dev`, or set TEMPORAL_ADDRESS (and TLS/API key variables) to your cluster.',
  );

export async function connectClient(config: HwcConfig): Promise<Client> {
  // Outside the try: missing keys are a configuration error, not an unreachable server.
  const dataConverter = dataConverterFor(config, 'client');
  try {
    const connection = await Connection.connect({
      address: config.address,
      tls: tlsOptions(config),
      apiKey: config.apiKey,
      connectTimeout: '5s',
    });
    return new Client({ connection, namespace: config.namespace, dataConverter });
  } catch (e) {
    throw unreachable(config, e);
  }
}

export async function connectWorker(config: HwcConfig): Promise<NativeConnection> {
  try {
    return await NativeConnection.connect({ address: config.address, tls: tlsOptions(config), apiKey: config.apiKey });
  } catch (e) {
    throw unreachable(config, e);
  }
}
