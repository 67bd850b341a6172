// Configuration from the environment, validated once with zod: a bad value stops the program with one
// line naming the variable and what it accepts.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { BooleanText } from '../domain/booleans';

export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const file = z
  .string()
  .min(1)
  .refine((p) => existsSync(p), 'file not found');

/** Temporal's rules for deployment names and build ids: no `.` in a name (it joins name and build id). */
export const DeploymentName = z.string().regex(/^[\w-]{1,255}$/, 'letters, digits, - and _ only (no dots)');
export const BuildId = z.string().regex(/^[\w.+-]{1,255}$/, 'letters, digits, . + - and _ only, e.g. a git commit');

const Env = z.object({
  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[\w.-]+:\d{1,5}$/, 'must be host:port, e.g. localhost:7233 or my-ns.a1b2c.tmprl.cloud:7233')
    .default('localhost:7233'),
  TEMPORAL_NAMESPACE: z
    .string()
    .regex(/^[\w.-]{1,255}$/, 'must be a namespace name')
    .default('default'),
  TEMPORAL_TLS_CERT: file.optional(),
  TEMPORAL_TLS_KEY: file.optional(),
  TEMPORAL_TLS_CA: file.optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().optional(),
  TEMPORAL_TLS: BooleanText.optional(),
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  HWC_TASK_QUEUE: z
    .string()
    .regex(/^[\w.-]{1,100}$/)
    .default('hwc'),
  HWC_DATA_DIR: z.string().min(1).default(resolve(PROJECT_ROOT, 'data')),
  HWC_DB: z.string().min(1).optional(),
  HWC_MAX_CACHED_WORKFLOWS: int(10, 100_000).default(2000),
  HWC_MAX_CONCURRENT_ACTIVITIES: int(1, 1000).default(50),
  HWC_MAX_CONCURRENT_WORKFLOW_TASKS: int(1, 1000).default(20),
  HWC_ENCRYPTION: BooleanText.default(true),
  HWC_CODEC_KEY_FILE: z.string().min(1).optional(),
  HWC_CODEC_KEYS: z.string().min(1).optional(),
  HWC_CODEC_PORT: int(1, 65535).optional(),
  HWC_STAFF_FILE: z.string().min(1).optional(),
  HWC_STUB_LATENCY_MS: int(0, 60_000).default(0),
  HWC_LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error']).default('info'),
  HWC_DEV_PORT: int(1, 65535).default(7233),
  HWC_METRICS_PORT: int(1, 65535).optional(),
  // Worker Versioning (docs/deploys.md): a worker with a build id serves that build of the deployment.
  HWC_BUILD_ID: BuildId.optional(),
  HWC_DEPLOYMENT_NAME: DeploymentName.default('hwc'),
  HWC_VERSIONING_BEHAVIOR: z.enum(['pinned', 'auto-upgrade']).default('pinned'),
  HWC_UI_PORT: int(1, 65535).default(8233),
  HWC_WEB_PORT: int(1, 65535).default(3000),
  /** The address people use for the web front door (behind a proxy: its https address). */
  HWC_WEB_URL: z.string().url('must be a URL, e.g. https://hwc.example.gov.uk').optional(),
  HWC_OIDC_ISSUER: z.string().url('must be the OpenID Connect issuer URL').optional(),
  HWC_OIDC_CLIENT_ID: z.string().min(1).optional(),
  HWC_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
});

export type HwcConfig = ReturnType<typeof loadConfig>;

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new ConfigError(`environment variable ${String(i.path[0])}: ${i.message}`);
  }
  const e = parsed.data;
  if (!!e.TEMPORAL_TLS_CERT !== !!e.TEMPORAL_TLS_KEY)
    throw new ConfigError(
      'environment variables TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY must be set together (mTLS client certificate)',
    );
  if (!!e.HWC_OIDC_ISSUER !== !!e.HWC_OIDC_CLIENT_ID)
    throw new ConfigError(
      'environment variables HWC_OIDC_ISSUER and HWC_OIDC_CLIENT_ID must be set together (single sign-on)',
    );
  if (e.TEMPORAL_API_KEY && e.TEMPORAL_TLS === false)
    throw new ConfigError(
      'environment variables TEMPORAL_API_KEY and TEMPORAL_TLS=false: an API key is never sent without TLS; unset TEMPORAL_TLS',
    );
  const tls = !!(e.TEMPORAL_TLS_CERT || e.TEMPORAL_API_KEY || e.TEMPORAL_TLS === true) && e.TEMPORAL_TLS !== false;
  return {
    address: e.TEMPORAL_ADDRESS,
    namespace: e.TEMPORAL_NAMESPACE,
    tls: tls
      ? {
          clientCertPath: e.TEMPORAL_TLS_CERT,
          clientKeyPath: e.TEMPORAL_TLS_KEY,
          caPath: e.TEMPORAL_TLS_CA,
          serverName: e.TEMPORAL_TLS_SERVER_NAME,
        }
      : null,
    apiKey: e.TEMPORAL_API_KEY,
    taskQueue: e.HWC_TASK_QUEUE,
    dataDir: e.HWC_DATA_DIR,
    dbPath: e.HWC_DB ?? resolve(e.HWC_DATA_DIR, 'stubs.sqlite'),
    maxCachedWorkflows: e.HWC_MAX_CACHED_WORKFLOWS,
    maxConcurrentActivities: e.HWC_MAX_CONCURRENT_ACTIVITIES,
    maxConcurrentWorkflowTasks: e.HWC_MAX_CONCURRENT_WORKFLOW_TASKS,
    encryption: e.HWC_ENCRYPTION,
    codecKeyFile: e.HWC_CODEC_KEY_FILE ?? resolve(e.HWC_DATA_DIR, 'codec-keys.json'),
    /** Only the default key file of local development is created when missing. */
    codecKeyFileIsDefault: !e.HWC_CODEC_KEY_FILE,
    codecKeys: e.HWC_CODEC_KEYS,
    codecPort: e.HWC_CODEC_PORT ?? e.HWC_UI_PORT + 1,
    staffFile: e.HWC_STAFF_FILE,
    stubLatencyMs: e.HWC_STUB_LATENCY_MS,
    logLevel: e.HWC_LOG_LEVEL,
    devPort: e.HWC_DEV_PORT,
    /** Where the SDK's Prometheus metrics are served (`/metrics`); none when unset. */
    metricsPort: e.HWC_METRICS_PORT ?? null,
    deploymentName: e.HWC_DEPLOYMENT_NAME,
    versioningBehavior: e.HWC_VERSIONING_BEHAVIOR === 'pinned' ? ('PINNED' as const) : ('AUTO_UPGRADE' as const),
    /** The build this worker serves (HWC_BUILD_ID); null: unversioned. */
    buildId: e.HWC_BUILD_ID ?? null,
    uiPort: e.HWC_UI_PORT,
    webPort: e.HWC_WEB_PORT,
    webUrl: e.HWC_WEB_URL,
    oidc: e.HWC_OIDC_ISSUER
      ? { issuer: e.HWC_OIDC_ISSUER, clientId: e.HWC_OIDC_CLIENT_ID!, clientSecret: e.HWC_OIDC_CLIENT_SECRET }
      : null,
  };
}
