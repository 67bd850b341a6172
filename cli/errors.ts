// How the CLI fails: one line on stderr and an exit code (B: 2 bad input, 1 anything else), never a stack
// trace for a problem the user can fix.
import { terminalSafeLines } from './terminal';

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 | 3 = 1,
  ) {
    super(message);
  }
}

export const badInput = (message: string) => new CliError(message, 2);

/** A stack frame line (`    at fn (/app/x.ts:1:2)`) and a source location (`/app/x.ts:1:2`, `file:///…`). */
const FRAME = /\n\s+at [\s\S]*$/;
const SOURCE_LOCATION = /\s*\(?(?:file:\/\/)?(?:\/[\w.@+-]+)+\.(?:[cm]?[jt]sx?|rs|go)(?::\d+){1,2}\)?/g;

/**
 * What a person is told when something is refused or fails: the reason only. A message that arrived
 * from elsewhere (the server, the SDK, a worker's failure) can carry a stack trace or the file paths of
 * code on another machine; both are cut, and characters that would drive the terminal are escaped.
 */
export function reasonOnly(message: string): string {
  const reason = message.replace(FRAME, '').replace(SOURCE_LOCATION, '').trim();
  return terminalSafeLines(reason || 'failed (no reason given)');
}
