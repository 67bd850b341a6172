// The web front door's configuration: its port, public address and single sign-on settings are validated at
// start like every other variable, with one line naming the variable.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../worker/config';

const load = (env: Record<string, string>) => loadConfig({ HWC_DATA_DIR: '/tmp/hwc-config-test', ...env });

describe('web front door configuration', () => {
  it('serves on port 3000 with no single sign-on unless asked', () => {
    expect(load({})).toMatchObject({ webPort: 3000, webUrl: undefined, oidc: null });
  });

  it('reads the port, the public address and the OpenID Connect client', () => {
    const cfg = load({
      HWC_WEB_PORT: '8080',
      HWC_WEB_URL: 'https://hwc.example.gov.uk',
      HWC_OIDC_ISSUER: 'https://login.example.gov.uk',
      HWC_OIDC_CLIENT_ID: 'hwc',
      HWC_OIDC_CLIENT_SECRET: 's3cret',
    });
    expect(cfg).toMatchObject({
      webPort: 8080,
      webUrl: 'https://hwc.example.gov.uk',
      oidc: { issuer: 'https://login.example.gov.uk', clientId: 'hwc', clientSecret: 's3cret' },
    });
  });

  it.each([
    [{ HWC_WEB_PORT: '0' }, /HWC_WEB_PORT/],
    [{ HWC_WEB_URL: 'hwc.example' }, /HWC_WEB_URL: must be a URL/],
    [{ HWC_OIDC_ISSUER: 'login' }, /HWC_OIDC_ISSUER/],
    [
      { HWC_OIDC_ISSUER: 'https://login.example.gov.uk' },
      /HWC_OIDC_ISSUER and HWC_OIDC_CLIENT_ID must be set together/,
    ],
    [{ HWC_OIDC_CLIENT_ID: 'hwc' }, /HWC_OIDC_ISSUER and HWC_OIDC_CLIENT_ID must be set together/],
  ])('refuses %o naming the variable', (env, message) => {
    expect(() => load(env)).toThrow(ConfigError);
    expect(() => load(env)).toThrow(message);
  });
});
