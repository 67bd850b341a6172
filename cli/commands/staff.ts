// `hwc staff hash-password`: the scrypt hash of a password, for the `password` field of a staff directory
// entry (HWC_STAFF_FILE). The password is read without echo from the terminal (twice), or from the first line
// of standard input; it is never an argument, so it stays out of shell history and process lists.
import type { Command } from 'commander';
import { hashPassword } from '../../identity/password';
import { badInput } from '../errors';
import { ask } from '../prompt';

export async function hashPasswordCommand() {
  const password = await ask('Password: ', true);
  if (!password)
    throw badInput('password: nothing was given (type it, or give it on the first line of standard input)');
  if (process.stdin.isTTY && (await ask('Again: ', true)) !== password)
    throw badInput('password: the two entries differ; nothing was printed');
  let hash: string;
  try {
    hash = await hashPassword(password);
  } catch (e) {
    throw badInput((e as Error).message);
  }
  process.stdout.write(`${hash}\n`);
}

export function register(program: Command) {
  const staff = program.command('staff').description('the staff directory (HWC_STAFF_FILE)');
  staff
    .command('hash-password')
    .description('print the scrypt hash of a password, for a staff member\'s "password" in the staff directory')
    .addHelpText(
      'after',
      `
The password (12 to 256 characters) is asked for on the terminal, not shown, twice; or read from the first
line of standard input:  printf '%s\\n' "$PW" | hwc staff hash-password
Put the printed line in the person's entry:  {"staffId": "WC-07", "roles": ["work_coach"], "offices": ["LEEDS"], "password": "scrypt$…"}`,
    )
    .action(hashPasswordCommand);
}
