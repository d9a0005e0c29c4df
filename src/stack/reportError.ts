import { InvalidSettingError } from '../model/errors';
import { ServiceStartError } from './managedProcess';
import { PortInUseError } from './ports';
import { PostgresUnavailableError } from './postgres';
import { TemporalCliUnavailableError } from './temporalCli';
import { TemporalServerUnavailableError } from './temporalServerBinaries';

const expected = [
  PortInUseError,
  TemporalCliUnavailableError,
  TemporalServerUnavailableError,
  PostgresUnavailableError,
  ServiceStartError,
  InvalidSettingError,
  RangeError,
];

/** Prints a user-facing message (no stack trace for errors a user can act on); returns the exit code. */
export function reportStackError(error: unknown): number {
  if (expected.some((type) => error instanceof type)) {
    console.error(`error: ${(error as Error).message}`);
    return 2;
  }
  console.error(error);
  return 1;
}
