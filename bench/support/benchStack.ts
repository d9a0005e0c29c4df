import fs from 'node:fs';
import path from 'node:path';
import { defaultDataDir } from '../../src/stack/config';
import { startLocalStack } from '../../src/stack/localStack';
import { findFreePort } from '../../src/stack/ports';

/** A fresh local stack for one benchmark scenario: its own data folder, free ports, one pool of 2 nodes × 4 slots. */
export async function startBenchStack(folder: string, pool: string, emulatorArgs: string[]) {
  const dataDir = path.join(defaultDataDir, folder);
  fs.rmSync(dataDir, { recursive: true, force: true });
  return startLocalStack({
    dataDir,
    ports: { temporal: await findFreePort(), temporalUi: await findFreePort(), azurite: await findFreePort(), emulator: await findFreePort() },
    pools: `${pool}:2:4`,
    metricsPort: await findFreePort(),
    emulatorArgs,
  });
}
