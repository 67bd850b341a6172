// The data converter every client and worker of a deployment shares: payloads encrypted with the
// configured keys (worker/codec.ts). Off only when HWC_ENCRYPTION=off.
import type { DataConverter } from '@temporalio/common';
import { AesGcmCodec, keysFromEnv, loadKeys, type CodecKeys } from './codec';
import type { HwcConfig } from './config';

export function codecKeys(cfg: HwcConfig): CodecKeys {
  return cfg.codecKeys ? keysFromEnv(cfg.codecKeys) : loadKeys(cfg.codecKeyFile, cfg.codecKeyFileIsDefault);
}

export function dataConverterFor(cfg: HwcConfig): DataConverter | undefined {
  if (!cfg.encryption) return undefined;
  return { payloadCodecs: [new AesGcmCodec(codecKeys(cfg))] };
}
