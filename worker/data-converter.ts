// The data converter every client and worker of a deployment shares: payloads encrypted with the
// configured keys (worker/codec.ts). Off only when HWC_ENCRYPTION=off. Keys are never made here: only
// `hwc dev` creates a key file (at its default path); everything else refuses to start without one.
import type { DataConverter } from '@temporalio/common';
import { AesGcmCodec, createKeyFile, keysFromEnv, loadKeys, type CodecKeys, type UnencryptedPolicy } from './codec';
import type { HwcConfig } from './config';
import { existsSync } from 'node:fs';

export function codecKeys(cfg: HwcConfig, o: { createForDev?: boolean } = {}): CodecKeys {
  if (cfg.codecKeys) return keysFromEnv(cfg.codecKeys);
  if (o.createForDev && cfg.codecKeyFileIsDefault && !existsSync(cfg.codecKeyFile))
    return createKeyFile(cfg.codecKeyFile);
  return loadKeys(cfg.codecKeyFile);
}

/**
 * `worker`: unencrypted payloads become a marker the workflow refuses; `client`: they are an error;
 * `replay`: recorded histories are read as they are (some were recorded with encryption off).
 */
export function dataConverterFor(
  cfg: HwcConfig,
  role: 'worker' | 'client' | 'replay' = 'client',
  keys?: CodecKeys,
): DataConverter | undefined {
  if (!cfg.encryption) return undefined;
  const policy: UnencryptedPolicy = role === 'worker' ? 'marker' : role === 'client' ? 'refuse' : 'pass';
  return { payloadCodecs: [new AesGcmCodec(keys ?? codecKeys(cfg), policy)] };
}
