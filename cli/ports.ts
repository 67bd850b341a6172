// A port already taken gets a one-line answer before anything starts.
import { createServer } from 'node:net';
import { CliError } from './errors';

export function assertPortFree(port: number, what: string, variable: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        new CliError(
          e.code === 'EADDRINUSE'
            ? `port ${port} (${what}) is already in use: stop whatever holds it (another \`hwc dev\`?) or set ${variable} to a free port`
            : `cannot listen on port ${port} (${what}): ${e.message}`,
        ),
      ),
    );
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}
