// Codec keys and the refusal of unencrypted payloads: keys are made only by `hwc dev`, ids are random,
// duplicate ids, reused keys and all-zero keys are refused; a TLS-less connection never carries an API key.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isUnencryptedMarker } from '../../domain/unencrypted';
import {
  AesGcmCodec,
  KeyError,
  UnencryptedPayloadError,
  createKeyFile,
  keysFromEnv,
  loadKeys,
} from '../../worker/codec';
import { ConfigError, loadConfig } from '../../worker/config';
import { codecKeys, dataConverterFor } from '../../worker/data-converter';

const dir = mkdtempSync(join(tmpdir(), 'hwc-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const b64 = () => randomBytes(32).toString('base64');
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('codec keys', () => {
  it('are created only by hwc dev, at the default path, with a random id, readable by the owner only', () => {
    const data = join(dir, 'data');
    const cfg = loadConfig({ HWC_DATA_DIR: data });
    expect(() => codecKeys(cfg)).toThrow(KeyError);
    expect(() => codecKeys(cfg)).toThrow(/no key file at .*codec-keys\.json: set HWC_CODEC_KEY_FILE/);
    expect(existsSync(cfg.codecKeyFile)).toBe(false);
    // A client or worker never makes keys; hwc dev does, only at its default path.
    expect(() => dataConverterFor(cfg, 'client')).toThrow(KeyError);
    expect(() => dataConverterFor(cfg, 'worker')).toThrow(KeyError);
    const custom = loadConfig({ HWC_DATA_DIR: data, HWC_CODEC_KEY_FILE: join(dir, 'elsewhere.json') });
    expect(() => codecKeys(custom, { createForDev: true })).toThrow(/no key file/);

    const made = codecKeys(cfg, { createForDev: true });
    expect(made.current).toMatch(/^k-[0-9a-f]{8}$/);
    expect(statSync(cfg.codecKeyFile).mode & 0o777).toBe(0o600);
    expect(codecKeys(cfg).keys.get(made.current)).toEqual(made.keys.get(made.current));
    // Two machines that each made keys never share an id (the "same id, different key" failure).
    const other = createKeyFile(join(dir, 'other-machine.json'));
    expect(other.current).not.toBe(made.current);
  });

  it('refuses a key id written twice, one key under two ids, and all-zero keys', () => {
    const key = b64();
    const twice = file('twice.json', `{"current": "k-1", "keys": {"k-1": "${b64()}", "k-1": "${b64()}"}}`);
    expect(() => loadKeys(twice)).toThrow(/key id k-1 appears twice/);
    const same = file('same.json', JSON.stringify({ current: 'k-1', keys: { 'k-1': key, 'k-2': key } }));
    expect(() => loadKeys(same)).toThrow(/keys k-1 and k-2 are the same key/);
    const zero = file(
      'zero.json',
      JSON.stringify({ current: 'k-0', keys: { 'k-0': Buffer.alloc(32).toString('base64') } }),
    );
    expect(() => loadKeys(zero)).toThrow(/key k-0 is all zeros/);
    expect(() => keysFromEnv(`k-1:${key},k-1:${b64()}`)).toThrow(/HWC_CODEC_KEYS: key id k-1 appears twice/);
    expect(() => keysFromEnv(`k-0:${Buffer.alloc(32).toString('base64')}`)).toThrow(/all zeros/);
    expect(() => keysFromEnv('k-1:short')).toThrow(/id:base64 of 32 bytes/);
    expect(keysFromEnv(`k-new:${b64()},k-old:${b64()}`).current).toBe('k-new');
  });
});

describe('unencrypted payloads', () => {
  const keys = { current: 'k-a', keys: new Map([['k-a', randomBytes(32)]]) };
  const plain = {
    metadata: { encoding: new TextEncoder().encode('json/plain') },
    data: new TextEncoder().encode('{"type":"CLAIM_CLOSED"}'),
  };

  it('become a marker on a worker, an error on a client, and pass only when replaying', async () => {
    const [marker] = await new AesGcmCodec(keys, 'marker').decode([plain]);
    expect(isUnencryptedMarker(JSON.parse(new TextDecoder().decode(marker.data!)))).toBe(true);
    await expect(new AesGcmCodec(keys, 'refuse').decode([plain])).rejects.toThrow(UnencryptedPayloadError);
    await expect(new AesGcmCodec(keys).decode([plain])).rejects.toThrow(/payload not encrypted/);
    expect(await new AesGcmCodec(keys, 'pass').decode([plain])).toEqual([plain]);
    // What this deployment encrypted always decodes, whatever the policy.
    const codec = new AesGcmCodec(keys, 'marker');
    const [back] = await codec.decode(await codec.encode([plain]));
    expect(new TextDecoder().decode(back.data!)).toBe('{"type":"CLAIM_CLOSED"}');
  });

  it('the marker predicate finds it alone or among arguments, and nothing else', () => {
    expect(isUnencryptedMarker([{ type: 'X' }, { __hwcUnencryptedPayload: true }])).toBe(true);
    expect(isUnencryptedMarker({ type: 'CLAIM_CLOSED' })).toBe(false);
    expect(isUnencryptedMarker({ __hwcUnencryptedPayload: 'true' })).toBe(false);
    expect(isUnencryptedMarker(null)).toBe(false);
  });
});

describe('connections', () => {
  it('never send an API key without TLS', () => {
    expect(() => loadConfig({ TEMPORAL_API_KEY: 'secret', TEMPORAL_TLS: 'false' })).toThrow(ConfigError);
    expect(() => loadConfig({ TEMPORAL_API_KEY: 'secret', TEMPORAL_TLS: 'false' })).toThrow(
      /^environment variables TEMPORAL_API_KEY and TEMPORAL_TLS=false: .*$/,
    );
    expect(loadConfig({ TEMPORAL_API_KEY: 'secret' }).tls).not.toBeNull();
  });
});
