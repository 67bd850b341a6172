// `hwc codec-server`: decrypts payloads for the Web UI (`hwc dev` starts one by itself).
import type { Command } from 'commander';
import { AesGcmCodec } from '../../worker/codec';
import { startCodecServer } from '../../worker/codec-server';
import { codecKeys } from '../../worker/data-converter';
import { config } from '../context';
import { CliError } from '../errors';
import { assertPortFree } from '../ports';

export function register(program: Command) {
  program
    .command('codec-server')
    .description('serve the payload codec to the Temporal Web UI (decrypts case data for staff)')
    .option('--port <port>', 'port (default HWC_CODEC_PORT or UI port + 1)')
    .option('--origin <url...>', 'Web UI origins allowed by CORS', ['http://localhost:8233', 'http://127.0.0.1:8233'])
    .action(async (opts: { port?: string; origin: string[] }) => {
      const cfg = config();
      const port = opts.port ? Number(opts.port) : cfg.codecPort;
      await assertPortFree(port, 'codec server', 'HWC_CODEC_PORT or --port');
      let codec: AesGcmCodec;
      try {
        codec = new AesGcmCodec(codecKeys(cfg), 'pass');
      } catch (e) {
        throw new CliError((e as Error).message, 2);
      }
      await startCodecServer(codec, port, opts.origin);
      process.stderr.write(
        `hwc codec-server: http://127.0.0.1:${port} (origins ${opts.origin.join(', ')}); Ctrl-C to stop\n`,
      );
    });
}
