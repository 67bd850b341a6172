// `hwc web`: the staff front door on HWC_WEB_PORT (default 3000), against the Temporal of this configuration.
// `hwc dev` starts one by itself. People sign in with the staff directory (or single sign-on when
// HWC_OIDC_ISSUER is set); the process needs the deployment's issuer key to certify their sessions.
import type { Command } from 'commander';
import { startWebServer } from '../../web/server';
import { client, config } from '../context';
import { CliError } from '../errors';
import { identityKeys, requireStaffDirectory } from '../identity';
import { assertPortFree } from '../ports';

export function register(program: Command) {
  program
    .command('web')
    .description('serve the staff web front door (sign in, my work today, case pages, decisions, audit)')
    .option('--port <port>', 'port (default HWC_WEB_PORT or 3000)')
    .action(async (opts: { port?: string }) => {
      const cfg = config();
      const port = opts.port ? Number(opts.port) : cfg.webPort;
      if (!Number.isInteger(port) || port < 1 || port > 65535)
        throw new CliError('--port: a port number from 1 to 65535', 2);
      const keys = identityKeys(cfg);
      if (!keys.issuer)
        throw new CliError(
          `identity keys: ${keys.path} has no private key; the web front door certifies sessions with it`,
          2,
        );
      requireStaffDirectory(cfg); // a missing or malformed directory stops the start, not the first sign-in
      await assertPortFree(port, 'web front door', 'HWC_WEB_PORT or --port');
      const c = await client(cfg);
      const web = await startWebServer({
        cfg,
        client: c,
        staff: () => requireStaffDirectory(cfg),
        issuer: keys.issuer,
        port,
        log: (line) => process.stderr.write(`hwc web: ${line}\n`),
      });
      process.stderr.write(`hwc web: ${web.url} ; Ctrl-C to stop\n`);
      const stop = async () => {
        await web.close();
        await c.connection.close().catch(() => undefined);
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
    });
}
