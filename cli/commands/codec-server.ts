// `hwc codec-server`: decrypts payloads for the Web UI, for signed-in staff only (`hwc dev` starts one by itself).
import type { Command } from 'commander';
import { STAFF_ROLES } from '../../domain/staff';
import { AesGcmCodec } from '../../worker/codec';
import { DEFAULT_DECODE_ROLES, startCodecServer } from '../../worker/codec-server';
import { codecKeys } from '../../worker/data-converter';
import { config } from '../context';
import { badInput, CliError } from '../errors';
import { liveTrustedKeys } from '../identity';
import { assertPortFree } from '../ports';

export function register(program: Command) {
  program
    .command('codec-server')
    .description('serve the payload codec to the Temporal Web UI (decrypts case data for signed-in staff)')
    .option('--port <port>', 'port (default HWC_CODEC_PORT or UI port + 1)')
    .option('--origin <url...>', 'Web UI origins allowed by CORS', ['http://localhost:8233', 'http://127.0.0.1:8233'])
    .option('--host <name...>', 'host names it answers to besides localhost and 127.0.0.1 (behind a proxy)', [])
    .option('--decode-role <role...>', 'roles that may read case data', [...DEFAULT_DECODE_ROLES])
    .addHelpText(
      'after',
      `
Every request needs a staff session certificate, verified against the identity keys (HWC_IDENTITY_KEY_FILE):
the hwc_cert cookie set by the web front door at sign-in (the Web UI sends it when "include cross-origin
credentials" is on in its codec settings), or Authorization: Bearer <token>. 401 without one, 403 for another
Host or Origin or a role that may not read case data, 413 for a body over 4 MiB. Each decode is logged (who,
workflow, count) on stderr; payloads never are.`,
    )
    .action(async (opts: { port?: string; origin: string[]; host: string[]; decodeRole: string[] }) => {
      const cfg = config();
      const port = opts.port ? Number(opts.port) : cfg.codecPort;
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw badInput('--port: a port number from 1 to 65535');
      for (const r of opts.decodeRole)
        if (!(STAFF_ROLES as readonly string[]).includes(r))
          throw badInput(`--decode-role: ${r} is not a role (${STAFF_ROLES.join(', ')})`);
      const trust = liveTrustedKeys(cfg);
      await assertPortFree(port, 'codec server', 'HWC_CODEC_PORT or --port');
      let codec: AesGcmCodec;
      try {
        codec = new AesGcmCodec(codecKeys(cfg), 'pass');
      } catch (e) {
        throw new CliError((e as Error).message, 2);
      }
      await startCodecServer({
        codec,
        port,
        allowedOrigins: opts.origin,
        hosts: opts.host,
        trust,
        decodeRoles: opts.decodeRole,
        log: (line) => process.stderr.write(`hwc codec-server: ${line}\n`),
      });
      process.stderr.write(
        `hwc codec-server: http://127.0.0.1:${port} (origins ${opts.origin.join(', ')}); Ctrl-C to stop\n`,
      );
    });
}
