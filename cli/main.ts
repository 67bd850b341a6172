// `hwc`: the command line of work coaches, managers, auditors and policy teams.
import { Command, CommanderError } from 'commander';
import { CliError, reasonOnly } from './errors';
import * as simulate from './commands/simulate';
import * as mi from './commands/mi';
import * as diagram from './commands/diagram';
import * as dev from './commands/dev';
import * as worker from './commands/worker';
import * as report from './commands/report';
import * as schedule from './commands/schedule';
import * as cases from './commands/cases';
import * as show from './commands/show';
import * as event from './commands/event';
import * as outbox from './commands/outbox';
import * as audit from './commands/audit';
import * as codecServer from './commands/codec-server';
import * as login from './commands/login';
import * as staff from './commands/staff';
import * as keys from './commands/keys';
import * as web from './commands/web';

const program = new Command('hwc')
  .description('Health and Work Conversation journeys: XState machine, Temporal workflows')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

for (const command of [
  login,
  report,
  schedule,
  cases,
  mi,
  show,
  event,
  outbox,
  dev,
  worker,
  codecServer,
  web,
  simulate,
  diagram,
  audit,
  staff,
  keys,
])
  command.register(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    // Commander already printed the message; usage errors are bad input.
    process.exit(e.exitCode === 0 ? 0 : 2);
  }
  if (e instanceof CliError) {
    process.stderr.write(`hwc: ${reasonOnly(e.message)}\n`);
    process.exit(e.exitCode);
  }
  process.stderr.write(`hwc: ${reasonOnly(e instanceof Error ? e.message : String(e))}\n`);
  process.exit(1);
}
