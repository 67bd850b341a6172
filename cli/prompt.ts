// Reading a secret from a person: on a terminal without echo, otherwise the first line of standard input
// (`printf '%s\n' "$PW" | hwc login --staff WC-01`), so that scripts and tests can type it too.
import { createInterface } from 'node:readline';
import { MAX_PASSWORD_LENGTH } from '../identity/password';

/** Reads one line; on a terminal without echo when `hidden` (a password). */
export async function ask(question: string, hidden: boolean): Promise<string> {
  if (!process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) {
      chunks.push(c as Buffer);
      const all = Buffer.concat(chunks);
      // Stop at the first line, and long before a megabyte "password" is read.
      if (all.includes(10) || all.length > MAX_PASSWORD_LENGTH * 4) break;
    }
    return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0];
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  if (hidden) {
    const out = rl as unknown as { _writeToOutput: (s: string) => void };
    out._writeToOutput = (s: string) => {
      if (s.startsWith(question)) process.stderr.write(question);
    };
  }
  try {
    return await new Promise<string>((resolve) => rl.question(question, resolve));
  } finally {
    rl.close();
    if (hidden) process.stderr.write('\n');
  }
}
