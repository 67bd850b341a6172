// What every command that talks to Temporal needs: validated configuration, a client, the stub store.
import type { Client } from '@temporalio/client';
import { StubStore } from '../activities/store';
import { DbConfigError } from '../db';
import { KeyError } from '../worker/codec';
import { ConfigError, loadConfig, type HwcConfig } from '../worker/config';
import { codecKeys } from '../worker/data-converter';
import { UnreachableError, connectClient } from '../worker/connection';
import { CliError } from './errors';
import { readJsonFile } from './files';
import { StaffError, parseStaffDirectory, type StaffDirectory } from '../domain/staff';

export function config(): HwcConfig {
  try {
    return loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) throw new CliError(e.message, 2);
    throw e;
  }
}

export async function client(cfg: HwcConfig = config()): Promise<Client> {
  try {
    return await connectClient(cfg);
  } catch (e) {
    if (e instanceof UnreachableError) throw new CliError(e.message, 1);
    if (e instanceof KeyError) throw new CliError(e.message, 2);
    throw e;
  }
}

/**
 * The stub database (HWC_DB), its personal data sealed with the deployment's codec keys (none when
 * HWC_ENCRYPTION=off). A database that cannot be reached, or keys that are missing, stop the command
 * with one line.
 */
export async function store(cfg: HwcConfig = config()): Promise<StubStore> {
  try {
    return await StubStore.open(cfg.dbPath, { keys: cfg.encryption ? codecKeys(cfg) : null });
  } catch (e) {
    if (e instanceof DbConfigError) throw new CliError(e.message, 1);
    if (e instanceof KeyError) throw new CliError(e.message, 2);
    throw e;
  }
}

/** The staff directory when HWC_STAFF_FILE is set (validated whole, at start); null otherwise. */
export function staffDirectory(cfg: HwcConfig = config()): StaffDirectory | null {
  if (!cfg.staffFile) return null;
  try {
    return parseStaffDirectory(readJsonFile(cfg.staffFile), `HWC_STAFF_FILE ${cfg.staffFile}`);
  } catch (e) {
    if (e instanceof StaffError) throw new CliError(e.message, 2);
    throw e;
  }
}
