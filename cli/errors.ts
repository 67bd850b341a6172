// How the CLI fails: one line on stderr and an exit code (B: 2 bad input, 1 anything else), never a stack
// trace for a problem the user can fix.
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 | 3 = 1,
  ) {
    super(message);
  }
}

export const badInput = (message: string) => new CliError(message, 2);
