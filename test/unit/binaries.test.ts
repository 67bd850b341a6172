import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  devServerExecutable,
  PROJECT_ROOT,
  resolveTemporalCli,
  resolveTestServer,
  testServerExecutable,
} from '../../worker/binaries';

const ENV_KEYS = ['PATH', 'HWC_TEMPORAL_CLI', 'HWC_TEST_SERVER'] as const;
let saved: Record<string, string | undefined>;
let tmp: string;
/** A project root with no .venv: the 'local' step finds nothing unless a test writes paths.json. */
let emptyRoot: string;

function fakeExe(dir: string, name: string, mode = 0o755): string {
  mkdirSync(dir, { recursive: true });
  const p = path.join(dir, name);
  writeFileSync(p, '#!/bin/sh\necho fake\n');
  chmodSync(p, mode);
  return p;
}

function writePathsJson(root: string, paths: { cli?: string; testServer?: string }): void {
  mkdirSync(path.join(root, '.venv', 'temporal'), { recursive: true });
  writeFileSync(path.join(root, '.venv', 'temporal', 'paths.json'), JSON.stringify(paths));
}

beforeEach(() => {
  saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
  tmp = mkdtempSync(path.join(tmpdir(), 'hwc-binaries-'));
  emptyRoot = path.join(tmp, 'root');
  mkdirSync(emptyRoot);
  // Isolate from the developer's real PATH and env so results are deterministic.
  process.env.PATH = path.join(tmp, 'empty-bin');
  delete process.env.HWC_TEMPORAL_CLI;
  delete process.env.HWC_TEST_SERVER;
});

afterEach(() => {
  for (const k of ENV_KEYS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  rmSync(tmp, { recursive: true, force: true });
});

describe('resolveTemporalCli / resolveTestServer fallback order', () => {
  it('falls back to download when nothing is configured', () => {
    expect(resolveTemporalCli({ projectRoot: emptyRoot })).toEqual({ source: 'download' });
    expect(resolveTestServer({ projectRoot: emptyRoot })).toEqual({ source: 'download' });
    expect(devServerExecutable({ projectRoot: emptyRoot })).toEqual({ type: 'cached-download' });
    expect(testServerExecutable({ projectRoot: emptyRoot })).toEqual({ type: 'cached-download' });
  });

  it('uses the local install from .venv/temporal/paths.json', () => {
    const cli = fakeExe(path.join(tmp, 'venv-bin'), 'temporal');
    const ts = fakeExe(path.join(tmp, 'venv-bin'), 'temporal-test-server');
    writePathsJson(emptyRoot, { cli, testServer: ts });
    expect(resolveTemporalCli({ projectRoot: emptyRoot })).toEqual({ source: 'local', path: cli });
    expect(resolveTestServer({ projectRoot: emptyRoot })).toEqual({ source: 'local', path: ts });
    expect(devServerExecutable({ projectRoot: emptyRoot })).toEqual({ type: 'existing-path', path: cli });
    expect(testServerExecutable({ projectRoot: emptyRoot })).toEqual({ type: 'existing-path', path: ts });
  });

  it('ignores a stale or broken paths.json', () => {
    writePathsJson(emptyRoot, { cli: path.join(tmp, 'gone', 'temporal') });
    expect(resolveTemporalCli({ projectRoot: emptyRoot })).toEqual({ source: 'download' });
    writeFileSync(path.join(emptyRoot, '.venv', 'temporal', 'paths.json'), '{not json');
    expect(resolveTestServer({ projectRoot: emptyRoot })).toEqual({ source: 'download' });
  });

  it('prefers PATH over the local install, skipping non-executable files', () => {
    writePathsJson(emptyRoot, {
      cli: fakeExe(path.join(tmp, 'venv-bin'), 'temporal'),
      testServer: fakeExe(path.join(tmp, 'venv-bin'), 'temporal-test-server'),
    });
    fakeExe(path.join(tmp, 'bin1'), 'temporal', 0o644); // not executable: must be skipped
    const cli = fakeExe(path.join(tmp, 'bin2'), 'temporal');
    const ts = fakeExe(path.join(tmp, 'bin2'), 'temporal-test-server');
    process.env.PATH = [path.join(tmp, 'missing'), path.join(tmp, 'bin1'), path.join(tmp, 'bin2')].join(path.delimiter);
    expect(resolveTemporalCli({ projectRoot: emptyRoot })).toEqual({ source: 'path', path: cli });
    expect(resolveTestServer({ projectRoot: emptyRoot })).toEqual({ source: 'path', path: ts });
  });

  it('prefers the explicit env var over PATH and the local install', () => {
    fakeExe(path.join(tmp, 'bin'), 'temporal');
    fakeExe(path.join(tmp, 'bin'), 'temporal-test-server');
    process.env.PATH = path.join(tmp, 'bin');
    const cli = fakeExe(path.join(tmp, 'explicit'), 'my-temporal');
    const ts = fakeExe(path.join(tmp, 'explicit'), 'my-test-server');
    process.env.HWC_TEMPORAL_CLI = cli;
    process.env.HWC_TEST_SERVER = ts;
    expect(resolveTemporalCli({ projectRoot: emptyRoot })).toEqual({ source: 'env', path: cli });
    expect(resolveTestServer({ projectRoot: emptyRoot })).toEqual({ source: 'env', path: ts });
    expect(devServerExecutable()).toEqual({ type: 'existing-path', path: cli });
  });

  it('throws a one-line error naming the variable when the explicit path is missing', () => {
    const bad = path.join(tmp, 'nope', 'temporal');
    process.env.HWC_TEMPORAL_CLI = bad;
    expect(() => resolveTemporalCli()).toThrow(/HWC_TEMPORAL_CLI=.*nope/);
    try {
      resolveTemporalCli();
    } catch (e) {
      expect((e as Error).message).not.toContain('\n');
      expect((e as Error).message).toContain(bad);
    }
    expect(() => devServerExecutable()).toThrow(/HWC_TEMPORAL_CLI/);
  });

  it('throws naming HWC_TEST_SERVER when it points at a non-executable file or a directory', () => {
    process.env.HWC_TEST_SERVER = fakeExe(path.join(tmp, 'x'), 'temporal-test-server', 0o644);
    expect(() => resolveTestServer()).toThrow(/^HWC_TEST_SERVER=.*not an executable file/);
    process.env.HWC_TEST_SERVER = tmp;
    expect(() => testServerExecutable()).toThrow(/HWC_TEST_SERVER/);
  });

  it('resolves the project root from the module location, not the cwd', () => {
    expect(path.resolve(PROJECT_ROOT)).toBe(fileURLToPath(new URL('../..', import.meta.url)).replace(/[\\/]$/, ''));
  });
});
