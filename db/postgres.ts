// PostgreSQL backend: to be written (issue 16). Chosen by HWC_DB=postgres://…
import { DbConfigError, type Db } from './index';

export async function openPostgres(_url: string): Promise<Db> {
  throw new DbConfigError('HWC_DB: PostgreSQL is not available yet in this build');
}
