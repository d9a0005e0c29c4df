import path from 'node:path';
import { defaultDataDir } from '../../../src/stack/config';
import { type LocalStack, startLocalStack } from '../../../src/stack/localStack';
import { findFreePort } from '../../../src/stack/ports';
import { clearDeadRuns } from '../../support/testStacks';

/**
 * The production topology for one test file: PostgreSQL and the real Temporal
 * server, Azurite, the emulator with `pools`, and `workers` workers, on free
 * ports, in a folder of the file's own (`suite`) and this process's, so two
 * files run by one jest worker never share state.
 */
export async function startProductionStack(suite: string, options: { pools: string; workers: number }): Promise<LocalStack> {
  const runsDir = path.join(defaultDataDir, 'production-stacks', suite);
  clearDeadRuns(runsDir);
  return startLocalStack({
    dataDir: path.join(runsDir, String(process.pid)),
    ports: { temporal: await findFreePort(), temporalUi: await findFreePort(), azurite: await findFreePort(), emulator: await findFreePort() },
    // A port of its own: 9464, the default, may be taken between the look and the worker's start by any other stack here.
    metricsPort: await findFreePort(),
    pools: options.pools,
    topology: { temporal: 'postgres', workers: options.workers },
    log: (line) => process.stderr.write(`[${suite} stack] ${line}\n`),
  });
}
