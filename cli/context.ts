// What every command that talks to Temporal needs: validated configuration, a client, the stub store.
import type { Client } from '@temporalio/client';
import { StubStore } from '../activities/store';
import { ConfigError, loadConfig, type HwcConfig } from '../worker/config';
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
    throw e;
  }
}

export const store = (cfg: HwcConfig = config()) => new StubStore(cfg.dbPath);

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
