import { ensurePostgresBinDir } from '../../../src/stack/postgres';
import { ensureTemporalServerBinaries } from '../../../src/stack/temporalServerBinaries';

/**
 * What the production-topology suite needs before its stack can start: the
 * Temporal server binaries (a Go build of several minutes on a fresh machine,
 * cached in the user's cache folder afterwards) and PostgreSQL. Done here,
 * where no test timeout applies.
 */
export default async function globalSetup(): Promise<void> {
  const log = (line: string) => process.stderr.write(`[production setup] ${line}\n`);
  await ensureTemporalServerBinaries(log);
  await ensurePostgresBinDir(log);
}
