// The configuration of a worker on several hosts (issue 16): Worker Versioning and the metrics port are
// validated at start like every other variable, with one line naming the variable.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../worker/config';

const load = (env: Record<string, string>) => loadConfig({ HWC_DATA_DIR: '/tmp/hwc-config-test', ...env });

describe('Worker Versioning and metrics configuration', () => {
  it('is unversioned and serves no metrics unless asked', () => {
    const cfg = load({});
    expect(cfg.buildId).toBeNull();
    expect(cfg.metricsPort).toBeNull();
    expect(cfg.deploymentName).toBe('hwc');
    expect(cfg.versioningBehavior).toBe('PINNED');
  });

  it('reads a build, its deployment and behaviour, and a metrics port', () => {
    const cfg = load({
      HWC_BUILD_ID: '2026-11-30.a1b2c3d',
      HWC_DEPLOYMENT_NAME: 'hwc-leeds',
      HWC_VERSIONING_BEHAVIOR: 'auto-upgrade',
      HWC_METRICS_PORT: '9464',
    });
    expect(cfg).toMatchObject({
      buildId: '2026-11-30.a1b2c3d',
      deploymentName: 'hwc-leeds',
      versioningBehavior: 'AUTO_UPGRADE',
      metricsPort: 9464,
    });
  });

  it.each([
    ['HWC_BUILD_ID', 'build 1', /HWC_BUILD_ID: letters, digits/],
    ['HWC_DEPLOYMENT_NAME', 'hwc.prod', /HWC_DEPLOYMENT_NAME: letters, digits, - and _ only \(no dots\)/],
    ['HWC_VERSIONING_BEHAVIOR', 'sticky', /HWC_VERSIONING_BEHAVIOR/],
    ['HWC_METRICS_PORT', '70000', /HWC_METRICS_PORT/],
  ])('refuses %s=%s naming the variable', (name, value, message) => {
    expect(() => load({ [name]: value })).toThrow(ConfigError);
    expect(() => load({ [name]: value })).toThrow(message);
  });
});
