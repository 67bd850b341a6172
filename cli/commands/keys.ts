// `hwc keys rotate`: a new identity key for the deployment (the key that certifies people's sessions), and
// every running journey told to trust it. The previous key keeps certifying until the sessions it signed have
// ended (at most a working day, or --grace-hours), then it is retired everywhere.
import type { Command } from 'commander';
import { pushTrust } from '../../client/trust';
import { localDate, localTime } from '../../domain/calendar';
import { IdentityKeyError, readIdentityKeys, rotateIdentityKey } from '../../identity/keys';
import { CERT_LIFETIME_MS } from '../../identity/proof';
import type { IssuerKey } from '../../identity/signer';
import { client, config } from '../context';
import { badInput, CliError } from '../errors';
import { identityKeyPath } from '../identity';
import { terminalSafe } from '../terminal';

export async function rotate(opts: { graceHours?: string }) {
  const cfg = config();
  const hours = opts.graceHours === undefined ? CERT_LIFETIME_MS / 3_600_000 : Number(opts.graceHours);
  if (!/^\d+(\.\d+)?$/.test(opts.graceHours ?? '12') || !Number.isFinite(hours) || hours > 24 * 7)
    throw badInput('--grace-hours: a number of hours from 0 to 168');
  const path = identityKeyPath(cfg);
  let before;
  try {
    before = readIdentityKeys(path);
  } catch (e) {
    if (e instanceof IdentityKeyError) throw new CliError(e.message, 2);
    throw e;
  }
  if (!before.issuer)
    throw new CliError(`identity keys: ${path} has no private key; rotate where the deployment's issuer key is`, 2);
  // The server first: a key file rotated while journeys cannot be told would leave them refusing new sessions.
  const c = await client(cfg);
  try {
    const rotated = rotateIdentityKey(path, { graceMs: hours * 3_600_000 });
    const kept = new Set(rotated.next.file.keys.map((k) => k.kid));
    // Keys that had already passed their end are dropped from the file; journeys drop them too.
    const retire = before.file.keys.map((k) => k.kid).filter((kid) => !kept.has(kid));
    const signers: IssuerKey[] = [
      rotated.previous,
      ...before.file.keys
        .filter((k) => k.privateKey && k.kid !== rotated.previous.kid && kept.has(k.kid))
        .map((k) => ({ kid: k.kid, publicKey: k.publicKey, privateKey: k.privateKey! })),
    ];
    const when = `${localDate(rotated.retireAt)} ${localTime(rotated.retireAt)} (Europe/London)`;
    process.stdout.write(
      `new identity key ${rotated.added.kid} in ${path}; ${rotated.previous.kid} certifies no new sessions and retires at ${when}\n`,
    );
    const result = await pushTrust(c, {
      signers,
      add: [
        { kid: rotated.previous.kid, publicKey: rotated.previous.publicKey, notAfter: rotated.retireAt },
        rotated.added,
      ],
      retire,
    });
    process.stdout.write(
      `${result.updated.length} running journey${result.updated.length === 1 ? '' : 's'} now trust ${rotated.added.kid}` +
        (result.ended.length ? ` (${result.ended.length} ended meanwhile)` : '') +
        '\n',
    );
    process.stdout.write(
      'restart workers (hwc worker, hwc dev) and copy the key file to other hosts, so that journeys they start trust the new key\n',
    );
    if (result.refused.length) {
      for (const r of result.refused) process.stderr.write(`${r.workflowId}: refused: ${terminalSafe(r.reason)}\n`);
      throw new CliError(`${result.refused.length} running journeys refused the new key (listed above)`, 1);
    }
  } catch (e) {
    if (e instanceof IdentityKeyError) throw new CliError(e.message, 2);
    throw e;
  } finally {
    await c.connection.close();
  }
}

export function register(program: Command) {
  const keys = program.command('keys').description("the deployment's identity keys (they certify staff sessions)");
  keys
    .command('rotate')
    .description('make a new identity key and tell every running journey to trust it')
    .option('--grace-hours <n>', 'how long the previous key still certifies (default 12: the longest session)')
    .addHelpText(
      'after',
      `
The key file is HWC_IDENTITY_KEY_FILE (default <data dir>/identity-keys.json). Each running journey gets a
\`trust\` Update signed by the previous key, adding the new key and ending the previous one after the grace
period. Exit codes: 0 every running journey updated; 1 some refused (listed) or Temporal unreachable; 2 bad input.`,
    )
    .action(rotate);
}
